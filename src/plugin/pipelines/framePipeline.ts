/**
 * The per-frame flow. The render loop never waits for the network:
 *   onAfterRender   capture + preprocess the frame (GPU) unless an inference is in flight (then the frame is skipped)
 *   onEndFrame      (zero-copy) run the network on Babylon's submitted input buffer
 *   later           the result arrives; the next onBeforeRender presents it (GPU dispatch or texture upload)
 * At most one inference is in flight and the newest finished result is shown.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import { packParams } from "../contract/shaders.js";
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import { WebGpuCapture } from "../capture/webgpuCapture.js";
import { WebGlCapture } from "../capture/webglCapture.js";
import { WebGpuPresent } from "../present/webgpuPresent.js";
import { TexturePresent } from "../present/texturePresent.js";
import type { StylizationSession } from "../infer/inferenceSession.js";
import { InferenceError, asStylizationError, type StylizationError } from "../errors.js";

/** Counters the pipeline keeps; the handle exposes them as `stats`. */
export interface PipelineCounters {
    framesStylized: number;
    framesSkipped: number;
    /** Capture to result of the last stylized frame. */
    lastInferenceMs: number;
    totalInferenceMs: number;
    /** Where the last frame's time went, in ms (see {@link StageTimes}). */
    lastStages: StageTimes;
}

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
export interface StageTimes {
    capture: number;
    readback: number;
    inference: number;
    postprocess: number;
    present: number;
}

const NoStages: Readonly<StageTimes> = { capture: 0, readback: 0, inference: 0, postprocess: 0, present: 0 };

export interface FramePipelineOptions {
    /** The frame to capture this frame (the composite post process's input), or null when there is none yet. */
    getFrame: () => InternalTexture | null;
    onResult: (inferenceMs: number) => void;
    onError: (error: StylizationError) => void;
}

interface PipelineShape {
    width: number;
    height: number;
    params: PreprocessParams;
}

export class FramePipeline {
    public readonly counters: PipelineCounters = { framesStylized: 0, framesSkipped: 0, lastInferenceMs: 0, totalInferenceMs: 0, lastStages: { ...NoStages } };
    /** Stage times of the inference in flight, published when it completes (`present` is written when a result is presented). */
    private _stages: StageTimes = { ...NoStages };
    /** When false, no frame is captured (the last result stays available). */
    public active = true;
    /** When true, no new frame is captured and the last result stays on screen. */
    public frozen = false;
    /** Work that needs the session between frames (diagnosis, still images) holds capturing while this is > 0. */
    public holds = 0;

    private readonly _engine: AbstractEngine;
    private readonly _gpuCapture: WebGpuCapture | undefined;
    private readonly _glCapture: WebGlCapture | undefined;
    private _gpuPresent: WebGpuPresent | undefined;
    private readonly _texturePresent: TexturePresent;
    private _session: StylizationSession | undefined;
    private _shape: PipelineShape | undefined;
    private _applied: PipelineShape | undefined;
    private _busy = false;
    private _captured = false;
    private _resultReady = false;
    private _hasResult = false;
    private _idleWaiters: Array<() => void> = [];
    private _inputCpu = new Float32Array(0);
    private _lastOutputCpu: Float32Array | undefined;
    private _disposed = false;
    private _lastPresentWasGpu = false;
    private readonly _observers: Array<{ remove: () => void }> = [];

    public constructor(
        private readonly _scene: Scene,
        private readonly _options: FramePipelineOptions
    ) {
        this._engine = _scene.getEngine();
        if (this._engine.isWebGPU) {
            this._gpuCapture = new WebGpuCapture(this._engine as WebGPUEngine);
        } else {
            this._glCapture = new WebGlCapture(this._engine as Engine);
        }
        this._texturePresent = new TexturePresent(_scene);
        const track = <T>(observable: { add: (cb: (e: T) => void) => Observer<T> | null; remove: (o: Observer<T> | null) => boolean }, cb: (e: T) => void) => {
            const observer = observable.add(cb);
            this._observers.push({ remove: () => observable.remove(observer) });
        };
        track(_scene.onBeforeRenderObservable, () => this._present());
        track(_scene.onAfterRenderObservable, () => this._capture());
        track(this._engine.onEndFrameObservable, () => this._runZeroCopy());
    }

    /** True when the current session keeps frames on the GPU end to end. */
    public get zeroCopy(): boolean {
        return !!this._session?.gpuIo;
    }

    /** The stylized image to composite, or undefined before the first result. */
    public get texture(): BaseTexture | undefined {
        if (!this._hasResult) {
            return undefined;
        }
        return (this._lastPresentWasGpu ? this._gpuPresent?.texture : this._texturePresent.texture) ?? undefined;
    }

    /** Sets the inference size and contract; applied between inferences. */
    public configure(width: number, height: number, params: PreprocessParams): void {
        this._shape = { width, height, params };
    }

    /** Swaps the session; the caller waits for {@link whenIdle} first so no inference uses the old one. */
    public setSession(session: StylizationSession | undefined): void {
        this._session = session;
        this._applied = undefined; // rebind buffers for the new session
    }

    /** Resolves when no inference is in flight. */
    public whenIdle(): Promise<void> {
        if (!this._busy) {
            return Promise.resolve();
        }
        return new Promise((resolve) => this._idleWaiters.push(resolve));
    }

    /** Reads the last captured input tensor (NCHW) back to the CPU, for tests, statistics and diagnosis. */
    public async readInputTensor(): Promise<Float32Array> {
        await this.whenIdle();
        if (this._gpuCapture && this._session?.gpuIo) {
            const out = new Float32Array(3 * this._applied!.width * this._applied!.height);
            return this._gpuCapture.read(out);
        }
        return this._inputCpu.slice();
    }

    /** Reads the last output tensor (NCHW) back to the CPU. */
    public async readOutputTensor(): Promise<Float32Array | undefined> {
        await this.whenIdle();
        if (this._gpuPresent && this._session?.gpuIo) {
            const out = new Float32Array(3 * this._applied!.width * this._applied!.height);
            await this._gpuPresent.tensorBuffer.read(0, out.byteLength, out);
            return out;
        }
        return this._lastOutputCpu?.slice();
    }

    private _applyShape(): boolean {
        const shape = this._shape;
        const session = this._session;
        if (!shape || !session) {
            return false;
        }
        if (this._applied === shape) {
            return true;
        }
        const { width, height, params } = shape;
        const packed = packParams(params, width, height);
        if (this._gpuCapture) {
            this._gpuCapture.resize(width, height);
            this._gpuCapture.setParams(packed);
            if (session.gpuIo) {
                this._gpuPresent ??= new WebGpuPresent(this._engine as WebGPUEngine, this._scene);
                this._gpuPresent.resize(width, height);
                this._gpuPresent.setParams(packed);
                session.bindGpuBuffers(this._gpuCapture.tensorBuffer.getBuffer().underlyingResource, this._gpuPresent.tensorBuffer.getBuffer().underlyingResource, width, height);
            }
        } else {
            this._glCapture!.resize(width, height);
            this._glCapture!.setParams(packed);
        }
        if (this._inputCpu.length !== 3 * width * height && !session.gpuIo) {
            this._inputCpu = new Float32Array(3 * width * height);
        }
        this._applied = shape;
        return true;
    }

    private _present(): void {
        if (!this._resultReady || this._disposed) {
            return;
        }
        const started = performance.now();
        if (this._session?.gpuIo && this._gpuPresent) {
            if (!this._gpuPresent.dispatch()) {
                return; // shader compiling: try again next frame
            }
            this._lastPresentWasGpu = true;
        } else {
            if (!this._texturePresent.upload()) {
                return;
            }
            this._lastPresentWasGpu = false;
        }
        this.counters.lastStages.present = performance.now() - started;
        this._resultReady = false;
        this._hasResult = true;
    }

    private _capture(): void {
        if (!this.active || this.frozen || this.holds > 0 || !this._session || this._disposed) {
            return;
        }
        if (this._busy) {
            this.counters.framesSkipped++;
            return;
        }
        const frame = this._options.getFrame();
        if (!frame || !this._applyShape()) {
            return;
        }
        const { width, height, params } = this._applied!;
        const session = this._session;
        const started = performance.now();
        this._stages = { ...NoStages };
        if (this._gpuCapture) {
            if (!this._gpuCapture.dispatch(frame)) {
                return;
            }
            this._busy = true;
            this._stages.capture = performance.now() - started;
            if (session.gpuIo) {
                this._captured = true; // run after Babylon submits the frame, in onEndFrame
                return;
            }
            this._track(this._gpuCapture.read(this._inputCpu).then(() => this._runCpu(session, width, height, params, started)), started);
        } else {
            if (!this._glCapture!.dispatch(frame)) {
                return;
            }
            this._busy = true;
            this._stages.capture = performance.now() - started;
            this._track(
                this._glCapture!.read(this._inputCpu).then((input) => {
                    if (!input) {
                        throw new InferenceError("the WebGL context was lost while reading the frame back; stylization stopped");
                    }
                    return this._runCpu(session, width, height, params, started);
                }),
                started
            );
        }
    }

    private async _runCpu(session: StylizationSession, width: number, height: number, params: PreprocessParams, captured: number): Promise<void> {
        const readAt = performance.now();
        // The wasm provider's worker proxy takes ownership of (detaches) the input buffer, so it gets a copy; the
        // reused capture buffer keeps the last input for readInputTensor().
        const output = await session.runCpu(this._inputCpu.slice(), width, height);
        if (this._disposed) {
            return;
        }
        const inferredAt = performance.now();
        this._lastOutputCpu = output.data;
        this._texturePresent.prepare(output.data, output.width, output.height, params);
        Object.assign(this._stages, { readback: readAt - captured - this._stages.capture, inference: inferredAt - readAt, postprocess: performance.now() - inferredAt });
    }

    private _runZeroCopy(): void {
        if (!this._captured || !this._session) {
            return;
        }
        this._captured = false;
        const started = performance.now();
        const device = (this._engine as WebGPUEngine)._device;
        // run() resolves once the work is submitted; onSubmittedWorkDone gives the back-pressure that keeps one in flight.
        this._track(
            this._session
                .runGpu()
                .then(() => device.queue.onSubmittedWorkDone())
                .then(() => {
                    this._stages.inference = performance.now() - started;
                }),
            started
        );
    }

    private _track(work: Promise<void>, started: number): void {
        work.then(
            () => {
                this._idle();
                if (this._disposed) {
                    return;
                }
                const ms = performance.now() - started;
                this.counters.framesStylized++;
                this.counters.lastInferenceMs = ms;
                this.counters.totalInferenceMs += ms;
                this.counters.lastStages = { ...this._stages, present: this.counters.lastStages.present };
                this._resultReady = true;
                this._options.onResult(ms);
            },
            async (error: unknown) => {
                this._idle();
                if (this._disposed) {
                    return;
                }
                this.active = false; // stop stylizing; the scene keeps rendering the original frame
                // Work in flight fails first when the device is lost; the handle reports the loss itself.
                if (!(await this._deviceLost())) {
                    this._options.onError(asStylizationError(error, (message, cause) => new InferenceError(message, { cause })));
                }
            }
        );
    }

    /** Whether the device is lost; WebGPU announces it asynchronously, so a failure waits briefly for the news. */
    private async _deviceLost(): Promise<boolean> {
        if (this._engine.isWebGPU) {
            const lost = (this._engine as WebGPUEngine)._device.lost.then(() => true);
            return Promise.race([lost, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100))]);
        }
        return (this._engine as Engine)._gl?.isContextLost() ?? false;
    }

    private _idle(): void {
        this._busy = false;
        const waiters = this._idleWaiters;
        this._idleWaiters = [];
        waiters.forEach((w) => w());
    }

    /** Forgets the shown result (the composite shows the original until the next one). */
    public clearResult(): void {
        this._hasResult = false;
        this._resultReady = false;
    }

    /** Stops at once; releases GPU resources when the inference in flight (if any) has finished with them. */
    public async dispose(): Promise<void> {
        this._disposed = true;
        this._observers.forEach((o) => o.remove());
        await this.whenIdle();
        this._gpuCapture?.dispose();
        this._glCapture?.dispose();
        this._gpuPresent?.dispose();
        this._texturePresent.dispose();
    }
}
