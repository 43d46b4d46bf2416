/**
 * Plain-words warnings when the live tensors do not look like what the model was trained on: the input's statistics
 * against the training statistics the model declares (`stylize.train_mean` / `stylize.train_std`), and the output's
 * values against the declared output range. Each warning may carry the contract change that would fix it.
 */
import {
    NamedInputRanges,
    derivePreprocessParams,
    outputInterval,
    type InputRange,
    type OutputRange,
    type PreprocessConfig,
    type Vec3,
} from "../contract/preprocessConfig.js";
import type { TrainingStatistics } from "../model/modelContract.js";
import type { ChannelStats } from "./tensorStats.js";

export interface MismatchWarning {
    /** Stable identifier, e.g. for tests and for hiding a warning. */
    kind:
        | "input-range"
        | "channel-order"
        | "input-far-from-training"
        | "output-out-of-range"
        | "output-range-unused"
        | "output-not-finite"
        | "no-training-statistics";
    /** `info` is advice; `warning` means the image is very likely wrong. */
    severity: "info" | "warning";
    text: string;
    /** The contract change that would probably fix it. */
    fix?: Partial<PreprocessConfig>;
}

/** Distances (in training standard deviations, averaged over channels) above which the input is "far" from training. */
export const MismatchThresholds = {
    /** A better input range is suggested when the current one is at least this far... */
    range: 1,
    /** ...and the better one is at most this fraction of the current distance. */
    improvement: 0.5,
    /** Channel means in reverse order must be this far apart for the order check to mean anything. */
    channelSpread: 0.5,
    /** Far from training with no better candidate. */
    generic: 1.5,
    /** Share of output values outside the declared range that is worth a warning. */
    outputShare: 0.02,
} as const;

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const avg = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const vec = (values: readonly number[]) => values.map(fmt).join(", ");

/** Mean and std per tensor channel that the same frame would have under `range` (same channel order and colour space). */
function statsUnder(range: InputRange, config: PreprocessConfig, pixelMean: Vec3, pixelStd: Vec3): { mean: number[]; std: number[] } {
    const p = derivePreprocessParams({ ...config, inputRange: range });
    return { mean: [0, 1, 2].map((c) => pixelMean[c] * p.inScale[c] + p.inBias[c]), std: [0, 1, 2].map((c) => pixelStd[c] * p.inScale[c]) };
}

/** How far live statistics are from training: mean offset in training stds plus the log ratio of the stds, averaged. */
function distance(mean: readonly number[], std: readonly number[], training: TrainingStatistics): number {
    const offsets = [0, 1, 2].map((c) => Math.abs(mean[c] - training.mean[c]) / training.std[c]);
    const ratios = [0, 1, 2].map((c) => Math.abs(Math.log(Math.max(std[c], 1e-6) / training.std[c])));
    return avg(offsets) + avg(ratios);
}

function checkInput(config: PreprocessConfig, input: readonly ChannelStats[], training: TrainingStatistics | undefined): MismatchWarning[] {
    if (!training) {
        return [
            {
                kind: "no-training-statistics",
                severity: "info",
                text: "The model declares no training statistics (metadata stylize.train_mean / stylize.train_std), so the input cannot be compared with training. Add the per-channel mean and std of your training input tensors to the model's metadata to enable this check.",
            },
        ];
    }
    const liveMean = input.map((s) => s.mean);
    const liveStd = input.map((s) => s.std);
    if (![...liveMean, ...liveStd].every(Number.isFinite)) {
        return [];
    }
    // Back to pixel values (0..1, network colour space) per tensor channel, then forward under each candidate range.
    const p = derivePreprocessParams(config);
    const pixelMean = [0, 1, 2].map((c) => (liveMean[c] - p.inBias[c]) / p.inScale[c]) as unknown as Vec3;
    const pixelStd = [0, 1, 2].map((c) => liveStd[c] / Math.abs(p.inScale[c])) as unknown as Vec3;
    const current = distance(liveMean, liveStd, training);
    const summary = `input mean ${fmt(avg(liveMean))} (std ${fmt(avg(liveStd))}) but training mean ${fmt(avg(training.mean))} (std ${fmt(avg(training.std))})`;

    let best: { range: InputRange; d: number } = { range: config.inputRange, d: current };
    for (const range of NamedInputRanges) {
        const under = statsUnder(range, config, pixelMean, pixelStd);
        const d = distance(under.mean, under.std, training);
        if (d < best.d) {
            best = { range, d };
        }
    }
    if (best.range !== config.inputRange && current > MismatchThresholds.range && best.d < current * MismatchThresholds.improvement) {
        return [
            {
                kind: "input-range",
                severity: "warning",
                text: `${capitalize(summary)}: the model was probably trained on ${best.range}, you feed ${config.inputRange}.`,
                fix: { inputRange: best.range as InputRange },
            },
        ];
    }

    // Channel order: only meaningful when training's first and last channel means differ clearly.
    const spread = Math.abs(training.mean[0] - training.mean[2]) / avg(training.std);
    if (spread > MismatchThresholds.channelSpread) {
        const meanOnly = (mean: readonly number[]) => avg([0, 1, 2].map((c) => Math.abs(mean[c] - training.mean[c]) / training.std[c]));
        const straight = meanOnly(liveMean);
        const reversed = meanOnly([liveMean[2], liveMean[1], liveMean[0]]);
        if (straight > MismatchThresholds.range * 0.6 && reversed < straight * MismatchThresholds.improvement) {
            const other = config.channelOrder === "RGB" ? "BGR" : "RGB";
            return [
                {
                    kind: "channel-order",
                    severity: "warning",
                    text: `Input channel means ${vec(liveMean)} match the training means ${vec(training.mean)} in reverse order: the model was probably trained on ${other}, you feed ${config.channelOrder}.`,
                    fix: { channelOrder: other },
                },
            ];
        }
    }
    if (current > MismatchThresholds.generic) {
        return [
            {
                kind: "input-far-from-training",
                severity: "warning",
                text: `${capitalize(summary)}, per channel ${vec(liveMean)} vs ${vec(training.mean)}. No other input range fits better: check the colour space (sRGB vs linear) and custom mean/std, or the scene is unlike the training frames.`,
            },
        ];
    }
    return [];
}

function checkOutput(config: PreprocessConfig, output: readonly ChannelStats[]): MismatchWarning[] {
    const [lo, hi] = outputInterval(config.outputRange);
    const min = Math.min(...output.map((s) => s.min));
    const max = Math.max(...output.map((s) => s.max));
    const share = avg(output.map((s) => s.outOfRange));
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
        return [
            {
                kind: "output-not-finite",
                severity: "warning",
                text: "The network's output contains NaN or Infinity: the model or the execution provider fails on this input (try the wasm provider, or check the export).",
            },
        ];
    }
    const range = (r: OutputRange) => ({ outputRange: r });
    if (share > MismatchThresholds.outputShare) {
        const guess: OutputRange | undefined = max > 2 ? "[0,255]" : min < -0.05 && config.outputRange !== "[-1,1]" ? "[-1,1]" : undefined;
        const pct = `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
        return [
            {
                kind: "output-out-of-range",
                severity: "warning",
                text:
                    `${pct} of output values fall outside the declared output range ${config.outputRange} (min ${fmt(min)}, max ${fmt(max)})` +
                    (guess
                        ? `: the network probably outputs ${guess}.`
                        : `${config.clamp ? " and are clamped" : ""}: check the output range and the input range.`),
                fix: guess ? range(guess) : undefined,
            },
        ];
    }
    const meanAll = avg(output.map((s) => s.mean));
    if (config.outputRange === "[-1,1]" && min >= -0.02 && meanAll > 0.15) {
        return [
            {
                kind: "output-range-unused",
                severity: "warning",
                text: `No output value is below 0 (min ${fmt(min)}, max ${fmt(max)}) although the declared output range is [-1,1]: the network probably outputs [0,1] (the image then looks washed out).`,
                fix: range("[0,1]"),
            },
        ];
    }
    if (config.outputRange === "[0,255]" && max <= 1.05 && lo === 0 && hi === 255) {
        const guess: OutputRange = min < -0.05 ? "[-1,1]" : "[0,1]";
        return [
            {
                kind: "output-range-unused",
                severity: "warning",
                text: `Every output value is at most ${fmt(max)} although the declared output range is [0,255]: the network probably outputs ${guess} (the image then looks black).`,
                fix: range(guess),
            },
        ];
    }
    return [];
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The warnings for the live tensors; an empty list means they look like what the model expects. */
export function findMismatches(
    config: PreprocessConfig,
    stats: { input?: readonly ChannelStats[]; output?: readonly ChannelStats[] },
    training: TrainingStatistics | undefined
): MismatchWarning[] {
    return [...(stats.input ? checkInput(config, stats.input, training) : []), ...(stats.output ? checkOutput(config, stats.output) : [])];
}
