/**
 * The handle returned by `scene.enableStylization`: owns the composite post process, the frame pipeline and the
 * onnxruntime session of one camera.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { ShaderLanguage } from "@babylonjs/core/Materials/shaderLanguage.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { Observable, type Observer } from "@babylonjs/core/Misc/observable.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { CompositeGlsl, CompositeShaderName, CompositeWgsl } from "./composite/compositeShaders.js";
import { derivePreprocessParams, resolvePreprocessConfig, DefaultPreprocessConfig, type PreprocessConfig } from "./contract/preprocessConfig.js";
import { StylizationError, DeviceLostError, asStylizationError } from "./errors.js";
import { StylizationSession, type ExecutionProvider } from "./infer/inferenceSession.js";
import { loadModelBytes, modelSourceName, type ModelLoadProgress, type ModelSource } from "./model/loadModel.js";
import { describeModel, type ModelDescription } from "./model/modelContract.js";
import { FramePipeline, type StageTimes } from "./pipelines/framePipeline.js";
import { exposeToBabylonInspector } from "./inspect/babylonInspector.js";
import { diagnoseContract, type DiagnosisCandidate, type DiagnosisOptions } from "./diagnose/diagnoseContract.js";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "./contract/cpuReference.js";
import { StylizationInspector, type InspectorOptions } from "./inspector/inspectorPanel.js";
import { checkTargetHeight, checkUnit, checkView, inferenceSize, type ExecutionProviderOption, type ResolvedStylizationOptions, type StylizationView } from "./options.js";

/** Live figures of a stylization. */
export interface StylizationStats {
    /** The provider running the network, once a model is loaded. */
    executionProvider: ExecutionProvider | undefined;
    /** True when frames never leave the GPU (WebGPU engine + WebGPU provider). */
    zeroCopy: boolean;
    inferenceWidth: number;
    inferenceHeight: number;
    /** Time from capture to result of the last stylized frame, in ms. */
    lastInferenceMs: number;
    averageInferenceMs: number;
    /** Frames whose stylized result was produced. */
    framesStylized: number;
    /** Frames rendered while an inference was in flight (not captured). */
    framesSkipped: number;
    /** Where the last stylized frame's time went, in ms. */
    lastStages: StageTimes;
}

/** Payload of `onFrameStylizedObservable`. */
export interface FrameStylizedEvent {
    inferenceMs: number;
    framesStylized: number;
}

const ViewIndex: Record<StylizationView, number> = { stylized: 0, original: 1, split: 2, difference: 3 };

/**
 * Whether the browser offers a hardware WebGPU adapter. A software adapter (SwiftShader, llvmpipe) runs the WebGPU EP
 * far slower than wasm, so apps may prefer `executionProvider: "wasm"` when this is false.
 */
export async function hasHardwareWebGpu(): Promise<boolean> {
    if (typeof navigator === "undefined" || !navigator.gpu) {
        return false;
    }
    try {
        const adapter = await navigator.gpu.requestAdapter();
        if (!adapter) {
            return false;
        }
        const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
        const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
        return !info.isFallbackAdapter && !/swiftshader|llvmpipe|lavapipe|software|microsoft basic/i.test(text);
    } catch {
        return false;
    }
}

/**
 * The provider `'auto'` stands for: zero-copy WebGPU on a WebGPU engine; on WebGL2 the WebGPU provider on its own
 * device when a hardware adapter exists (asynchronous download, fastest), else multi-threaded wasm in a worker. The
 * WebGL provider is never chosen automatically: it reads its outputs back synchronously and stalls the loop.
 */
export async function resolveExecutionProvider(scene: Scene, requested: ExecutionProviderOption): Promise<ExecutionProvider> {
    if (requested !== "auto") {
        return requested;
    }
    if (scene.getEngine().isWebGPU) {
        return "webgpu";
    }
    return (await hasHardwareWebGpu()) ? "webgpu" : "wasm";
}

export class Stylization {
    /** Raised after each stylized frame is ready. */
    public readonly onFrameStylizedObservable = new Observable<FrameStylizedEvent>();
    /** Raised for every error (loading, session creation, inference); the scene keeps rendering unstylized. */
    public readonly onErrorObservable = new Observable<StylizationError>();
    /** Raised when a model (first or swapped in) is ready. */
    public readonly onModelReadyObservable = new Observable<ModelDescription>();
    /** Raised once when the handle is disposed (by `dispose()`, `disableStylization`, or its camera's disposal). */
    public readonly onDisposeObservable = new Observable<Stylization>();

    public readonly camera: Camera;
    private readonly _postProcess: PostProcess;
    private _pipeline: FramePipeline;
    private readonly _placeholder: RawTexture;
    private _model: ModelDescription | undefined;
    private _session: StylizationSession | undefined;
    private _overrides: Partial<PreprocessConfig>;
    private _config: PreprocessConfig;
    private readonly _livePreprocess: PreprocessConfig;
    private _requestedProvider: ExecutionProviderOption;
    private _targetHeight: number;
    private _blend: number;
    private _view: StylizationView;
    private _splitPosition: number;
    private _enabled: boolean;
    private _shapeKey = "";
    private _loadToken = 0;
    private _disposed = false;
    private _lastError: StylizationError | undefined;
    private _released: Promise<void> | undefined;
    /** The model to reload when the engine restores a lost device. */
    private _modelToRestore: ModelDescription | undefined;
    private readonly _observers: Array<() => void> = [];
    private _inspector: StylizationInspector | undefined;

    /** @internal use `scene.enableStylization`. */
    public constructor(
        public readonly scene: Scene,
        options: ResolvedStylizationOptions
    ) {
        this.camera = options.camera;
        this._requestedProvider = options.executionProvider;
        this._targetHeight = options.targetHeight;
        this._blend = options.blend;
        this._view = options.view;
        this._splitPosition = options.splitPosition;
        this._enabled = options.enabled;
        this._overrides = { ...options.preprocess };
        this._config = resolvePreprocessConfig(this._overrides);
        this._livePreprocess = this._createLivePreprocess();

        const engine = scene.getEngine();
        ShaderStore.ShadersStore[`${CompositeShaderName}FragmentShader`] = CompositeGlsl;
        ShaderStore.ShadersStoreWGSL[`${CompositeShaderName}FragmentShader`] = CompositeWgsl;
        this._placeholder = new RawTexture(new Uint8Array([0, 0, 0, 255]), 1, 1, Constants.TEXTUREFORMAT_RGBA, scene, false, false, Constants.TEXTURE_NEAREST_SAMPLINGMODE);
        this._placeholder.name = "stylizePlaceholder";
        this._postProcess = new PostProcess("stylization", CompositeShaderName, {
            uniforms: ["settings"],
            samplers: ["stylizedSampler"],
            size: 1,
            camera: this.camera,
            engine,
            shaderLanguage: engine.isWebGPU ? ShaderLanguage.WGSL : ShaderLanguage.GLSL,
        });
        this._pipeline = this._createPipeline();
        exposeToBabylonInspector(this, this._postProcess);
        this._postProcess.onApplyObservable.add((effect) => {
            const texture = this._pipeline.texture;
            effect.setTexture("stylizedSampler", texture ?? this._placeholder);
            effect.setFloat4("settings", this._blend, ViewIndex[this._view], this._splitPosition, texture && this._enabled ? 1 : 0);
        });
        this._postProcess.onBeforeRenderObservable.add(() => this._updateShape());
        const observe = <T>(observable: Observable<T>, callback: (value: T) => void) => {
            const observer: Observer<T> | null = observable.add(callback);
            this._observers.push(() => observable.remove(observer));
        };
        observe(this.camera.onDisposeObservable, () => this.dispose());
        observe(engine.onContextLostObservable, () => this._onDeviceLost());
        observe(engine.onContextRestoredObservable, () => this._onDeviceRestored());
    }

    private _createPipeline(): FramePipeline {
        const pipeline = new FramePipeline(this.scene, {
            getFrame: () => this._postProcess.inputTexture?.texture ?? null,
            onResult: (inferenceMs) => this.onFrameStylizedObservable.notifyObservers({ inferenceMs, framesStylized: pipeline.counters.framesStylized }),
            onError: (error) => this._reportError(error),
        });
        pipeline.active = this._enabled;
        return pipeline;
    }

    /**
     * The session and every GPU resource died with the device: drop them (without waiting on work that will never
     * finish), tell the user, and reload the model when the engine has restored its device.
     */
    private _onDeviceLost(): void {
        if (this._disposed || !this._session) {
            return;
        }
        const lost = { pipeline: this._pipeline, session: this._session };
        this._modelToRestore = this._model;
        this._session = undefined;
        this._loadToken++;
        lost.pipeline.active = false;
        this._pipeline = this._createPipeline();
        this._shapeKey = "";
        void lost.pipeline.dispose().then(() => lost.session.dispose()).catch(() => undefined);
        const what = this.scene.getEngine().isWebGPU ? "GPU device" : "WebGL context";
        this._reportError(new DeviceLostError(`the ${what} was lost; stylization is paused (the scene renders unstylized) and resumes by itself once the engine restores the ${what}.`));
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
     * Loads a model and swaps it in once its session is ready; the previous model keeps stylizing until then, so no
     * black frame shows. Rejects with a {@link StylizationError} (also emitted on `onErrorObservable`); on failure the
     * previous model, if any, stays in use.
     */
    public async setModel(
        source: ModelSource,
        options: { onProgress?: (progress: ModelLoadProgress) => void; executionProvider?: ExecutionProviderOption; /** Name used in messages (default: the URL's file name). */ name?: string } = {}
    ): Promise<void> {
        const token = ++this._loadToken;
        if (options.executionProvider) {
            this._requestedProvider = options.executionProvider;
        }
        try {
            const bytes = await loadModelBytes(source, options.onProgress);
            const model = describeModel(bytes, options.name ?? modelSourceName(source));
            const provider = await resolveExecutionProvider(this.scene, this._requestedProvider);
            const engine = this.scene.getEngine();
            const device = engine.isWebGPU && provider === "webgpu" ? (engine as WebGPUEngine)._device : undefined;
            // Resolved before anything changes: a contract that cannot apply leaves the current model running.
            const config = resolvePreprocessConfig(model.declared, this._overrides);
            const session = await StylizationSession.CreateAsync(model, { provider, device });
            await this._pipeline.whenIdle();
            if (token !== this._loadToken || this._disposed) {
                await session.dispose(); // a newer setModel or a dispose won
                return;
            }
            const previous = this._session;
            this._model = model;
            this._session = session;
            this._config = config;
            this._shapeKey = "";
            this._pipeline.setSession(session);
            this._updateShape();
            this._pipeline.active = this._enabled;
            this._lastError = undefined;
            await previous?.dispose();
            for (const warning of model.warnings) {
                console.warn(`[stylization] ${warning}`);
            }
            this.onModelReadyObservable.notifyObservers(model);
        } catch (error) {
            const typed = asStylizationError(error, (message, cause) => new StylizationError(message, { cause }));
            if (token === this._loadToken) {
                this._reportError(typed);
            }
            throw typed;
        }
    }

    /**
     * Ranks candidate contracts on a reference pair (an input frame and the output training produced for it) with the
     * loaded model on its execution provider, best first. Stylizing pauses while it runs. Apply the winner with
     * `stylization.preprocess = ranking[0].contract`.
     * @throws StylizationError when no model is loaded
     */
    public async diagnose(input: RgbaFrame, expected: RgbaFrame, options: DiagnosisOptions = {}): Promise<DiagnosisCandidate[]> {
        const session = this._session;
        if (!session) {
            throw new StylizationError("diagnose needs a loaded model: wait for enableStylization or setModel to resolve");
        }
        return this._holdingFrames(async () => {
            const run = async (data: Float32Array, width: number, height: number) => (await session.runCpu(data, width, height)).data;
            return diagnoseContract(run, input, expected, { frameColorSpace: this._config.frameColorSpace, ...options });
        });
    }

    /**
     * Runs the loaded model on an image with the current contract (CPU pre- and postprocessing, the session's own
     * execution provider) and returns the RGBA result at the image's size: what the engine makes of a reference input,
     * for comparing with the output training produced. Stylizing pauses while it runs.
     * @throws StylizationError when no model is loaded
     */
    public async stylizeImage(image: RgbaFrame): Promise<Uint8Array> {
        const session = this._session;
        if (!session) {
            throw new StylizationError("stylizeImage needs a loaded model: wait for enableStylization or setModel to resolve");
        }
        const config = this._config;
        return this._holdingFrames(async () => {
            const { width, height } = image;
            const output = await session.runCpu(preprocessFrame(image, width, height, config), width, height);
            return postprocessTensor(output.data, width, height, config);
        });
    }

    /** Runs `work` on the session between frames: capturing pauses (frozen stays as the user set it) and resumes after. */
    private async _holdingFrames<T>(work: () => Promise<T>): Promise<T> {
        const pipeline = this._pipeline;
        pipeline.holds++;
        try {
            await pipeline.whenIdle(); // a session runs one inference at a time
            return await work();
        } finally {
            pipeline.holds--;
        }
    }

    /** The execution provider asked for (`options.executionProvider` or the last `setModel` that named one). */
    public get requestedExecutionProvider(): ExecutionProviderOption {
        return this._requestedProvider;
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

    /**
     * The effective preprocessing contract (defaults < model metadata < your overrides). Assigning a field, e.g.
     * `stylization.preprocess.inputRange = "[0,1]"`, overrides it live; assigning an object overrides several.
     */
    public get preprocess(): PreprocessConfig {
        return this._livePreprocess;
    }

    public set preprocess(value: Partial<PreprocessConfig>) {
        this._setOverrides({ ...this._overrides, ...value });
    }

    /** The fields you (or the panel) set; the rest of `preprocess` comes from the model or the defaults. */
    public get preprocessOverrides(): Partial<PreprocessConfig> {
        return structuredClone(this._overrides);
    }

    /** Drops your overrides so the model's declared contract applies again. */
    public resetPreprocess(): void {
        this._setOverrides({});
    }

    private _setOverrides(overrides: Partial<PreprocessConfig>): void {
        this._config = resolvePreprocessConfig(this._model?.declared, overrides); // throws on invalid values before anything changes
        this._overrides = overrides;
        this._shapeKey = "";
    }

    private _createLivePreprocess(): PreprocessConfig {
        const live = {} as PreprocessConfig;
        for (const key of Object.keys(DefaultPreprocessConfig) as Array<keyof PreprocessConfig>) {
            Object.defineProperty(live, key, {
                enumerable: true,
                get: () => this._config[key],
                set: (value: unknown) => this._setOverrides({ ...this._overrides, [key]: value }),
            });
        }
        return Object.seal(live);
    }

    // ---- composite and lifecycle --------------------------------------------------------------------------------

    /** Blend between the original (0) and stylized (1) frame. */
    public get blend(): number {
        return this._blend;
    }
    public set blend(value: number) {
        this._blend = checkUnit("blend", value);
    }

    public get view(): StylizationView {
        return this._view;
    }
    public set view(value: StylizationView) {
        this._view = checkView(value);
    }

    /** Divider position of the split view, 0..1 from the left. */
    public get splitPosition(): number {
        return this._splitPosition;
    }
    public set splitPosition(value: number) {
        this._splitPosition = checkUnit("splitPosition", value);
    }

    /** When false, frames are neither captured nor stylized and the original frame shows. */
    public get enabled(): boolean {
        return this._enabled;
    }
    public set enabled(value: boolean) {
        this._enabled = !!value;
        this._pipeline.active = this._enabled && !!this._session;
        if (!this._enabled) {
            this._pipeline.clearResult(); // re-enabling must not flash a stale frame
        }
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
        return this._targetHeight;
    }
    public set targetHeight(value: number) {
        this._targetHeight = checkTargetHeight(value);
        this._shapeKey = "";
    }

    public get stats(): StylizationStats {
        const c = this._pipeline.counters;
        const size = this._inferenceSize();
        return {
            executionProvider: this._session?.provider,
            zeroCopy: this._pipeline.zeroCopy,
            inferenceWidth: size.width,
            inferenceHeight: size.height,
            lastInferenceMs: c.lastInferenceMs,
            averageInferenceMs: c.framesStylized ? c.totalInferenceMs / c.framesStylized : 0,
            framesStylized: c.framesStylized,
            framesSkipped: c.framesSkipped,
            lastStages: { ...c.lastStages },
        };
    }

    /** The last captured input tensor, NCHW float32 [1, 3, H, W] (a GPU readback on zero-copy pipelines: debug use). */
    public readInputTensor(): Promise<Float32Array> {
        return this._pipeline.readInputTensor();
    }

    /** The last output tensor, NCHW float32, or undefined before the first result. */
    public readOutputTensor(): Promise<Float32Array | undefined> {
        return this._pipeline.readOutputTensor();
    }

    /** True when the composite currently shows a stylized image (false before the first result or while disabled). */
    public get showingStylized(): boolean {
        return this._enabled && !!this._pipeline.texture && this._view !== "original";
    }

    /** The composite post process (for ordering with other post processes or the Babylon Inspector). */
    public get postProcess(): PostProcess {
        return this._postProcess;
    }

    // ---- inspector panel ---------------------------------------------------------------------------------------

    /**
     * Opens the inspector panel (or returns the one already open): live contract controls, tensor statistics,
     * mismatch warnings and diagnosis. Browser only; closed by its × button, `hideInspector()` or `dispose()`.
     */
    public showInspector(options: InspectorOptions = {}): StylizationInspector {
        if (this._disposed) {
            throw new StylizationError("showInspector: this stylization was disposed");
        }
        if (!this._inspector || this._inspector.disposed) {
            this._inspector = new StylizationInspector(this, options);
        }
        return this._inspector;
    }

    /** Closes the inspector panel, if open. */
    public hideInspector(): void {
        this._inspector?.dispose();
        this._inspector = undefined;
    }

    /** The open inspector panel, if any. */
    public get inspector(): StylizationInspector | undefined {
        return this._inspector?.disposed ? undefined : this._inspector;
    }

    private _inferenceSize(): { width: number; height: number } {
        const engine = this.scene.getEngine();
        return inferenceSize(engine.getRenderWidth(), engine.getRenderHeight(), this._targetHeight, { width: this._model?.fixedWidth, height: this._model?.fixedHeight });
    }

    private _updateShape(): void {
        const { width, height } = this._inferenceSize();
        const key = `${width}x${height}`;
        if (key === this._shapeKey) {
            return;
        }
        this._shapeKey = key;
        this._pipeline.configure(width, height, derivePreprocessParams(this._config));
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
        this._observers.forEach((remove) => remove());
        this.hideInspector();
        this._postProcess.dispose(this.camera);
        this._placeholder.dispose();
        const session = this._session;
        this._session = undefined;
        // The session goes only after the pipeline's inference in flight (if any) has finished with it.
        this._released = this._pipeline.dispose().then(() => session?.dispose());
        this.onDisposeObservable.notifyObservers(this);
        this.onDisposeObservable.clear();
        this.onFrameStylizedObservable.clear();
        this.onErrorObservable.clear();
        this.onModelReadyObservable.clear();
    }
}
