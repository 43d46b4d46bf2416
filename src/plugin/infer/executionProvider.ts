/**
 * Which onnxruntime execution provider runs the network. `auto` resolves here, in one place, from the engine and the
 * adapter; the session (inferenceSession.ts) then loads the build that provider needs.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";

/** The execution providers the plugin drives, in order of preference (the WebGL EP reads its outputs back synchronously). */
export const ExecutionProviders = ["webgpu", "wasm", "webgl"] as const;
export type ExecutionProvider = (typeof ExecutionProviders)[number];

/** What `options.executionProvider` accepts: a provider, or `auto`. */
export const ExecutionProviderOptions = ["auto", ...ExecutionProviders] as const;
export type ExecutionProviderOption = (typeof ExecutionProviderOptions)[number];

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

/** A provider `auto` did not choose, and why. */
export interface SkippedProvider {
    provider: ExecutionProvider;
    reason: string;
}

/** The providers to try, in order, and those left out. */
export interface ProviderPlan {
    candidates: ExecutionProvider[];
    skipped: SkippedProvider[];
}

const SoftwareAdapter = "the WebGPU adapter is a software one (SwiftShader, llvmpipe or a fallback adapter): its WebGPU EP runs far slower than wasm";

/**
 * What `'auto'` stands for, as an ordered list: on a WebGPU engine, zero-copy WebGPU on a hardware adapter, then wasm;
 * on WebGL2, the WebGPU provider on its own device when a hardware adapter exists (asynchronous download, fastest),
 * then multi-threaded wasm in a worker. A software adapter never gets the WebGPU EP (it is hundreds of times slower
 * than wasm, and on the zero-copy path it shares, and stalls, the engine's queue). The WebGL provider is never chosen
 * automatically: it reads its outputs back synchronously and stalls the loop. A provider named explicitly is the only
 * candidate.
 */
export async function planExecutionProviders(engine: AbstractEngine, requested: ExecutionProviderOption): Promise<ProviderPlan> {
    if (requested !== "auto") {
        return { candidates: [requested], skipped: [] };
    }
    const skipped: SkippedProvider[] = [
        { provider: "webgl", reason: "auto never picks it: it reads its outputs back synchronously and stalls the render loop" },
    ];
    if (await hasHardwareWebGpu()) {
        return { candidates: ["webgpu", "wasm"], skipped };
    }
    const why = engine.isWebGPU || (typeof navigator !== "undefined" && navigator.gpu) ? SoftwareAdapter : "this browser has no WebGPU";
    return { candidates: ["wasm"], skipped: [{ provider: "webgpu", reason: why }, ...skipped] };
}

/** The first provider of {@link planExecutionProviders}: what `auto` runs unless that provider fails to start. */
export async function resolveExecutionProvider(engine: AbstractEngine, requested: ExecutionProviderOption): Promise<ExecutionProvider> {
    return (await planExecutionProviders(engine, requested)).candidates[0];
}
