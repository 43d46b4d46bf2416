/**
 * Loads the onnxruntime-web builds on demand, each once. Separate builds keep separate `env` objects, which matters:
 * - `/webgpu`: the native WebGPU EP, the only build that can run on Babylon's own GPUDevice (EP option `device`).
 * - `/wasm`: the wasm EP with `env.wasm.proxy`, so inference runs in a worker and never blocks the render loop.
 *   (A proxied env cannot host WebGPU sessions, hence its own build.)
 * - `/webgl`: the WebGL EP (pure JS), loaded only when asked for by name.
 */
import type * as Ort from "onnxruntime-web";

export type OrtModule = typeof Ort;

let webgpuBuild: Promise<OrtModule> | undefined;
let wasmBuild: Promise<OrtModule> | undefined;
let webglBuild: Promise<OrtModule> | undefined;

/** Number of wasm threads: several when the page is cross-origin isolated (SharedArrayBuffer), else one. */
export function wasmThreadCount(): number {
    const isolated = typeof crossOriginIsolated !== "undefined" && crossOriginIsolated;
    const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency || 1 : 1;
    return isolated ? Math.max(1, Math.min(4, cores)) : 1;
}

export function loadOrtWebGpu(): Promise<OrtModule> {
    webgpuBuild ??= import("onnxruntime-web/webgpu").then((ort) => {
        ort.env.wasm.numThreads = 1; // the wasm side of this build only hosts the WebGPU EP's kernels on CPU
        return ort;
    });
    return webgpuBuild;
}

export function loadOrtWasm(): Promise<OrtModule> {
    wasmBuild ??= import("onnxruntime-web/wasm").then((ort) => {
        ort.env.wasm.numThreads = wasmThreadCount();
        ort.env.wasm.proxy = true;
        return ort;
    });
    return wasmBuild;
}

export function loadOrtWebGl(): Promise<OrtModule> {
    webglBuild ??= import("onnxruntime-web/webgl");
    return webglBuild;
}
