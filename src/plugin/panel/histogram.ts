/** The tensor section's histograms, drawn on a canvas. */
import { f3 } from "./format.js";
import type { ChannelStats } from "./tensorStats.js";

/** R, G, B, then guide channels (depth, normal x y z: lighter shades). */
const ChannelColors = ["#ff6b6b", "#5fd17a", "#6b9bff", "#d0d0d0", "#ffb0b0", "#b0ecbf", "#b0c9ff"];

/** Three channel histograms over one axis, the expected interval shaded. */
export function drawHistogram(canvas: HTMLCanvasElement, stats: ChannelStats[] | undefined): void {
    const context = canvas.getContext("2d");
    if (!context) {
        return;
    }
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    if (!stats?.length) {
        return;
    }
    const lo = Math.min(...stats.map((s) => s.histogramRange[0]));
    const hi = Math.max(...stats.map((s) => s.histogramRange[1]));
    const x = (v: number) => ((v - lo) / (hi - lo || 1)) * width;
    const [elo, ehi] = [Math.min(...stats.map((s) => s.expected[0])), Math.max(...stats.map((s) => s.expected[1]))];
    context.fillStyle = "rgba(255,255,255,0.08)";
    context.fillRect(x(elo), 0, x(ehi) - x(elo), height);
    context.globalCompositeOperation = "lighter";
    stats.forEach((s, c) => {
        const peak = Math.max(1, ...s.histogram);
        const bins = s.histogram.length;
        const [a, b] = s.histogramRange;
        context.fillStyle = ChannelColors[c];
        context.globalAlpha = 0.6;
        for (let i = 0; i < bins; i++) {
            const x0 = x(a + ((b - a) * i) / bins);
            const x1 = x(a + ((b - a) * (i + 1)) / bins);
            const h = (s.histogram[i] / peak) * (height - 2);
            context.fillRect(x0, height - h, Math.max(1, x1 - x0 - 0.5), h);
        }
    });
    context.globalAlpha = 1;
    context.globalCompositeOperation = "source-over";
    context.fillStyle = "#8a93a6";
    context.font = "10px sans-serif";
    context.fillText(f3(lo), 2, 10);
    const right = f3(hi);
    context.fillText(right, width - context.measureText(right).width - 2, 10);
}
