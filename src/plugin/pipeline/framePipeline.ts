/**
 * The frame's path through the stages, as an explicit state machine. The render loop never waits for the network:
 *   onAfterRender   capture + preprocess the frame (GPU) when the pipeline is idle; a frame rendered meanwhile is skipped
 *   onEndFrame      (zero-copy) run the network on the input buffer Babylon has just submitted
 *   later           the result arrives; the next onBeforeRender presents it (GPU dispatch or texture upload)
 * At most one inference is in flight and the newest finished result is shown.
 *
 *            capture (zero-copy)          onEndFrame
 *   idle ──────────────────────► captured ──────────► inferring ──► idle (result pending → shown next frame)
 *     │   capture (readback)                            ▲
 *     └───────────────────────► reading ────────────────┘
 *   any failure ──► stopped (the scene renders the original) until a new session or a re-enable
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import { packParams } from "../contract/shaderParams.js";
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import { createFrameCapture } from "../capture/createFrameCapture.js";
import type { FrameCapture } from "../capture/frameCapture.js";
import type { FramePresenter } from "../postprocess/framePresenter.js";
import { TexturePresenter } from "../postprocess/texturePresenter.js";
import { WebGpuPresenter } from "../postprocess/webgpuPresenter.js";
import type { StylizationSession } from "../infer/inferenceSession.js";
import { InferenceError, asStylizationError, type StylizationError } from "../errors.js";
import { noStageTimes, type PipelineCounters, type StageTimes } from "./frameStats.js";

/** What the capture side of the pipeline is doing. */
export type PipelinePhase = "idle" | "captured" | "reading" | "inferring" | "stopped" | "disposed";

/** A snapshot of the pipeline's state (`stylization.pipelineState`). */
export interface PipelineState {
    phase: PipelinePhase;
    /** Whether the next rendered frame may be captured: a session, enabled, not frozen, not held. */
    capturing: boolean;
    /** Holds taken by work that needs the session between frames (diagnosis, still images). */
    holds: number;
    /** A result arrived and is presented on the next rendered frame. */
    resultPending: boolean;
    /** The composite has a stylized image to show. */
    resultShown: boolean;
}

/** The inference size and the contract; the pipeline re-applies them between inferences when they change. */
export interface FrameShape {
    width: number;
    height: number;
    /** Compared by identity: give the same object while the contract is unchanged. */
    params: PreprocessParams;
}

export interface FramePipelineOptions {
    /** The frame to capture this frame (the composite post process's input), or null when there is none yet. */
    getFrame: () => InternalTexture | null;
    /** The shape wanted now. */
    getShape: () => FrameShape;
    onResult: (inferenceMs: number) => void;
    onError: (error: StylizationError) => void;
}

export class FramePipeline {
    public readonly counters: PipelineCounters = { framesStylized: 0, framesSkipped: 0, lastInferenceMs: 0, totalInferenceMs: 0, lastStages: noStageTimes() };
    /** When true, no new frame is captured and the last result stays on screen. */
    public frozen = false;

    private readonly _engine: AbstractEngine;
    private readonly _capture: FrameCapture;
    private readonly _texturePresenter: TexturePresenter;
    private _gpuPresenter: WebGpuPresenter | undefined;
    private _phase: PipelinePhase = "idle";
    private _enabled = true;
    private _holds = 0;
    private _session: StylizationSession | undefined;
    private _applied: FrameShape | undefined;
    /** The presenter holding a result not yet presented, and the one whose image the composite shows. */
    private _pending: FramePresenter | undefined;
    private _shown: FramePresenter | undefined;
    /** Resolves when the work in flight has settled; undefined when none is. */
    private _inFlight: { done: Promise<void>; settle: () => void } | undefined;
    /** Stage times of the inference in flight, published when it completes. */
    private _stages: StageTimes = noStageTimes();
    private _inputCpu = new Float32Array(0);
    private readonly _observers: Array<Pick<Observer<never>, "remove"> | null>;

    public constructor(
        private readonly _scene: Scene,
        private readonly _options: FramePipelineOptions
    ) {
        this._engine = _scene.getEngine();
        this._capture = createFrameCapture(this._engine);
        this._texturePresenter = new TexturePresenter(_scene);
        this._observers = [
            _scene.onBeforeRenderObservable.add(() => this._present()),
            _scene.onAfterRenderObservable.add(() => this._captureFrame()),
            this._engine.onEndFrameObservable.add(() => this._runZeroCopy()),
        ];
    }

    public get state(): PipelineState {
        return { phase: this._phase, capturing: this._canCapture(), holds: this._holds, resultPending: !!this._pending, resultShown: !!this._shown };
    }

    /** Whether frames are captured. Enabling again also restarts a pipeline stopped by a failure. */
    public get enabled(): boolean {
        return this._enabled;
    }
    public set enabled(value: boolean) {
        this._enabled = value;
        if (value && this._phase === "stopped") {
            this._phase = "idle";
        }
    }

    /** Pauses capturing (frozen stays as set) until the returned release is called; releasing twice is harmless. */
    public hold(): () => void {
        this._holds++;
        let released = false;
        return () => {
            if (!released) {
                released = true;
                this._holds--;
            }
        };
    }

    /** True when the current session keeps frames on the GPU end to end. */
    public get zeroCopy(): boolean {
        return !!this._session?.gpuIo;
    }

    /** The stylized image to composite, or undefined before the first result. */
    public get texture(): BaseTexture | undefined {
        return this._shown?.texture;
    }

    /** Swaps the session (after {@link whenIdle}, so no inference uses the old one) and restarts a stopped pipeline. */
    public setSession(session: StylizationSession | undefined): void {
        this._session = session;
        this._applied = undefined; // rebind the buffers for the new session
        if (this._phase === "stopped") {
            this._phase = "idle";
        }
    }

    /** Resolves when no inference is in flight. */
    public whenIdle(): Promise<void> {
        return this._inFlight?.done ?? Promise.resolve();
    }

    /** Reads the last captured input tensor (NCHW) back to the CPU, for tests, statistics and diagnosis. */
    public async readInputTensor(): Promise<Float32Array> {
        await this.whenIdle();
        if (this.zeroCopy && this._applied) {
            const out = new Float32Array(3 * this._applied.width * this._applied.height);
            return (await this._capture.read(out)) ?? out;
        }
        return this._inputCpu.slice();
    }

    /** Reads the last output tensor (NCHW) back to the CPU. */
    public async readOutputTensor(): Promise<Float32Array | undefined> {
        await this.whenIdle();
        if (this.zeroCopy && this._gpuPresenter) {
            return this._gpuPresenter.readOutput();
        }
        return this._texturePresenter.output?.slice();
    }

    /** Forgets the shown result (the composite shows the original until the next one). */
    public clearResult(): void {
        this._pending = this._shown = undefined;
    }

    private _isDisposed(): boolean {
        return this._phase === "disposed";
    }

    private _canCapture(): boolean {
        return this._enabled && !this.frozen && this._holds === 0 && !!this._session && this._phase !== "stopped" && this._phase !== "disposed";
    }

    /** Applies the wanted shape to the capture, the presenter and the session's GPU bindings if it changed. */
    private _applyShape(session: StylizationSession): FrameShape {
        const shape = this._options.getShape();
        const applied = this._applied;
        if (applied && applied.width === shape.width && applied.height === shape.height && applied.params === shape.params) {
            return applied;
        }
        const { width, height, params } = shape;
        const packed = packParams(params, width, height);
        this._capture.configure(width, height, packed);
        if (session.gpuIo) {
            this._gpuPresenter ??= new WebGpuPresenter(this._engine as WebGPUEngine, this._scene);
            this._gpuPresenter.configure(width, height, packed);
            session.bindGpuBuffers(this._capture.gpuTensor!, this._gpuPresenter.gpuTensor!, width, height);
        } else if (this._inputCpu.length !== 3 * width * height) {
            this._inputCpu = new Float32Array(3 * width * height);
        }
        this._applied = shape;
        return shape;
    }

    private _present(): void {
        const presenter = this._pending;
        if (!presenter || this._isDisposed()) {
            return;
        }
        const started = performance.now();
        if (!presenter.present()) {
            return; // shader compiling: try again next frame
        }
        this.counters.lastStages.present = performance.now() - started;
        this._pending = undefined;
        this._shown = presenter;
    }

    private _captureFrame(): void {
        const session = this._session;
        if (!session || !this._canCapture()) {
            return;
        }
        if (this._phase !== "idle") {
            this.counters.framesSkipped++;
            return;
        }
        const frame = this._options.getFrame();
        if (!frame) {
            return;
        }
        const { width, height, params } = this._applyShape(session);
        const started = performance.now();
        if (!this._capture.dispatch(frame)) {
            return;
        }
        this._stages = { ...noStageTimes(), capture: performance.now() - started };
        if (session.gpuIo) {
            this._begin("captured"); // runs after Babylon submits the frame, in onEndFrame
            return;
        }
        this._begin("reading");
        const work = this._capture.read(this._inputCpu).then((input) => {
            if (!input) {
                throw new InferenceError("the WebGL context was lost while reading the frame back; stylization stopped");
            }
            return this._runCpu(session, width, height, params, started);
        });
        this._track(work, started);
    }

    private async _runCpu(session: StylizationSession, width: number, height: number, params: PreprocessParams, captured: number): Promise<void> {
        if (this._phase !== "reading") {
            return; // disposed while reading back
        }
        this._phase = "inferring";
        const readAt = performance.now();
        // The wasm provider's worker proxy takes ownership of (detaches) the input buffer, so it gets a copy; the
        // reused capture buffer keeps the last input for readInputTensor().
        const output = await session.runCpu(this._inputCpu.slice(), width, height);
        if (this._isDisposed()) {
            return;
        }
        const inferredAt = performance.now();
        this._texturePresenter.prepare(output.data, output.width, output.height, params);
        Object.assign(this._stages, {
            readback: readAt - captured - this._stages.capture,
            inference: inferredAt - readAt,
            postprocess: performance.now() - inferredAt,
        });
    }

    private _runZeroCopy(): void {
        const session = this._session;
        if (this._phase !== "captured" || !session) {
            return;
        }
        this._phase = "inferring";
        const started = performance.now();
        const device = (this._engine as WebGPUEngine)._device;
        // run() resolves once the work is submitted; onSubmittedWorkDone gives the back-pressure that keeps one in flight.
        const work = session
            .runGpu()
            .then(() => device.queue.onSubmittedWorkDone())
            .then(() => {
                this._stages.inference = performance.now() - started;
            });
        this._track(work, started);
    }

    private _begin(phase: "captured" | "reading"): void {
        this._phase = phase;
        let settle!: () => void;
        const done = new Promise<void>((resolve) => (settle = resolve));
        this._inFlight = { done, settle };
    }

    /** Ends the work in flight: the pipeline goes to `next` (unless disposed meanwhile) and idle waiters resume. */
    private _settle(next: "idle" | "stopped"): void {
        if (this._phase !== "disposed") {
            this._phase = next;
        }
        const inFlight = this._inFlight;
        this._inFlight = undefined;
        inFlight?.settle();
    }

    private _track(work: Promise<void>, started: number): void {
        work.then(
            () => {
                this._settle("idle");
                if (this._isDisposed()) {
                    return;
                }
                const ms = performance.now() - started;
                this.counters.framesStylized++;
                this.counters.lastInferenceMs = ms;
                this.counters.totalInferenceMs += ms;
                this.counters.lastStages = { ...this._stages, present: this.counters.lastStages.present };
                this._pending = this._session?.gpuIo ? this._gpuPresenter : this._texturePresenter;
                this._options.onResult(ms);
            },
            async (error: unknown) => {
                this._settle("stopped"); // the scene keeps rendering the original frame
                if (this._isDisposed()) {
                    return;
                }
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

    /** Stops at once; releases GPU resources when the inference in flight (if any) has finished with them. */
    public async dispose(): Promise<void> {
        if (this._isDisposed()) {
            return this.whenIdle();
        }
        const captured = this._phase === "captured";
        this._phase = "disposed";
        this._observers.forEach((observer) => observer?.remove());
        if (captured) {
            this._settle("idle"); // recorded but never handed to onnxruntime: nothing to wait for
        }
        await this.whenIdle();
        this._capture.dispose();
        this._gpuPresenter?.dispose();
        this._texturePresenter.dispose();
    }
}
