/**
 * WebGPU capture: the preprocess compute pass writes the tensor into a storage buffer that onnxruntime reads directly
 * (zero-copy), or that is mapped back for a CPU execution provider.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { WebGpuPreprocess } from "../preprocess/webgpuPreprocess.js";
import type { FrameCapture, GuideMaps } from "./frameCapture.js";

export class WebGpuFrameCapture implements FrameCapture {
    /** Each read copies the tensor into a staging buffer of its own when called, so reads are independent. */
    public readonly slots = 3;
    private readonly _preprocess: WebGpuPreprocess;

    public constructor(engine: WebGPUEngine) {
        this._preprocess = new WebGpuPreprocess(engine);
    }

    public get gpuTensor(): GPUBuffer | undefined {
        return this._preprocess.gpuTensor;
    }

    public configure(width: number, height: number, packed: PackedParams, channels: number): void {
        this._preprocess.configure(width, height, packed, channels);
    }

    public dispatch(frame: InternalTexture, guides?: GuideMaps): boolean {
        return this._preprocess.dispatch(frame, guides);
    }

    /** Maps the tensor buffer back (Babylon copies it after the frame's commands are submitted). */
    public read(out: Float32Array): Promise<Float32Array | null> {
        return this._preprocess.read(out);
    }

    public dispose(): void {
        this._preprocess.dispose();
    }
}
