/**
 * The frame's path through the stages. The render loop never waits for the network:
 *   onAfterRender   capture + preprocess the frame (GPU)
 *   onEndFrame      (zero-copy) run the network on the input buffer Babylon has just submitted
 *   later           the result arrives; the next onBeforeRender presents it (GPU dispatch or texture upload)
 * At most one inference is in flight and the newest finished result is shown.
 *
 * Zero-copy (one input buffer on the GPU queue): capture only when nothing is in flight.
 *   idle ──capture──► captured ──onEndFrame──► inferring ──► idle (result pending → shown next frame)
 * Readback (a CPU provider): ReadbackLanes overlap the next frame's capture and readback with the current inference.
 * The phase names the furthest stage in flight.
 * Any failure ──► stopped (the scene renders the original) until a new session or a re-enable; work in flight
 * finishes and its result is dropped (it belongs to an older generation).
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import { packParams } from "../contract/shaderParams.js";
import { createFrameCapture } from "../capture/createFrameCapture.js";
import type { FrameCapture } from "../capture/frameCapture.js";
import type { FramePresenter } from "../postprocess/framePresenter.js";
import { TexturePresenter } from "../postprocess/texturePresenter.js";
import { WebGpuPresenter } from "../postprocess/webgpuPresenter.js";
import type { StylizationSession } from "../infer/inferenceSession.js";
import { InferenceError, StylizationError, asStylizationError, guarded } from "../errors.js";
import { noStageTimes, type PipelineCounters, type StageTimes } from "./frameStats.js";
import { ReadbackLanes, type CpuFrame } from "./readbackLanes.js";
import { holdWhileHidden } from "./pageVisibility.js";
import { isDeviceLost } from "./deviceLost.js";
import { sameShape, type FramePipelineOptions, type FrameShape, type PipelinePhase, type PipelineState } from "./pipelineState.js";

export class FramePipeline {
    public readonly counters: PipelineCounters = {
        framesStylized: 0,
        framesSkipped: 0,
        lastInferenceMs: 0,
        totalInferenceMs: 0,
        lastStages: noStageTimes(),
        resultFrameId: -1,
    };
    /** When true, no new frame is captured and the last result stays on screen. */
    public frozen = false;

    private readonly _engine: AbstractEngine;
    private readonly _capture: FrameCapture;
    private readonly _texturePresenter: TexturePresenter;
    private _gpuPresenter: WebGpuPresenter | undefined;
    private _status: "running" | "stopped" | "disposed" = "running";
    /** Bumped when in-flight results must not be shown (failure, cleared result, disposal). */
    private _generation = 0;
    private _enabled = true;
    private _holds = 0;
    private _session: StylizationSession | undefined;
    private _applied: FrameShape | undefined;
    /** The presenter holding a result not yet presented, and the one whose image the composite shows. */
    private _pending: { presenter: FramePresenter; frameId: number } | undefined;
    private _shown: { presenter: FramePresenter; frameId: number } | undefined;
    /** Zero-copy: a frame captured into the input buffer, to run in onEndFrame. */
    private _captured: { frameId: number; capturedAt: number; generation: number; stages: StageTimes } | undefined;
    /** Zero-copy: an inference in flight. */
    private _inferring = false;
    private readonly _lanes: ReadbackLanes;
    private _idleWaiters: Array<() => void> = [];
    private readonly _observers: Array<Pick<Observer<never>, "remove"> | null>;

    public constructor(
        private readonly _scene: Scene,
        private readonly _options: FramePipelineOptions
    ) {
        this._engine = _scene.getEngine();
        this._capture = createFrameCapture(this._engine);
        this._texturePresenter = new TexturePresenter(_scene);
        this._lanes = new ReadbackLanes(
            {
                isCurrent: (item) => this._isCurrent(item),
                published: (item) => this._published(item, this._texturePresenter),
                failed: (error) => this._workFailed(error),
                settled: () => this._checkIdle(),
                overtaken: () => this.counters.framesSkipped++,
            },
            this._texturePresenter,
            this._capture.slots
        );
        // Whatever throws inside Babylon's observers stops stylization, never the render loop.
        const stage = (name: string, work: () => void) => guarded(work, (error) => this.fail(name, error));
        this._observers = [
            _scene.onBeforeRenderObservable.add(stage("present", () => this._present())),
            _scene.onAfterRenderObservable.add(stage("capture", () => this._captureFrame())),
            this._engine.onEndFrameObservable.add(stage("inference", () => this._runZeroCopy())),
        ];
        this._observers.push(holdWhileHidden(() => this.hold()));
    }

    /** What the pipeline is doing: the furthest stage in flight (without building a {@link state} object). */
    public get phase(): PipelinePhase {
        if (this._status !== "running") {
            return this._status;
        }
        const lanes = this._lanes.state;
        return this._captured ? "captured" : this._inferring || lanes.inferring ? "inferring" : lanes.reading || lanes.ready ? "reading" : "idle";
    }

    public get state(): PipelineState {
        const lanes = this._lanes.state;
        return {
            phase: this.phase,
            capturing: this._canCapture(),
            holds: this._holds,
            inFlight: { ...lanes, inferring: lanes.inferring || this._inferring || !!this._captured },
            resultPending: !!this._pending,
            resultShown: !!this._shown,
        };
    }

    /** Whether frames are captured. Enabling again also restarts a pipeline stopped by a failure. */
    public get enabled(): boolean {
        return this._enabled;
    }
    public set enabled(value: boolean) {
        this._enabled = value;
        if (value && this._status === "stopped") {
            this._status = "running";
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
    private get _zeroCopy(): boolean {
        return !!this._session?.gpuIo;
    }

    /** The stylized image to composite, or undefined before the first result. */
    public get texture(): BaseTexture | undefined {
        return this._shown?.presenter.texture;
    }

    /** The engine frame whose capture the shown image stylizes (-1 when none is shown). */
    public get shownFrameId(): number {
        return this._shown?.frameId ?? -1;
    }

    /** Swaps the session (after {@link whenIdle}, so no inference uses the old one) and restarts a stopped pipeline. */
    public setSession(session: StylizationSession | undefined): void {
        this._session = session;
        this._applied = undefined; // rebind the buffers for the new session
        if (this._status === "stopped") {
            this._status = "running";
        }
    }

    private _isIdle(): boolean {
        return !this._captured && !this._inferring && this._lanes.idle;
    }

    /** Resolves when nothing is in flight; capturing pauses meanwhile (overlapping frames would never leave a gap). */
    public whenIdle(): Promise<void> {
        if (this._isIdle()) {
            return Promise.resolve();
        }
        const release = this.hold();
        return new Promise((resolve) => this._idleWaiters.push(() => (release(), resolve())));
    }

    private _checkIdle(): void {
        if (this._isIdle()) {
            const waiters = this._idleWaiters;
            this._idleWaiters = [];
            waiters.forEach((resume) => resume());
        }
    }

    /** Reads the input tensor (NCHW) of the last result back to the CPU, for tests, statistics and diagnosis. */
    public readInputTensor(): Promise<Float32Array> {
        return this.betweenFrames("readInputTensor", async () => {
            if (this._zeroCopy && this._applied) {
                const out = new Float32Array(this._session!.model.inputChannels * this._applied.width * this._applied.height);
                return (await this._capture.read(out)) ?? out;
            }
            return this._lanes.resultInput?.slice() ?? new Float32Array(0);
        });
    }

    /** Reads the last output tensor (NCHW) back to the CPU. */
    public readOutputTensor(): Promise<Float32Array | undefined> {
        return this.betweenFrames("readOutputTensor", async () => {
            return this._zeroCopy ? this._gpuPresenter?.readOutput() : this._texturePresenter.output?.slice();
        });
    }

    /**
     * Stops the pipeline after a failure in `stage` (the scene renders the original frame) and reports it once, as the
     * typed error it was or as an `InferenceError` naming the stage. `enabled = true` or a new session restarts it.
     */
    public fail(stage: string, error: unknown): void {
        if (!this._stop()) {
            return;
        }
        const message = `stylization stopped: the ${stage} stage failed: ${error instanceof Error ? error.message : String(error)}`;
        this._options.onError(asStylizationError(error, (_, cause) => new InferenceError(message, { cause })));
    }

    /** Goes to stopped, dropping what was captured and not yet run; false when already stopped or disposed. */
    private _stop(): boolean {
        if (this._status !== "running") {
            return false;
        }
        this._status = "stopped";
        this._generation++; // the work in flight finishes, and its result is dropped
        this._captured = undefined; // recorded but never handed to onnxruntime: nothing to wait for
        this._lanes.dropReady();
        this._checkIdle();
        return true;
    }

    /** Forgets the shown result (the composite shows the original until the next one). */
    public clearResult(): void {
        this._pending = this._shown = undefined;
        this._generation++; // captured before: never shown
    }

    private _canCapture(): boolean {
        return this._enabled && !this.frozen && this._holds === 0 && !!this._session && this._status === "running";
    }

    /** Applies the wanted shape to the capture, the presenter and the session's GPU bindings if it changed. */
    private _applyShape(session: StylizationSession): FrameShape {
        const shape = this._options.getShape();
        if (this._applied && sameShape(this._applied, shape)) {
            return this._applied;
        }
        const { width, height, params, mapping } = shape;
        const { guides, inputChannels } = session.model;
        const packed = packParams(params, width, height, mapping, guides);
        this._capture.configure(width, height, packed, inputChannels);
        if (session.gpuIo) {
            this._gpuPresenter ??= new WebGpuPresenter(this._engine as WebGPUEngine, this._scene);
            this._gpuPresenter.configure(width, height, packed);
            session.bindGpuBuffers(this._capture.gpuTensor!, this._gpuPresenter.gpuTensor!, width, height, inputChannels);
        }
        this._applied = shape;
        return shape;
    }

    private _present(): void {
        const pending = this._pending;
        if (!pending || this._status === "disposed") {
            return;
        }
        const started = performance.now();
        if (!pending.presenter.present()) {
            return; // shader compiling: try again next frame
        }
        this.counters.lastStages.present = performance.now() - started;
        this._pending = undefined;
        this._shown = pending;
    }

    private _captureFrame(): void {
        const session = this._session;
        if (!session || !this._canCapture()) {
            return;
        }
        if (session.gpuIo ? !this._isIdle() : !this._lanes.wantsCapture(this.counters.lastStages, this._engine.getDeltaTime())) {
            this.counters.framesSkipped++;
            return;
        }
        const frame = this._options.getFrame();
        const guides = session.model.guides ? this._options.getGuideMaps() : undefined;
        if (!frame || (session.model.guides && !guides)) {
            return; // nothing drawn yet, or the guides' maps are not rendered yet
        }
        const { width, height, params } = this._applyShape(session);
        const capturedAt = performance.now();
        if (!this._capture.dispatch(frame, guides)) {
            return;
        }
        const taken = { frameId: this._engine.frameId, capturedAt, generation: this._generation, stages: noStageTimes() };
        taken.stages.capture = performance.now() - capturedAt;
        this._options.onCapture?.(taken.frameId);
        if (session.gpuIo) {
            this._captured = taken; // runs after Babylon submits the frame, in onEndFrame
            return;
        }
        const item: CpuFrame = { ...taken, input: this._lanes.slot(session.model.inputChannels * width * height), width, height, params };
        this._lanes.readBack(item, this._capture.read(item.input), () => this._session);
    }

    private _isCurrent(item: { generation: number }): boolean {
        return item.generation === this._generation && this._status === "running";
    }

    private _runZeroCopy(): void {
        const session = this._session;
        const item = this._captured;
        if (!item || !session || this._status !== "running") {
            return;
        }
        this._captured = undefined;
        this._inferring = true;
        const started = performance.now();
        const device = (this._engine as WebGPUEngine)._device;
        // run() resolves once the work is submitted; onSubmittedWorkDone gives the back-pressure that keeps one in flight.
        session
            .runGpu()
            .then(() => device.queue.onSubmittedWorkDone())
            .then(
                () => {
                    this._inferring = false;
                    item.stages.inference = performance.now() - started;
                    if (this._isCurrent(item)) {
                        this._published(item, this._gpuPresenter!);
                    }
                    this._checkIdle();
                },
                (error: unknown) => {
                    this._inferring = false;
                    this._workFailed(error);
                }
            );
    }

    /** A result of the current generation: counted, handed to the presenter for the next frame, announced. */
    private _published(item: { frameId: number; capturedAt: number; stages: StageTimes }, presenter: FramePresenter): void {
        const ms = performance.now() - item.capturedAt;
        const counters = this.counters;
        counters.framesStylized++;
        counters.lastInferenceMs = ms;
        counters.totalInferenceMs += ms;
        counters.lastStages = { ...item.stages, present: counters.lastStages.present };
        counters.resultFrameId = item.frameId;
        this._pending = { presenter, frameId: item.frameId };
        this._options.onResult({ inferenceMs: ms, framesStylized: counters.framesStylized, frameId: item.frameId });
    }

    /** Work in flight failed: the pipeline stops (the scene keeps rendering the original frame) and reports it once. */
    private async _workFailed(error: unknown): Promise<void> {
        const wasRunning = this._stop();
        this._checkIdle();
        // Already stopped (reported), or disposed: nothing to say. Work in flight fails first when the device is lost;
        // the handle reports the loss itself.
        if (wasRunning && !(await isDeviceLost(this._engine))) {
            this._options.onError(asStylizationError(error, (message, cause) => new InferenceError(message, { cause })));
        }
    }

    /** Disposes the pipeline, then `session`: only once the work in flight (if any) has finished with it. */
    public async disposeWith(session: StylizationSession | undefined): Promise<void> {
        await this.dispose();
        await session?.dispose();
    }

    /** Stops at once; releases GPU resources when the work in flight (if any) has finished with them. */
    public async dispose(): Promise<void> {
        if (this._status === "disposed") {
            return this.whenIdle();
        }
        this._stop();
        this._status = "disposed";
        this._observers.forEach((observer) => observer?.remove());
        await this.whenIdle();
        this._capture.dispose();
        this._gpuPresenter?.dispose();
        this._texturePresenter.dispose();
    }
}
