/**
 * The handle returned by `scene.enableStylization`: owns the composite post process, the frame pipeline and the
 * onnxruntime session of one camera, and keeps the user's settings. The stages live in their folders (capture,
 * preprocess, infer, postprocess, composite); the inspector panel is loaded on demand.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Observable, type Observer } from "@babylonjs/core/Misc/observable.js";
import { CompositeFeed } from "./composite/compositeFeed.js";
import { exposeToBabylonInspector } from "./composite/babylonInspector.js";
import type { PreprocessConfig } from "./contract/preprocessConfig.js";
import type { RgbaFrame } from "./contract/cpuReference.js";
import type { DiagnosisCandidate, DiagnosisOptions } from "./diagnose/diagnoseContract.js";
import { diagnoseBetweenFrames, stylizeImageBetweenFrames } from "./stillImages.js";
import { StylizationError, DeviceLostError, InferenceError, asStylizationError, guarded } from "./errors.js";
import type { ExecutionProviderOption, ProviderPlan } from "./infer/executionProvider.js";
import { ProviderChoice } from "./infer/providerChoice.js";
import type { StylizationSession } from "./infer/inferenceSession.js";
import { openSession } from "./infer/openSession.js";
import { InspectorSlot } from "./inspectorSlot.js";
import type { ModelSource } from "./model/loadModel.js";
import type { ModelDescription } from "./model/modelContract.js";
import type { InspectorOptions, StylizationInspector } from "./panel/index.js";
import { FramePipeline } from "./pipeline/framePipeline.js";
import type { PipelineState } from "./pipeline/pipelineState.js";
import { stylizationStats, type FrameStylizedEvent, type StylizationStats } from "./pipeline/frameStats.js";
import { LivePreprocess } from "./preprocess/livePreprocess.js";
import { checkTargetFps, checkTargetHeight } from "./options.js";
import type { ResolvedStylizationOptions, SetModelOptions } from "./options.js";
import { CompositeControls } from "./composite/compositeControls.js";
import type { ShownResult } from "./temporal/temporalFilter.js";
import { InferenceSizing } from "./capture/inferenceSize.js";

export class Stylization extends CompositeControls {
    /** Raised after each stylized frame is ready. */
    public readonly onFrameStylizedObservable = new Observable<FrameStylizedEvent>();
    /** Raised for every error (loading, session creation, inference); the scene keeps rendering unstylized. */
    public readonly onErrorObservable = new Observable<StylizationError>();
    /** Raised when a model (first or swapped in) is ready. */
    public readonly onModelReadyObservable = new Observable<ModelDescription>();
    /** Raised once when the handle is disposed (by `dispose()`, `disableStylization`, or its camera's disposal). */
    public readonly onDisposeObservable = new Observable<Stylization>();

    public readonly camera: Camera;
    private readonly _sizing: InferenceSizing;
    private _pipeline: FramePipeline;
    private _model: ModelDescription | undefined;
    private _session: StylizationSession | undefined;
    private readonly _preprocess: LivePreprocess;
    private readonly _providers: ProviderChoice;
    private _enabled: boolean;
    private _loadToken = 0;
    private _download: AbortController | undefined;
    private _disposed = false;
    private _lastError: StylizationError | undefined;
    private _released: Promise<void> | undefined;
    /** The model to reload when the engine restores a lost device. */
    private _modelToRestore: ModelDescription | undefined;
    private readonly _observers: Array<Pick<Observer<never>, "remove"> | null>;
    private readonly _inspector = new InspectorSlot();
    private readonly _feed: CompositeFeed;

    /** @internal use `scene.enableStylization`. */
    public constructor(
        public readonly scene: Scene,
        options: ResolvedStylizationOptions
    ) {
        super(
            scene,
            options,
            () => this._shownResult(),
            (what, error) =>
                this._reportError(asStylizationError(error, (message, cause) => new InferenceError(`${what} failed, turned off: ${message}`, { cause }))),
            () => this._pipeline.clearResult()
        );
        this.camera = options.camera;
        this._sizing = new InferenceSizing(scene.getEngine(), options.targetHeight, options.targetFps, options.minTargetHeight);
        this._providers = new ProviderChoice(options.executionProvider);
        this._enabled = options.enabled;
        this._preprocess = new LivePreprocess(options.preprocess);
        this._pipeline = this._createPipeline();
        exposeToBabylonInspector(this, this._postProcess);
        this._feed = new CompositeFeed(
            this.camera,
            this._postProcess,
            () => this._pipeline,
            () => this._enabled,
            this._temporal,
            this._selection
        );
        const engine = scene.getEngine();
        // Like the pipeline's, these run inside Babylon's observers: a failure is reported, never thrown into the loop.
        const report = (error: unknown) => this._reportError(asStylizationError(error, (message, cause) => new InferenceError(message, { cause })));
        this._observers = [
            this.camera.onDisposeObservable.add(guarded(() => this.dispose(), report)),
            engine.onContextLostObservable.add(guarded(() => this._onDeviceLost(), report)),
            engine.onContextRestoredObservable.add(guarded(() => this._onDeviceRestored(), report)),
            // The adaptive height counts only frames rendered while stylizing.
            scene.onAfterRenderObservable.add(
                guarded(() => this._session && this._pipeline.state.capturing && this._sizing.frame(engine.getDeltaTime()), report)
            ),
        ];
    }

    private _createPipeline(): FramePipeline {
        const pipeline = new FramePipeline(this.scene, {
            // Only a frame this camera drew: while another camera is active, the input texture holds an old view.
            getFrame: () => (this._feed.drawnThisFrame ? (this._postProcess.inputTexture?.texture ?? null) : null),
            getGuideMaps: () => this._guideMaps.maps,
            getShape: () => ({ ...this._sizing.checkedSizeFor(this._model), params: this._preprocess.params, mapping: this._placement.mapping }),
            onCapture: (frameId) => this._temporal.record(frameId),
            onResult: (event) => this.onFrameStylizedObservable.notifyObservers(event),
            onError: (error) => this._onPipelineError(error),
        });
        pipeline.enabled = this._enabled;
        return pipeline;
    }

    /** The session and GPU resources died with the device: drop them (never awaiting them), tell, reload once restored. */
    private _onDeviceLost(): void {
        if (this._disposed || !this._session) {
            return;
        }
        const lost = { pipeline: this._pipeline, session: this._session };
        this._modelToRestore = this._model;
        this._session = undefined;
        this._loadToken++;
        this._pipeline = this._createPipeline();
        lost.pipeline.disposeWith(lost.session).catch(() => undefined);
        const what = this.scene.getEngine().isWebGPU ? "GPU device" : "WebGL context";
        const message = `the ${what} was lost; stylization is paused (the scene renders unstylized) and resumes by itself once the engine restores the ${what}.`;
        this._reportError(new DeviceLostError(message));
    }

    /** The result the composite shows, for the temporal pass (which runs before the composite, in the same frame). */
    private _shownResult(): ShownResult | undefined {
        try {
            const texture = this._pipeline.texture;
            return this._enabled && texture && this._pipeline.phase !== "stopped" ? { texture, frameId: this._pipeline.shownFrameId } : undefined;
        } catch {
            return undefined; // the composite reads the same result and reports the failure (as the composite stage)
        }
    }

    private _onDeviceRestored(): void {
        const model = this._modelToRestore;
        this._modelToRestore = undefined;
        if (model && !this._disposed) {
            this.setModel(model.bytes, { name: model.name }).catch(() => undefined); // failures are reported by setModel
        }
    }

    // ---- model ------------------------------------------------------------------------------------------------

    /**
     * Loads a model and swaps it in once its session is ready (the previous one stylizes until then: no black frame).
     * Rejects with a {@link StylizationError} (also on `onErrorObservable`); the previous model then stays in use.
     */
    public setModel(source: ModelSource, options: SetModelOptions = {}): Promise<void> {
        this._providers.requested = options.executionProvider ?? this._providers.requested;
        return this._load(source, options);
    }

    /** The running provider failed to run: `auto` falls back to the next candidate; the last failure names them all. */
    private _onPipelineError(error: StylizationError): void {
        const [session, model] = [this._session, this._model];
        const next = session && model ? this._providers.afterRunFailure(session.provider, error, model.name) : { error };
        if ("plan" in next) {
            this._load(model!.bytes, { name: model!.name }, next.plan).catch(() => undefined); // _load reports its failure
        } else {
            this._reportError(next.error);
        }
    }

    private async _load(source: ModelSource, options: SetModelOptions, plan?: ProviderPlan): Promise<void> {
        const token = ++this._loadToken;
        this._download?.abort(); // a newer model wins: the older download stops
        const download = (this._download = new AbortController());
        try {
            const { session, skipped, fallbacks } = await openSession(this.scene.getEngine(), source, {
                ...options,
                provider: this._providers.requested,
                plan,
                signal: download.signal,
                // Checked before anything changes: a contract that cannot apply leaves the current model running.
                check: (model) => {
                    this._preprocess.resolveFor(model.declared);
                    this._sizing.checkModel(model);
                },
            });
            await this._pipeline.whenIdle();
            if (token !== this._loadToken) {
                await session.dispose(); // a newer setModel or a dispose (which bumps the token) won
                return;
            }
            const previous = this._session;
            const model = (this._model = session.model);
            this._session = session;
            this._providers.opened(skipped, fallbacks);
            this._preprocess.setDeclared(model.declared);
            this._guideMaps.model = model;
            this._pipeline.setSession(session);
            this._lastError = undefined;
            await previous?.dispose();
            for (const warning of model.warnings) {
                console.warn(`[stylization] ${warning}`);
            }
            this.onModelReadyObservable.notifyObservers(model);
        } catch (error) {
            if (token !== this._loadToken) {
                return; // a newer setModel or a dispose won, and stopped this download: nothing to report
            }
            const typed = asStylizationError(error, (message, cause) => new StylizationError(message, { cause }));
            this._reportError(typed);
            throw typed;
        }
    }

    /**
     * Ranks candidate contracts on a reference pair (an input frame and the output training produced for it) with the
     * loaded model on its execution provider, best first. Stylizing pauses while it runs. Apply the winner with
     * `stylization.preprocess = ranking[0].contract`.
     * @throws StylizationError when no model is loaded
     */
    public diagnose(input: RgbaFrame, expected: RgbaFrame, options: DiagnosisOptions = {}): Promise<DiagnosisCandidate[]> {
        return diagnoseBetweenFrames(this._pipeline, this._preprocess.config, input, expected, options);
    }

    /**
     * Runs the loaded model on an image with the current contract (CPU pre- and postprocessing, the session's own
     * execution provider) and returns the RGBA result at the image's size: what the engine makes of a reference input,
     * for comparing with the output training produced. Stylizing pauses while it runs.
     * @throws StylizationError when no model is loaded
     */
    public stylizeImage(image: RgbaFrame): Promise<Uint8Array> {
        return stylizeImageBetweenFrames(this._pipeline, this._preprocess.config, image);
    }

    /** The execution provider asked for (`options.executionProvider` or the last `setModel` that named one). */
    public get requestedExecutionProvider(): ExecutionProviderOption {
        return this._providers.requested;
    }

    /** The loaded model's description (name, declared contract, warnings), once loaded. */
    public get model(): ModelDescription | undefined {
        return this._model;
    }

    /** The last error reported, cleared when a model loads. */
    public get lastError(): StylizationError | undefined {
        return this._lastError;
    }

    // ---- preprocessing -----------------------------------------------------------------------------------------

    /** The effective contract (defaults < model metadata < your overrides); assigning fields overrides them live. */
    public get preprocess(): PreprocessConfig {
        return this._preprocess.live;
    }

    public set preprocess(value: Partial<PreprocessConfig>) {
        this._preprocess.setOverrides({ ...this._preprocess.overrides, ...value });
    }

    /** The fields you (or the panel) set; the rest of `preprocess` comes from the model or the defaults. */
    public get preprocessOverrides(): Partial<PreprocessConfig> {
        return this._preprocess.overrides;
    }

    /** Drops your overrides so the model's declared contract applies again. */
    public resetPreprocess(): void {
        this._preprocess.setOverrides({});
    }

    // ---- composite (blend, view, split, temporal: CompositeControls) and lifecycle ----------------------------------

    /** When false, frames are neither captured nor stylized, the original frame shows and no scene pass of the plugin renders. */
    public get enabled(): boolean {
        return this._enabled;
    }
    public set enabled(value: boolean) {
        this._enabled = !!value;
        this._pipeline.enabled = this._enabled;
        if (!this._enabled) {
            this._pipeline.clearResult(); // re-enabling must not flash a stale frame
        }
        this._pauseScenePasses(!this._enabled);
    }

    /** Freeze-frame: when true, no new frame is stylized and the last stylized image stays on screen. */
    public get frozen(): boolean {
        return this._pipeline.frozen;
    }
    public set frozen(value: boolean) {
        this._pipeline.frozen = !!value;
    }

    /** Inference height (multiple of 8; width from the aspect ratio). Changing it re-allocates between inferences. */
    public get targetHeight(): number {
        return this._sizing.targetHeight;
    }
    public set targetHeight(value: number) {
        this._sizing.targetHeight = checkTargetHeight(value);
    }

    /** The frame rate the adaptive resolution holds (0: off); see `StylizationOptions.targetFps`. */
    public get targetFps(): number {
        return this._sizing.targetFps;
    }
    public set targetFps(value: number) {
        this._sizing.targetFps = checkTargetFps(value);
    }

    public get stats(): StylizationStats {
        return stylizationStats(this._pipeline.counters, this._session, this._providers.skipped, this._sizing);
    }

    /** Where the frame pipeline stands: its phase (idle, capturing, reading back, inferring, stopped), holds, results. */
    public get pipelineState(): PipelineState {
        return this._pipeline.state;
    }

    /** The last captured input tensor, NCHW float32 [1, C, H, W]: RGB, then any guide (a GPU readback when zero-copy). */
    public readInputTensor(): Promise<Float32Array> {
        return this._pipeline.readInputTensor();
    }

    /** The last output tensor, NCHW float32, or undefined before the first result. */
    public readOutputTensor(): Promise<Float32Array | undefined> {
        return this._pipeline.readOutputTensor();
    }

    /** Drops the shown and in-flight results, for a scene change (camera cuts do it by themselves: CameraCutDetector). */
    public cut(): void {
        this._pipeline.clearResult();
    }

    /** True when the composite currently shows a stylized image (false before the first result or while disabled). */
    public get showingStylized(): boolean {
        return this._enabled && !!this._pipeline.texture && this.view !== "original";
    }

    // ---- inspector panel ---------------------------------------------------------------------------------------

    /**
     * Opens the inspector panel (or returns the one already open): live contract controls, tensor statistics,
     * mismatch warnings and diagnosis. The panel is its own entry (`babylon-stylize/inspector`), loaded on the first
     * call. Browser only; closed by its × button, `hideInspector()` or `dispose()`.
     */
    public showInspector(options: InspectorOptions = {}): Promise<StylizationInspector> {
        return this._inspector.open(this, options);
    }

    /** Closes the inspector panel, if open. */
    public hideInspector(): void {
        this._inspector.close();
    }

    /** The open inspector panel, if any. */
    public get inspector(): StylizationInspector | undefined {
        return this._inspector.current;
    }

    private _reportError(error: StylizationError): void {
        this._lastError = error;
        console.error(`[stylization] ${error.name}: ${error.message}`);
        this.onErrorObservable.notifyObservers(error);
    }

    /** Resolves when everything `dispose()` released is gone (the session included). */
    public whenReleased(): Promise<void> {
        return this._released ?? Promise.resolve();
    }

    /** Removes the post process and releases every GPU resource and the session. */
    public dispose(): void {
        if (this._disposed) {
            return;
        }
        this._disposed = true;
        this._loadToken++;
        this._observers.forEach((observer) => observer?.remove());
        this._download?.abort();
        this._inspector.dispose();
        this._disposeComposite(this.camera);
        const session = this._session;
        this._session = undefined;
        this._released = this._pipeline.disposeWith(session);
        this.onDisposeObservable.notifyObservers(this);
        this.onDisposeObservable.clear();
        this.onFrameStylizedObservable.clear();
        this.onErrorObservable.clear();
        this.onModelReadyObservable.clear();
    }
}
