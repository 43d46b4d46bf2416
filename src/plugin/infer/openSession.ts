/**
 * Everything between a model source and a running session: download, description, provider choice, session creation.
 * The caller owns the returned session (the handle swaps it in, or disposes it when a newer model won).
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { loadModelBytes, modelSourceName, type ModelSource } from "../model/loadModel.js";
import type { ModelDownloadOptions } from "../options.js";
import { describeModel, type ModelDescription } from "../model/modelContract.js";
import { resolveExecutionProvider, type ExecutionProviderOption } from "./executionProvider.js";
import { StylizationSession } from "./inferenceSession.js";

export interface OpenSessionOptions extends ModelDownloadOptions {
    provider: ExecutionProviderOption;
    /** Name used in messages. @defaultValue the URL's file name */
    name?: string;
    /** Called with the model's description before the session is created; throw to refuse the model. */
    check?: (model: ModelDescription) => void;
}

/**
 * Opens `source` on `engine`. On a WebGPU engine the WebGPU provider runs on the engine's own device (zero-copy).
 * @throws a StylizationError subclass naming the model and what to do
 */
export async function openSession(engine: AbstractEngine, source: ModelSource, options: OpenSessionOptions): Promise<StylizationSession> {
    const { onProgress, maxModelBytes: maxBytes, downloadStallMs: stallTimeoutMs } = options;
    const bytes = await loadModelBytes(source, { onProgress, maxBytes, stallTimeoutMs });
    const model = describeModel(bytes, options.name ?? modelSourceName(source));
    const provider = await resolveExecutionProvider(engine, options.provider);
    const device = engine.isWebGPU && provider === "webgpu" ? (engine as WebGPUEngine)._device : undefined;
    options.check?.(model);
    return StylizationSession.CreateAsync(model, { provider, device });
}
