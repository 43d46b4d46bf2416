/**
 * The readback path (a CPU execution provider) as two lanes that overlap: each captured frame is read back into a slot
 * of its own, so the next frame is captured and read back while the current one is in inference, waits as `ready`,
 * and its inference starts the moment the current one ends.
 *   reading ──► ready ──► inferring ──► result          (one of each at a time)
 */
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import { InferenceError } from "../errors.js";
import type { StylizationSession } from "../infer/inferenceSession.js";
import type { TexturePresenter } from "../postprocess/texturePresenter.js";
import type { StageTimes } from "./frameStats.js";

/** A frame on its way through the readback path. */
export interface CpuFrame {
    /** The input tensor (NCHW), filled by the readback. */
    input: Float32Array;
    width: number;
    height: number;
    params: PreprocessParams;
    /** The engine's frameId when it was captured. */
    frameId: number;
    /** performance.now() at capture. */
    capturedAt: number;
    /** The pipeline's generation at capture: a frame of an older one is never shown. */
    generation: number;
    stages: StageTimes;
}

/**
 * Input buffers for the frames in flight: at most one reading back, one waiting, one in inference and the one whose
 * result is shown (kept for `readInputTensor`), so four buffers of one size turn over without allocation.
 */
export class FrameSlots {
    private _free: Float32Array[] = [];

    /** A buffer of `length` floats, reused when one is free. */
    public take(length: number): Float32Array {
        const index = this._free.findIndex((b) => b.length === length);
        return index >= 0 ? this._free.splice(index, 1)[0] : new Float32Array(length);
    }

    /** Gives a buffer back; only a few are kept (sizes change rarely). */
    public give(buffer: Float32Array | undefined): void {
        if (buffer && this._free.length < 4) {
            this._free.push(buffer);
        }
    }
}

/** What the pipeline knows when deciding whether to capture while an inference runs. */
export interface CaptureTiming {
    now: number;
    /** performance.now() when the inference in flight started. */
    inferenceStartedAt: number;
    /** The last inference's duration and the last capture-to-CPU time, in ms (0 before the first). */
    lastInferenceMs: number;
    lastReadbackMs: number;
    /** The render loop's frame time, in ms. */
    frameMs: number;
}

/**
 * Whether to capture the next frame now while an inference runs: just in time for its readback to finish as the
 * inference ends (so the next inference starts at once with the newest frame there can be), with two frames of slack
 * because a frame is only captured after one is rendered. Without an estimate yet, at once.
 */
export function captureIsDue(t: CaptureTiming): boolean {
    const remaining = t.inferenceStartedAt + t.lastInferenceMs - t.now;
    return remaining <= t.lastReadbackMs + 2 * t.frameMs;
}

/** What the lanes ask of the pipeline. */
export interface LaneOwner {
    /** Whether a frame's result may still be shown (same generation, pipeline running). */
    isCurrent(item: CpuFrame): boolean;
    /** A result of the current generation, prepared in the presenter. */
    published(item: CpuFrame): void;
    /** Work in flight failed. */
    failed(error: unknown): void;
    /** Something settled: the pipeline checks whether it is idle. */
    settled(): void;
}

export class ReadbackLanes {
    private _reading = false;
    private _ready: CpuFrame | undefined;
    private _inferring = false;
    private _inferenceStartedAt = 0;
    private readonly _slots = new FrameSlots();
    /** The input of the last result, for readInputTensor. */
    private _resultInput: Float32Array | undefined;

    public constructor(
        private readonly _owner: LaneOwner,
        private readonly _presenter: TexturePresenter
    ) {}

    public get state(): { reading: boolean; ready: boolean; inferring: boolean } {
        return { reading: this._reading, ready: !!this._ready, inferring: this._inferring };
    }

    public get idle(): boolean {
        return !this._reading && !this._ready && !this._inferring;
    }

    /** The input tensor of the last result (NCHW), or undefined before the first. */
    public get resultInput(): Float32Array | undefined {
        return this._resultInput;
    }

    /** Whether to capture now: nothing reading back or waiting, and no inference, or one that ends soon. */
    public wantsCapture(last: StageTimes, frameMs: number): boolean {
        if (this._reading || this._ready) {
            return false;
        }
        const timing = { inferenceStartedAt: this._inferenceStartedAt, lastInferenceMs: last.inference, lastReadbackMs: last.readback };
        return !this._inferring || captureIsDue({ ...timing, now: performance.now(), frameMs });
    }

    /** A buffer for a frame of `length` floats. */
    public slot(length: number): Float32Array {
        return this._slots.take(length);
    }

    /** Follows `item`'s readback (`read` fills item.input); once read, it runs on `session` when the lane is free. */
    public readBack(item: CpuFrame, read: Promise<Float32Array | null>, session: () => StylizationSession | undefined): void {
        this._reading = true;
        read.then(
            (input) => {
                this._reading = false;
                item.stages.readback = performance.now() - item.capturedAt - item.stages.capture;
                if (!input) {
                    this._drop(item);
                    this._owner.failed(new InferenceError("the WebGL context was lost while reading the frame back; stylization stopped"));
                } else if (this._owner.isCurrent(item)) {
                    this._ready = item;
                    this._inferNext(session);
                } else {
                    this._drop(item);
                }
                this._owner.settled();
            },
            (error: unknown) => {
                this._reading = false;
                this._drop(item);
                this._owner.failed(error);
            }
        );
    }

    /** Drops the frame waiting for inference (a failure or a disposal). */
    public dropReady(): void {
        this._drop(this._ready);
        this._ready = undefined;
    }

    private _drop(item: CpuFrame | undefined): void {
        this._slots.give(item?.input);
    }

    /** Starts the inference of the frame waiting in `ready`, unless one is in flight. */
    private _inferNext(getSession: () => StylizationSession | undefined): void {
        const item = this._ready;
        const session = getSession();
        if (this._inferring || !item || !session) {
            return;
        }
        this._ready = undefined;
        if (!this._owner.isCurrent(item)) {
            this._drop(item); // captured before a cleared result or a failure
            return;
        }
        this._inferring = true;
        const started = (this._inferenceStartedAt = performance.now());
        // The wasm provider's worker proxy takes ownership of (detaches) the buffer it is given, so it gets a copy; the
        // slot is kept for readInputTensor() when this frame's result is shown.
        session.runCpu(item.input.slice(), item.width, item.height).then(
            (output) => {
                this._inferring = false;
                const inferredAt = performance.now();
                this._inferNext(getSession); // the next frame's inference starts before this one's postprocess
                if (this._owner.isCurrent(item)) {
                    this._presenter.prepare(output.data, output.width, output.height, item.params);
                    Object.assign(item.stages, { inference: inferredAt - started, postprocess: performance.now() - inferredAt });
                    this._slots.give(this._resultInput);
                    this._resultInput = item.input;
                    this._owner.published(item);
                } else {
                    this._drop(item);
                }
                this._owner.settled();
            },
            (error: unknown) => {
                this._inferring = false;
                this._drop(item);
                this._owner.failed(error);
            }
        );
    }
}
