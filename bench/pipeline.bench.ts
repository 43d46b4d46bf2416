/**
 * Where the time goes, per engine and execution provider: frame times with stylization off and on (does the loop
 * stall?), inference time as the pipeline sees it (capture to result), frames stylized vs skipped, and onnxruntime-node
 * on the same model and size as the native reference. Writes bench/report/pipeline.md.
 *
 *   npm run bench            (needs the demo built: npm run pretest or npm run build:demo; WebGPU needs Xvfb)
 *
 * Everything here is SwiftShader on 2 CPU cores: compare ratios within one run, not absolute times.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDemo, type BrowserSession } from "../test/browser/chromium";
import { median, nodeMedianRun, runCases, writeReport } from "./benchTools";
import { StageNames, type StageName } from "../src/plugin/pipeline/frameStats";

const Seconds = Number(process.env.BENCH_SECONDS ?? 6);
const Cases: Array<{ engine: "webgpu" | "webgl"; ep: "webgpu" | "wasm" | "webgl"; height: number }> = [
    { engine: "webgl", ep: "wasm", height: 128 },
    { engine: "webgl", ep: "wasm", height: 256 },
    { engine: "webgl", ep: "webgl", height: 128 },
    { engine: "webgl", ep: "webgl", height: 256 },
    { engine: "webgl", ep: "webgpu", height: 128 },
    { engine: "webgpu", ep: "wasm", height: 128 },
    { engine: "webgpu", ep: "wasm", height: 256 },
    { engine: "webgpu", ep: "webgpu", height: 128 },
];
const Model = "models/ink-wash.onnx";
/** The stage times the plugin reports for each stylized frame (see StageTimes). */
const here = path.dirname(fileURLToPath(import.meta.url));

interface Window_ {
    p50: number;
    p95: number;
    max: number;
    fps: number;
}

function summarize(intervals: number[]): Window_ {
    const sorted = [...intervals].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    const total = intervals.reduce((a, b) => a + b, 0);
    return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN, fps: (1000 * intervals.length) / total };
}

async function frameIntervals(page: import("playwright-core").Page, seconds: number): Promise<number[]> {
    return page.evaluate(
        (ms) =>
            new Promise<number[]>((resolve) => {
                const { scene } = (window as any).demo;
                const out: number[] = [];
                let last = performance.now();
                const obs = scene.onAfterRenderObservable.add(() => {
                    const now = performance.now();
                    out.push(now - last);
                    last = now;
                });
                setTimeout(() => {
                    scene.onAfterRenderObservable.remove(obs);
                    resolve(out.slice(1));
                }, ms);
            }),
        seconds * 1000
    );
}

async function benchCase(session: BrowserSession, c: (typeof Cases)[number]): Promise<string> {
    const demo = await openDemo(session, { engine: c.engine, ep: c.ep, height: String(c.height), hud: "0", model: Model });
    const error = await demo.page.evaluate(() => (window as any).demo.error);
    if (error) {
        await demo.page.close();
        return `| ${c.engine} | ${c.ep} | ${c.height} | failed: ${error} ||||||||`;
    }
    await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = false));
    const off = summarize(await frameIntervals(demo.page, Seconds / 2));
    await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = true));
    await demo.page.waitForFunction(() => (window as any).demo.stylization.stats.framesStylized > 1, null, { timeout: 120_000 });
    const before = await demo.page.evaluate(() => ({ ...(window as any).demo.stylization.stats }));
    const inferTimes: number[] = [];
    await demo.page.evaluate(() => {
        const w = window as any;
        w.__infer = [];
        w.__stages = [];
        w.demo.stylization.onFrameStylizedObservable.add((e: { inferenceMs: number }) => {
            w.__infer.push(e.inferenceMs);
            w.__stages.push(w.demo.stylization.stats.lastStages);
        });
    });
    const on = summarize(await frameIntervals(demo.page, Seconds));
    const after = await demo.page.evaluate(() => ({ ...(window as any).demo.stylization.stats }));
    inferTimes.push(...(await demo.page.evaluate(() => (window as any).__infer as number[])));
    const stages: Array<Record<StageName, number>> = await demo.page.evaluate(() => (window as any).__stages);
    const stageText = StageNames.map((k) => median(stages.map((s) => s[k])).toFixed(1)).join(" / ");
    await demo.page.close();
    const medianInfer = median(inferTimes);
    const native = await nodeMedianRun(path.join(here, "..", Model), after.inferenceWidth, after.inferenceHeight);
    const stylized = after.framesStylized - before.framesStylized;
    const skipped = after.framesSkipped - before.framesSkipped;
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
    return `| ${c.engine} | ${c.ep}${after.zeroCopy ? " (zero-copy)" : ""} | ${after.inferenceWidth}x${after.inferenceHeight} | ${f(off.fps)} / ${f(on.fps)} | ${f(off.p95)} / ${f(on.p95)} | ${f(on.max)} | ${f(medianInfer)} | ${stageText} | ${f(native)} (${f(medianInfer / native)}x) | ${stylized} / ${skipped} |`;
}

async function main(): Promise<void> {
    const rows = await runCases(Cases, benchCase);
    writeReport("pipeline", [
        `# Pipeline benchmark`,
        ``,
        `${new Date().toISOString()} · model \`${Model}\` · demo level, 320x240 canvas · ${Seconds} s per case · Chromium (SwiftShader) on this machine.`,
        `Compare ratios within this run; absolute times say nothing about a real GPU.`,
        ``,
        `| engine | provider | inference size | fps off / on | p95 frame ms off / on | max frame ms on | capture→result ms (median) | capture / readback / inference / postprocess / present ms (median) | onnxruntime-node ms (ratio to capture→result) | stylized / skipped |`,
        `|---|---|---|---|---|---|---|---|---|---|`,
        ...rows,
        ``,
    ]);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
