/**
 * fp16 twins (training/fewshot/half.py): a model may name, in `stylize.fp16_twin`, a float16 copy of itself beside it
 * (same interface: float32 in and out, float16 inside). The WebGPU provider runs the twin where its device has the
 * `shader-f16` feature (half the memory traffic; twice the arithmetic rate on GPUs with fast half floats); every other
 * case runs the model as given, and says why.
 */
import type { ModelSource } from "../model/loadModel.js";
import { describeModel, type ModelDescription } from "../model/modelContract.js";
import type { ExecutionProvider } from "./executionProvider.js";
import { StylizationSession, type SessionPrecision } from "./inferenceSession.js";

export const Fp16TwinKey = "stylize.fp16_twin";

/**
 * Where the fp16 twin of `model` (loaded from `source`) is, when it should run on `provider` here; otherwise the
 * float32 precision with its reason. `device`: the GPU device the provider runs on (Babylon's, zero-copy), else the
 * provider creates its own from the adapter.
 */
export async function fp16TwinFor(
    model: ModelDescription,
    source: ModelSource,
    provider: ExecutionProvider,
    device: GPUDevice | undefined
): Promise<{ url: string } | SessionPrecision> {
    const twin = model.info.metadata[Fp16TwinKey];
    const fp32 = (reason: string): SessionPrecision => ({ precision: "fp32", reason });
    if (!twin) {
        return fp32("the model names no fp16 twin (stylize.fp16_twin: training/recipe.py half writes one)");
    }
    if (provider !== "webgpu") {
        return fp32(`the ${provider} provider runs float32 (the fp16 twin is for GPUs with shader-f16)`);
    }
    if (typeof source !== "string" && !(source instanceof URL)) {
        return fp32(`the model was given as bytes: its fp16 twin ${twin} has no address to load from`);
    }
    // Zero-copy runs on Babylon's device, which has only the features the engine asked for; otherwise onnxruntime
    // asks the adapter for the feature itself.
    const adapterHas = await adapterHasF16();
    if (!adapterHas || (device && !device.features.has("shader-f16"))) {
        return fp32(
            adapterHas
                ? 'Babylon\'s GPU device was created without shader-f16, which the adapter has (create the WebGPUEngine with enableAllFeatures: true or deviceDescriptor: { requiredFeatures: ["shader-f16"] })'
                : "the WebGPU adapter has no shader-f16"
        );
    }
    const base = typeof document !== "undefined" ? document.baseURI : globalThis.location?.href;
    return { url: new URL(twin, new URL(String(source), base)).href };
}

async function adapterHasF16(): Promise<boolean> {
    try {
        return !!(await navigator.gpu?.requestAdapter())?.features.has("shader-f16");
    } catch {
        return false;
    }
}

/**
 * A session for `model` on `target.provider`: its fp16 twin where that provider and device can run one (loaded with
 * `load`), else the model itself; the session's `precision` says which and why. A twin that fails to load or start
 * leaves the model running in float32, with a warning.
 * @throws what creating the float32 session throws
 */
export async function createPreferringFp16(
    model: ModelDescription,
    source: ModelSource,
    target: { provider: ExecutionProvider; device?: GPUDevice },
    load: (url: string) => Promise<Uint8Array>
): Promise<StylizationSession> {
    let precision = await fp16TwinFor(model, source, target.provider, target.device);
    if ("url" in precision) {
        try {
            const twin = describeModel(await load(precision.url), `${model.name} (fp16)`);
            checkTwin(model, twin);
            const session = await StylizationSession.CreateAsync(twin, target);
            session.precision = { precision: "fp16", reason: "the GPU device has shader-f16 and the model names an fp16 twin" };
            return session;
        } catch (error) {
            precision = {
                precision: "fp32",
                reason: `its fp16 twin ${precision.url} failed to start (${error instanceof Error ? error.message : String(error)})`,
            };
            console.warn(`[stylization] model ${model.name}: ${precision.reason}; running float32`);
        }
    }
    const session = await StylizationSession.CreateAsync(model, target);
    session.precision = precision;
    return session;
}

/**
 * @throws Error naming the difference when `twin` does not take and give what `model` does (the plugin binds the
 * same buffers and contract)
 */
export function checkTwin(model: ModelDescription, twin: ModelDescription): void {
    const shape = (m: ModelDescription) => JSON.stringify([m.inputName, m.outputName, m.inputChannels, m.guides, m.declared, m.fixedHeight, m.fixedWidth]);
    if (shape(model) !== shape(twin)) {
        throw new Error(`its interface or contract differs from the model's (${shape(twin)} vs ${shape(model)})`);
    }
    if (twin.info.metadata["stylize.precision"] !== "fp16") {
        throw new Error('it does not declare stylize.precision = "fp16"');
    }
}
