/**
 * Everything between a model source and a running session: download, description, provider choice, session creation.
 * The caller owns the returned session (the handle swaps it in, or disposes it when a newer model won).
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { loadModelBytes, modelSourceName, type ModelSource } from "../model/loadModel.js";
import type { ModelDownloadOptions } from "../options.js";
import { describeModel, type ModelDescription } from "../model/modelContract.js";
import { planExecutionProviders, type ExecutionProvider, type ExecutionProviderOption, type ProviderPlan, type SkippedProvider } from "./executionProvider.js";
import { StylizationSession } from "./inferenceSession.js";
import { ExecutionProviderError } from "../errors.js";
import { createPreferringFp16 } from "./halfPrecision.js";

export interface OpenSessionOptions extends ModelDownloadOptions {
    provider: ExecutionProviderOption;
    /** Name used in messages. @defaultValue the URL's file name */
    name?: string;
    /** Aborts the download (a newer model, or the handle's disposal). */
    signal?: AbortSignal;
    /** The providers to try instead of planning `provider` (a fallback after a provider failed to run). */
    plan?: ProviderPlan;
    /** Called with the model's description before the session is created; throw to refuse the model. */
    check?: (model: ModelDescription) => void;
}

/** A session, the providers that were not used for it (with why), and the candidates after the one running. */
export interface OpenedSession {
    session: StylizationSession;
    skipped: SkippedProvider[];
    fallbacks: ExecutionProvider[];
}

/**
 * Opens `source` on `engine`, trying the providers `options.provider` stands for (or `options.plan`'s) in order: one that fails to start is
 * skipped with its reason, and when all fail the error names every reason (a single provider's own error otherwise).
 * On a WebGPU engine the WebGPU provider runs on the engine's own device (zero-copy).
 * @throws a StylizationError subclass naming the model and what to do
 */
export async function openSession(engine: AbstractEngine, source: ModelSource, options: OpenSessionOptions): Promise<OpenedSession> {
    const { onProgress, maxModelBytes: maxBytes, downloadStallMs: stallTimeoutMs } = options;
    const bytes = await loadModelBytes(source, { onProgress, maxBytes, stallTimeoutMs, signal: options.signal });
    const model = describeModel(bytes, options.name ?? modelSourceName(source));
    const plan = options.plan ?? (await planExecutionProviders(engine, options.provider));
    const { candidates } = plan;
    const skipped = [...plan.skipped];
    options.check?.(model);
    const failures: unknown[] = [];
    for (const [index, provider] of candidates.entries()) {
        const device = engine.isWebGPU && provider === "webgpu" ? (engine as WebGPUEngine)._device : undefined;
        try {
            const load = (url: string) => loadModelBytes(url, { onProgress, maxBytes, stallTimeoutMs, signal: options.signal });
            const session = await createPreferringFp16(model, source, { provider, device }, load);
            return { session, skipped, fallbacks: candidates.slice(index + 1) };
        } catch (error) {
            failures.push(error);
            skipped.push({ provider, reason: `failed to start: ${error instanceof Error ? error.message : String(error)}` });
        }
    }
    if (failures.length === 1 && !skipped.some((s) => s.reason.startsWith("failed to run"))) {
        throw failures[0];
    }
    const reasons = skipped.map((s) => `[${s.provider}] ${s.reason}`).join("; ");
    throw new ExecutionProviderError(options.provider, `model ${model.name}: no execution provider could run it: ${reasons}`, { cause: failures });
}
