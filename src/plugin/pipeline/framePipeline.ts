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
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import { packParams } from "../contract/shaderParams.js";
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import { createFrameCapture } from "../capture/createFrameCapture.js";
import type { FrameCapture } from "../capture/frameCapture.js";
import type { FramePresenter } from "../postprocess/framePresenter.js";
import { TexturePresenter } from "../postprocess/texturePresenter.js";
import { WebGpuPresenter } from "../postprocess/webgpuPresenter.js";
import type { StylizationSession } from "../infer/inferenceSession.js";
import { InferenceError, StylizationError, asStylizationError, guarded } from "../errors.js";
import { noStageTimes, type PipelineCounters, type StageTimes } from "./frameStats.js";
import { holdWhileHidden } from "./pageVisibility.js";
import type { FramePipelineOptions, FrameShape, PipelinePhase, PipelineState } from "./pipelineState.js";

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
    private _inFlight: { done: Promise<void>; settle: () => void; stale: boolean; tracked: boolean } | undefined;
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
        // Whatever throws inside Babylon's observers stops stylization, never the render loop.
        const stage = (name: string, work: () => void) => guarded(work, (error) => this.fail(name, error));
        this._observers = [
            _scene.onBeforeRenderObservable.add(stage("present", () => this._present())),
            _scene.onAfterRenderObservable.add(stage("capture", () => this._captureFrame())),
            this._engine.onEndFrameObservable.add(stage("inference", () => this._runZeroCopy())),
        ];
        this._observers.push(holdWhileHidden(() => this.hold()));
    }

    /** What the capture side is doing (without building a {@link state} object, for per-frame checks). */
    public get phase(): PipelinePhase {
        return this._phase;
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

    /**
     * Runs `work` on the session between frames (diagnosis, still images): capturing pauses, frozen stays as set, and
     * the work starts once no inference is in flight (a session runs one at a time).
     * @throws StylizationError when there is no session (`what` names the caller)
     */
    public async betweenFrames<T>(what: string, work: (session: StylizationSession) => Promise<T>): Promise<T> {
        const session = this._session;
        if (!session) {
            throw new StylizationError(`${what} needs a loaded model: wait for enableStylization or setModel to resolve`);
        }
        const release = this.hold();
        try {
            await this.whenIdle();
            return await work(session);
        } finally {
            release();
        }
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

    /**
     * Stops the pipeline after a failure in `stage` (the scene renders the original frame) and reports it once, as the
     * typed error it was or as an `InferenceError` naming the stage. `enabled = true` or a new session restarts it.
     */
    public fail(stage: string, error: unknown): void {
        if (this._phase === "stopped" || this._isDisposed()) {
            return;
        }
        const inFlight = this._inFlight;
        if (inFlight && !inFlight.tracked) {
            this._settle("stopped"); // begun, but nothing asynchronous started: nothing to wait for
        } else {
            this._phase = "stopped"; // the work in flight finishes, and its result is dropped
            if (inFlight) {
                inFlight.stale = true;
            }
        }
        const message = `stylization stopped: the ${stage} stage failed: ${error instanceof Error ? error.message : String(error)}`;
        this._options.onError(asStylizationError(error, (_, cause) => new InferenceError(message, { cause })));
    }

    /** Forgets the shown result (the composite shows the original until the next one). */
    public clearResult(): void {
        this._pending = this._shown = undefined;
        if (this._inFlight) {
            this._inFlight.stale = true; // captured before: never shown
        }
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
        if (this._phase !== "idle" || this._inFlight) {
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
        this._inFlight = { done, settle, stale: false, tracked: false };
    }

    /** Ends the work in flight: the pipeline goes to `next` (unless disposed meanwhile) and idle waiters resume. */
    private _settle(next: "idle" | "stopped"): void {
        if (this._phase !== "disposed" && this._phase !== "stopped") {
            this._phase = next; // a failure meanwhile (fail) keeps the pipeline stopped
        }
        const inFlight = this._inFlight;
        this._inFlight = undefined;
        inFlight?.settle();
    }

    private _track(work: Promise<void>, started: number): void {
        this._inFlight!.tracked = true;
        work.then(
            () => {
                const stale = this._inFlight?.stale;
                this._settle("idle");
                if (this._isDisposed()) {
                    return;
                }
                const ms = performance.now() - started;
                this.counters.framesStylized++;
                this.counters.lastInferenceMs = ms;
                this.counters.totalInferenceMs += ms;
                this.counters.lastStages = { ...this._stages, present: this.counters.lastStages.present };
                if (!stale) {
                    this._pending = this._session?.gpuIo ? this._gpuPresenter : this._texturePresenter;
                }
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
