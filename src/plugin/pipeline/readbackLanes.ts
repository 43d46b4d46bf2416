/**
 * The readback path (a CPU execution provider) as two lanes that overlap: each captured frame is read back into a slot
 * of its own, so the next frame is captured and read back while the current one is in inference, waits as `ready`,
 * and its inference starts the moment the current one ends.
 *   reading (as many as the capture has slots) ──► ready (the newest) ──► inferring (one) ──► result
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
 * Input buffers for the frames in flight: those reading back, one waiting, one in inference and the one whose result
 * is shown (kept for `readInputTensor`), so a handful of buffers of one size turn over without allocation.
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
        if (buffer && this._free.length < 6) {
            this._free.push(buffer);
        }
    }
}

/** What the lanes know when deciding whether to capture a frame now. */
export interface CaptureTiming {
    now: number;
    /** performance.now() when the inference in flight started; undefined when none is in flight. */
    inferenceStartedAt: number | undefined;
    /** Frames already on their way to the inference lane (reading back, or read and waiting). */
    framesInPipe: number;
    /** The last inference's duration and the last capture-to-CPU time, in ms (0 before the first). */
    lastInferenceMs: number;
    lastReadbackMs: number;
    /** The render loop's frame time, in ms. */
    frameMs: number;
}

/**
 * Whether to capture a frame now. The inference lane will want frames when the inference in flight ends and then one
 * per inference; the frames in the pipe cover the first of those, so a capture is for the next one and is due when
 * its readback, started now, would end just in time for it (two frames of slack: a frame is only captured after one
 * is rendered). So the inference lane never waits and each inference gets the newest frame there can be — also when
 * a readback takes longer than an inference, which then has several readbacks in flight. Without estimates: at once.
 */
export function captureIsDue(t: CaptureTiming): boolean {
    const laneFree = t.inferenceStartedAt === undefined ? t.now : Math.max(t.now, t.inferenceStartedAt + t.lastInferenceMs);
    const wantedAt = laneFree + t.framesInPipe * t.lastInferenceMs;
    return t.now + t.lastReadbackMs + 2 * t.frameMs >= wantedAt;
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
    /** A frame read back was overtaken by a newer one before its inference: it is never stylized. */
    overtaken(): void;
}

export class ReadbackLanes {
    /** Readbacks in flight. */
    private _reading = 0;
    private _ready: CpuFrame | undefined;
    /** The newest frame that became ready: one read back later but captured before it is never run (capture order). */
    private _newestReady = -1;
    private _inferring = false;
    private _inferenceStartedAt = 0;
    private readonly _slots = new FrameSlots();
    /** The input of the last result, for readInputTensor. */
    private _resultInput: Float32Array | undefined;

    /** @param _maxReading readbacks the capture can have in flight at once (its slots) */
    public constructor(
        private readonly _owner: LaneOwner,
        private readonly _presenter: TexturePresenter,
        private readonly _maxReading: number
    ) {}

    public get state(): { reading: boolean; ready: boolean; inferring: boolean } {
        return { reading: this._reading > 0, ready: !!this._ready, inferring: this._inferring };
    }

    public get idle(): boolean {
        return this._reading === 0 && !this._ready && !this._inferring;
    }

    /** The input tensor of the last result (NCHW), or undefined before the first. */
    public get resultInput(): Float32Array | undefined {
        return this._resultInput;
    }

    /** Whether to capture now: a readback slot is free and the frame is due (see captureIsDue). */
    public wantsCapture(last: StageTimes, frameMs: number): boolean {
        if (this._reading >= this._maxReading) {
            return false;
        }
        return captureIsDue({
            now: performance.now(),
            inferenceStartedAt: this._inferring ? this._inferenceStartedAt : undefined,
            framesInPipe: this._reading + (this._ready && this._inferring ? 1 : 0),
            lastInferenceMs: last.inference,
            lastReadbackMs: last.readback,
            frameMs,
        });
    }

    /** A buffer for a frame of `length` floats. */
    public slot(length: number): Float32Array {
        return this._slots.take(length);
    }

    /**
     * Follows `item`'s readback (`read` fills item.input); once read, it runs on `session` when the inference lane is
     * free. A newer frame read meanwhile replaces one still waiting: the newest frame wins. Slots' fences may signal
     * out of order; a frame older than one already taken is dropped, so results are shown in capture order.
     */
    public readBack(item: CpuFrame, read: Promise<Float32Array | null>, session: () => StylizationSession | undefined): void {
        this._reading++;
        read.then(
            (input) => {
                this._reading--;
                item.stages.readback = performance.now() - item.capturedAt - item.stages.capture;
                if (!input) {
                    this._drop(item);
                    this._owner.failed(new InferenceError("the WebGL context was lost while reading the frame back; stylization stopped"));
                } else if (this._owner.isCurrent(item) && item.frameId > this._newestReady) {
                    if (this._ready) {
                        this._owner.overtaken();
                        this.dropReady();
                    }
                    this._ready = item;
                    this._newestReady = item.frameId;
                    this._inferNext(session);
                } else {
                    if (this._owner.isCurrent(item)) {
                        this._owner.overtaken();
                    }
                    this._drop(item);
                }
                this._owner.settled();
            },
            (error: unknown) => {
                this._reading--;
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
