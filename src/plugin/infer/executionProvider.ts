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

/**
 * The provider `'auto'` stands for: zero-copy WebGPU on a WebGPU engine; on WebGL2 the WebGPU provider on its own
 * device when a hardware adapter exists (asynchronous download, fastest), else multi-threaded wasm in a worker. The
 * WebGL provider is never chosen automatically: it reads its outputs back synchronously and stalls the loop.
 */
export async function resolveExecutionProvider(engine: AbstractEngine, requested: ExecutionProviderOption): Promise<ExecutionProvider> {
    if (requested !== "auto") {
        return requested;
    }
    if (engine.isWebGPU) {
        return "webgpu";
    }
    return (await hasHardwareWebGpu()) ? "webgpu" : "wasm";
}
