/**
 * Per-channel statistics of an NCHW [1, C, H, W] tensor (RGB, then any guide channels), the numbers the inspector panel shows for the network's
 * input and output: min, max, mean, std, the share of values outside the interval the contract expects, and a
 * histogram.
 */
import { StylizationError } from "../errors.js";

export interface ChannelStats {
    min: number;
    max: number;
    mean: number;
    /** Population standard deviation. */
    std: number;
    /** Share (0..1) of values outside `expected`. */
    outOfRange: number;
    /** The interval the contract expects for this channel. */
    expected: [number, number];
    /** Counts over `histogramRange`, split into equal bins. */
    histogram: Uint32Array;
    /** The expected interval widened to include min and max. */
    histogramRange: [number, number];
}

/** Values this close to an interval's end still count as inside (float rounding of exact ends, e.g. Tanh's 1.0). */
const Tolerance = 1e-3;

/**
 * Statistics per tensor channel, one per entry of `expected`: the interval channel c should stay in (for the input:
 * what 0..1 pixels, or guide values, map to; for the output: the declared output range). Non-finite values count as
 * out of range and are left out of the other figures.
 */
export function computeTensorStats(tensor: Float32Array, expected: ReadonlyArray<readonly [number, number]>, bins = 32): ChannelStats[] {
    const channels = expected.length;
    const plane = tensor.length / channels;
    if (!Number.isInteger(plane)) {
        throw new StylizationError(`a ${channels}-channel tensor has a multiple of ${channels} values; got ${tensor.length}`);
    }
    const stats: ChannelStats[] = [];
    for (let c = 0; c < channels; c++) {
        const [lo, hi] = expected[c];
        const slack = Tolerance * Math.max(1, hi - lo);
        let min = Infinity;
        let max = -Infinity;
        let sum = 0;
        let finite = 0;
        let outside = 0;
        const start = c * plane;
        for (let i = start; i < start + plane; i++) {
            const v = tensor[i];
            if (!Number.isFinite(v)) {
                outside++;
                continue;
            }
            finite++;
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
            if (v < lo - slack || v > hi + slack) outside++;
        }
        const mean = finite ? sum / finite : NaN;
        // Second pass for the variance: numerically sound for values far from 0 (e.g. [0,255]).
        let squares = 0;
        for (let i = start; i < start + plane; i++) {
            const v = tensor[i];
            if (Number.isFinite(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        const histogramRange: [number, number] = finite ? [Math.min(lo, min), Math.max(hi, max)] : [lo, hi];
        const histogram = new Uint32Array(bins);
        const width = histogramRange[1] - histogramRange[0] || 1;
        for (let i = start; i < start + plane; i++) {
            const v = tensor[i];
            if (Number.isFinite(v)) {
                histogram[Math.min(bins - 1, Math.floor(((v - histogramRange[0]) / width) * bins))]++;
            }
        }
        stats.push({
            min: finite ? min : NaN,
            max: finite ? max : NaN,
            mean,
            std: finite ? Math.sqrt(squares / finite) : NaN,
            outOfRange: plane ? outside / plane : 0,
            expected: [lo, hi],
            histogram,
            histogramRange,
        });
    }
    return stats;
}
