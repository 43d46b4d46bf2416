/**
 * One onnxruntime-web session for one model on one execution provider. Owns the session and the GPU tensors it
 * wraps; `dispose()` releases them.
 */
import type * as Ort from "onnxruntime-web";
import { ExecutionProviderError, InferenceError, ProviderRunError, StylizationError, UnsupportedOperatorError } from "../errors.js";
import type { ModelDescription } from "../model/modelContract.js";
import { withFixedImageSize } from "../model/onnxModelInfo.js";
import { ExecutionProviders, type ExecutionProvider } from "./executionProvider.js";
import { loadOrtWasm, loadOrtWebGl, loadOrtWebGpu, type OrtModule } from "./ortRuntime.js";

/** Operators (with the attribute value that matters) that a provider is known to fail on; checked before loading. */
const KnownGaps: Record<ExecutionProvider, Array<{ op: string; when?: (attrs: Record<string, unknown>) => boolean; why: string }>> = {
    webgl: [
        { op: "Resize", when: (a) => a.mode === undefined || a.mode === "nearest", why: "the WebGL EP fails on Resize with mode nearest" },
        { op: "Upsample", when: (a) => a.mode === undefined || a.mode === "nearest", why: "the WebGL EP fails on Upsample with mode nearest" },
    ],
    webgpu: [],
    wasm: [],
};

/** Which providers can run an operator: wasm implements every standard ONNX operator; the others are checked. */
function providersFor(op: string, attrs: Record<string, unknown>): ExecutionProvider[] {
    return ExecutionProviders.filter((p) => !KnownGaps[p].some((g) => g.op === op && (!g.when || g.when(attrs))));
}

function checkKnownGaps(model: ModelDescription, provider: ExecutionProvider): void {
    for (const node of model.info.nodes) {
        const gap = KnownGaps[provider].find((g) => g.op === node.opType && (!g.when || g.when(node.attributes)));
        if (gap) {
            const others = providersFor(node.opType, node.attributes);
            throw new UnsupportedOperatorError(
                provider,
                node.opType,
                others,
                `model ${model.name}: the ${provider} execution provider cannot run operator ${node.opType} (node "${node.name}"): ${gap.why}. Providers that can run it: ${others.join(", ")}. Pass executionProvider: "${others[0]}".`
            );
        }
    }
}

/** Turns onnxruntime's session-creation errors into typed ones; ORT names unsupported ops in several phrasings. */
function sessionCreationError(model: ModelDescription, provider: ExecutionProvider, error: unknown): StylizationError {
    const message = error instanceof Error ? error.message : String(error);
    const opMatch = /(?:resolve operator|unsupported op(?:erator)?|operator|op)\s*['"]?([A-Z][A-Za-z0-9]+)['"]?/i.exec(message);
    if (opMatch && /support|resolve|implement|not found|no kernel/i.test(message)) {
        const op = opMatch[1];
        const attrs = model.info.nodes.find((n) => n.opType === op)?.attributes ?? {};
        const others = providersFor(op, attrs).filter((p) => p !== provider);
        return new UnsupportedOperatorError(
            provider,
            op,
            others,
            `model ${model.name}: the ${provider} execution provider cannot run operator ${op} (${message}). Providers that can run it: ${others.join(", ")}.`,
            { cause: error }
        );
    }
    return new ExecutionProviderError(provider, `model ${model.name}: the ${provider} execution provider could not create a session: ${message}`, {
        cause: error,
    });
}

/**
 * One onnxruntime-web module must not create a session while it creates another ("another WebGPU EP inference session
 * is being created") or while a session of it runs (creation grows the wasm heap under the running inference:
 * "memory access out of bounds"). Overlapping setModel calls, hot swaps and several stylized cameras would do both,
 * so work on one module is queued: creations and runs take turns.
 */
const queues = new WeakMap<OrtModule, Promise<unknown>>();
function exclusive<T>(ort: OrtModule, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(ort) ?? Promise.resolve();
    const result = previous.then(work, work);
    queues.set(
        ort,
        result.catch(() => undefined)
    );
    return result;
}

export interface SessionOptions {
    provider: ExecutionProvider;
    /** Babylon's GPUDevice, for a zero-copy WebGPU session on the engine's device. */
    device?: GPUDevice;
}

/** onnxruntime sessions the plugin created and released, over the page's life. */
const counts = { created: 0, released: 0 };

function created<T>(session: T): T {
    counts.created++;
    return session;
}

async function release(ort: OrtModule, session: Ort.InferenceSession): Promise<void> {
    await exclusive(ort, () => session.release());
    counts.released++;
}

/** How many fixed-size sessions the WebGL EP keeps, most recent first, so sizes switched back and forth are reused. */
const FixedSizeSessions = 4;

/** The precision a session runs at, and why (see halfPrecision.ts). */
export interface SessionPrecision {
    precision: "fp32" | "fp16";
    reason: string;
}

export class StylizationSession {
    private _inputGpu: Ort.Tensor | undefined;
    private _outputGpu: Ort.Tensor | undefined;
    /**
     * Zero-copy: a session with graph capture for the bound buffers' size (onnxruntime records the GPU commands of the
     * first run and replays them, sparing the per-kernel CPU work), or false once capture failed here.
     */
    private _capture: { key: string; session: Promise<Ort.InferenceSession> } | false | undefined;
    private _replaying = false;
    /** The precision the network runs at, and why (set by openSession: an fp16 twin where the GPU can). */
    public precision: SessionPrecision = { precision: "fp32", reason: "" };
    /** Sessions of copies of the model fixed to one size ("HxW"), for providers that need fixed shapes; newest last. */
    private readonly _fixed = new Map<string, Ort.InferenceSession>();

    private constructor(
        public readonly model: ModelDescription,
        public readonly provider: ExecutionProvider,
        private readonly _ort: OrtModule,
        private _session: Ort.InferenceSession,
        /** True when input and output stay on Babylon's GPU device. */
        public readonly gpuIo: boolean,
        private readonly _device?: GPUDevice
    ) {}

    /** True when zero-copy runs replay a captured graph (see {@link runGpu}). */
    public get graphCaptured(): boolean {
        return this._replaying;
    }

    /** onnxruntime sessions created and still open, over all models and stylizations: growth means a leak. */
    public static get sessionCounts(): { created: number; open: number } {
        return { created: counts.created, open: counts.created - counts.released };
    }

    /**
     * Creates a session. With `device`, the WebGPU EP runs on that device and frames never leave the GPU.
     * @throws ExecutionProviderError, UnsupportedOperatorError
     */
    public static async CreateAsync(model: ModelDescription, options: SessionOptions): Promise<StylizationSession> {
        const { provider, device } = options;
        checkKnownGaps(model, provider);
        let ort: OrtModule;
        let ep: Ort.InferenceSession.ExecutionProviderConfig;
        if (provider === "webgpu") {
            if (typeof navigator === "undefined" || !navigator.gpu) {
                throw new ExecutionProviderError(
                    "webgpu",
                    `the webgpu execution provider needs a browser with WebGPU (navigator.gpu is missing). Use executionProvider "wasm" or "auto".`
                );
            }
            ort = await loadOrtWebGpu();
            ep = device ? ({ name: "webgpu", device } as Ort.InferenceSession.ExecutionProviderConfig) : "webgpu";
        } else if (provider === "wasm") {
            ort = await loadOrtWasm();
            ep = "wasm";
        } else {
            ort = await loadOrtWebGl();
            ep = "webgl";
        }
        let session: Ort.InferenceSession;
        try {
            // A copy: the wasm worker proxy takes ownership of (detaches) the buffer it is given.
            session = created(
                await exclusive(ort, () => ort.InferenceSession.create(model.bytes.slice(), { executionProviders: [ep], graphOptimizationLevel: "all" }))
            );
        } catch (error) {
            throw sessionCreationError(model, provider, error);
        }
        return new StylizationSession(model, provider, ort, session, provider === "webgpu" && !!device, device);
    }

    /** Binds the GPU buffers that hold the input (`channels`: RGB and guides) and receive the output (zero-copy only). */
    public bindGpuBuffers(input: GPUBuffer, output: GPUBuffer, width: number, height: number, channels = 3): void {
        const [oldInput, oldOutput] = [this._inputGpu?.gpuBuffer, this._outputGpu?.gpuBuffer];
        if (this._capture && (input !== oldInput || output !== oldOutput)) {
            void this._releaseCapture(false); // a captured graph replays on the buffers it was recorded with
        }
        this._releaseGpuTensors();
        this._inputGpu = this._ort.Tensor.fromGpuBuffer(input, { dataType: "float32", dims: [1, channels, height, width] });
        this._outputGpu = this._ort.Tensor.fromGpuBuffer(output, { dataType: "float32", dims: [1, 3, height, width] });
    }

    /**
     * The graph-capture session for the bound size: shapes are static between binds, and the input and output are the
     * same GPU buffers on every run, which is what onnxruntime's graph capture needs. A copy of the model with the size
     * written in. Undefined when capture is not possible here (then the regular session runs).
     */
    private async _capturedSession(width: number, height: number): Promise<Ort.InferenceSession | undefined> {
        if (this._capture === false || !this._device) {
            return undefined;
        }
        const key = `${height}x${width}`;
        if (this._capture?.key !== key) {
            const previous = this._capture?.session;
            const bytes = withFixedImageSize(this.model.bytes, height, width);
            const options = { executionProviders: [{ name: "webgpu", device: this._device }], enableGraphCapture: true, graphOptimizationLevel: "all" };
            const session = exclusive(this._ort, () => this._ort.InferenceSession.create(bytes, options as Ort.InferenceSession.SessionOptions)).then(created);
            this._capture = { key, session };
            previous?.then((old) => release(this._ort, old)).catch(() => undefined);
        }
        return this._capture.session;
    }

    /**
     * Runs on the bound GPU buffers, replaying a captured graph when the provider can (the first run at a size records
     * it). Resolves when the work is submitted, not when the GPU has finished it.
     */
    public async runGpu(): Promise<void> {
        if (!this._inputGpu || !this._outputGpu) {
            throw new InferenceError("runGpu called before bindGpuBuffers");
        }
        const [input, output] = [this._inputGpu, this._outputGpu];
        const feeds = { [this.model.inputName]: input };
        const fetches = { [this.model.outputName]: output };
        try {
            const captured = await this._capturedSession(input.dims[3], input.dims[2]);
            if (captured) {
                await exclusive(this._ort, () => captured.run(feeds, fetches));
                this._replaying = true;
                return;
            }
        } catch (error) {
            // Capture is an optimization: where the provider cannot capture this graph, run it as it is from now on.
            console.warn(`[stylization] model ${this.model.name}: graph capture is not available (${(error as Error).message}); running without it`);
            void this._releaseCapture(true);
        }
        try {
            await exclusive(this._ort, () => this._session.run(feeds, fetches));
        } catch (error) {
            throw new ProviderRunError(this.provider, `model ${this.model.name} failed on ${this.provider}: ${(error as Error).message}`, { cause: error });
        }
    }

    /**
     * The WebGL EP fixes a session's input shape at its first run and cannot read symbolic dimensions, so it gets a
     * session of a copy of the model with the size written in, one per inference size; the last few are kept.
     */
    private async _fitSessionTo(width: number, height: number): Promise<void> {
        const dynamic = this.model.fixedWidth === undefined || this.model.fixedHeight === undefined;
        if (this.provider !== "webgl" || !dynamic) {
            return;
        }
        const key = `${height}x${width}`;
        let session = this._fixed.get(key);
        if (!session) {
            const bytes = withFixedImageSize(this.model.bytes, height, width);
            session = created(
                await exclusive(this._ort, () => this._ort.InferenceSession.create(bytes, { executionProviders: ["webgl"] })).catch((error: unknown) => {
                    throw sessionCreationError(this.model, this.provider, error);
                })
            );
            if (this._fixed.size === 0) {
                await release(this._ort, this._session); // the dynamic session, never run on this provider
            }
        }
        this._fixed.delete(key);
        this._fixed.set(key, session); // the newest last
        for (const [oldKey, old] of this._fixed) {
            if (this._fixed.size <= FixedSizeSessions) {
                break;
            }
            this._fixed.delete(oldKey);
            await release(this._ort, old);
        }
        this._session = session;
    }

    /** Runs on CPU data (NCHW: RGB, then the model's guides) and returns the output tensor's data and its [height, width]. */
    public async runCpu(input: Float32Array, width: number, height: number): Promise<{ data: Float32Array; width: number; height: number }> {
        await this._fitSessionTo(width, height);
        const tensor = new this._ort.Tensor("float32", input, [1, input.length / (width * height), height, width]);
        try {
            const result = await exclusive(this._ort, () => this._session.run({ [this.model.inputName]: tensor }));
            const out = result[this.model.outputName];
            const data = (await out.getData()) as Float32Array;
            const dims = out.dims;
            out.dispose();
            if (dims.length !== 4 || dims[1] !== 3) {
                throw new InferenceError(`model ${this.model.name} produced an output of shape [${dims.join(", ")}]; expected [1, 3, H, W]`);
            }
            return { data, width: dims[3], height: dims[2] };
        } catch (error) {
            if (error instanceof InferenceError) {
                throw error;
            }
            const message = `model ${this.model.name} failed on ${this.provider} at ${width}x${height}: ${(error as Error).message}`;
            throw new ProviderRunError(this.provider, message, { cause: error });
        } finally {
            tensor.dispose();
        }
    }

    /** Releases the capture session, if any; with `forGood`, runs stay uncaptured from now on. */
    private _releaseCapture(forGood: boolean): Promise<void> {
        const capture = this._capture;
        this._capture = forGood ? false : undefined;
        this._replaying = false;
        return capture ? capture.session.then((session) => release(this._ort, session)).catch(() => undefined) : Promise.resolve();
    }

    private _releaseGpuTensors(): void {
        // These tensors wrap buffers the pipeline owns; disposing them does not destroy the buffers.
        this._inputGpu?.dispose();
        this._outputGpu?.dispose();
        this._inputGpu = this._outputGpu = undefined;
    }

    public async dispose(): Promise<void> {
        this._releaseGpuTensors();
        await this._releaseCapture(true);
        const sessions = this._fixed.size ? [...this._fixed.values()] : [this._session];
        this._fixed.clear();
        for (const session of sessions) {
            await release(this._ort, session);
        }
    }
}
