import type { ExecutionProvider, SkippedProvider } from "../infer/executionProvider.js";
import type { SessionPrecision, StylizationSession } from "../infer/inferenceSession.js";
import type { InferenceSizing } from "../capture/inferenceSize.js";
import type { AdaptiveHeightState } from "../capture/adaptiveHeight.js";

/** The stages a stylized frame's time is split into, in the order the frame passes through them. */
export const StageNames = ["capture", "readback", "inference", "postprocess", "present"] as const;

export type StageName = (typeof StageNames)[number];

/**
 * Stages of the last stylized frame, in ms.
 * - `capture`: render-thread time to record the capture + preprocess pass (the GPU runs it with the frame).
 * - `readback`: from capture until the input tensor is on the CPU (GPU completion of the frame + transfer; 0 on
 *   zero-copy).
 * - `inference`: the session run (zero-copy: until the GPU finished it).
 * - `postprocess`: output tensor to image bytes on the CPU (0 on zero-copy, where a compute dispatch does it).
 * - `present`: render-thread time to hand a result to the composite (texture upload, or the compute dispatch that
 *   writes it), measured when the previous result was presented (a result is presented on the frame after it
 *   arrives); the composite itself is one full-screen pass of the post process.
 */
export type StageTimes = Record<StageName, number>;

/** All stages at zero. */
export function noStageTimes(): StageTimes {
    return { capture: 0, readback: 0, inference: 0, postprocess: 0, present: 0 };
}

/** Counters the pipeline keeps; the handle exposes them as `stats`. */
export interface PipelineCounters {
    framesStylized: number;
    framesSkipped: number;
    /** Capture to result of the last stylized frame. */
    lastInferenceMs: number;
    totalInferenceMs: number;
    /** Where the last frame's time went, in ms. */
    lastStages: StageTimes;
    /** The engine's `frameId` when the last result's input was captured; -1 before the first. */
    resultFrameId: number;
}

/** Live figures of a stylization. */
export interface StylizationStats {
    /** The provider running the network, once a model is loaded. */
    executionProvider: ExecutionProvider | undefined;
    /** True when frames never leave the GPU (WebGPU engine + WebGPU provider). */
    zeroCopy: boolean;
    /** True when zero-copy runs replay a graph onnxruntime captured (fewer CPU commands per frame). */
    graphCapture: boolean;
    /** The precision the network runs at (an fp16 twin on a GPU with shader-f16) and why; undefined before a model. */
    precision: SessionPrecision | undefined;
    /** The providers `auto` did not run the model on, and why (left out, or failed to start). */
    skippedProviders: SkippedProvider[];
    inferenceWidth: number;
    inferenceHeight: number;
    /** Time from capture to result of the last stylized frame, in ms. */
    lastInferenceMs: number;
    averageInferenceMs: number;
    /** Frames whose stylized result was produced. */
    framesStylized: number;
    /** Frames rendered while an inference was in flight and never stylized (not captured, or overtaken by a newer one). */
    framesSkipped: number;
    /** Where the last stylized frame's time went, in ms. */
    lastStages: StageTimes;
    /** The engine's `frameId` when the input of the last result was captured (-1 before the first): the frame it shows. */
    resultFrameId: number;
    /** With `targetFps`: the loop's frame rate, the inference height chosen and why. */
    adaptive: AdaptiveHeightState | undefined;
}

/** Payload of `onFrameStylizedObservable`. */
export interface FrameStylizedEvent {
    inferenceMs: number;
    framesStylized: number;
    /** The engine's `frameId` when this result's input was captured. */
    frameId: number;
}

/** A stylization's stats from its pipeline's counters, the session running (if any), the providers skipped and the sizing. */
export function stylizationStats(
    counters: PipelineCounters,
    session: StylizationSession | undefined,
    skippedProviders: SkippedProvider[],
    sizing: InferenceSizing
): StylizationStats {
    const size = sizing.sizeFor(session?.model);
    return {
        executionProvider: session?.provider,
        zeroCopy: !!session?.gpuIo,
        graphCapture: !!session?.graphCaptured,
        precision: session ? { ...session.precision } : undefined,
        skippedProviders: skippedProviders.map((s) => ({ ...s })),
        inferenceWidth: size.width,
        inferenceHeight: size.height,
        lastInferenceMs: counters.lastInferenceMs,
        averageInferenceMs: counters.framesStylized ? counters.totalInferenceMs / counters.framesStylized : 0,
        framesStylized: counters.framesStylized,
        framesSkipped: counters.framesSkipped,
        lastStages: { ...counters.lastStages },
        resultFrameId: counters.resultFrameId,
        adaptive: sizing.adaptive,
    };
}
