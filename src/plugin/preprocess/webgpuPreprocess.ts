/**
 * The WebGPU preprocess pass: a compute shader samples the frame texture and writes the NCHW tensor into a storage
 * buffer, recorded into Babylon's frame so it runs right after the scene.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { TextureSampler } from "@babylonjs/core/Materials/Textures/textureSampler.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { TensorComputePass } from "../gpu/tensorComputePass.js";
import { PreprocessWgsl } from "./preprocessShaders.js";
import type { GuideMaps } from "../capture/frameCapture.js";

export class WebGpuPreprocess {
    private readonly _pass: TensorComputePass;
    private readonly _sampler = new TextureSampler();

    public constructor(engine: WebGPUEngine) {
        this._pass = new TensorComputePass(engine, {
            name: "stylizePreprocess",
            source: PreprocessWgsl,
            bindingsMapping: {
                frameSampler: { group: 0, binding: 0 },
                frame: { group: 0, binding: 1 },
                tensor: { group: 0, binding: 2 },
                params: { group: 0, binding: 3 },
                depthMap: { group: 0, binding: 4 },
                normalMap: { group: 0, binding: 5 },
            },
            tensorLabel: "stylizeInputTensor",
        });
        const clamp = Constants.TEXTURE_CLAMP_ADDRESSMODE;
        this._sampler.setParameters(clamp, clamp, clamp, 1, Constants.TEXTURE_BILINEAR_SAMPLINGMODE);
        this._pass.shader.setTextureSampler("frameSampler", this._sampler);
    }

    /** The buffer of the tensor the pass writes (NCHW float32); undefined before {@link configure}. */
    public get gpuTensor(): GPUBuffer | undefined {
        return this._pass.gpuTensor;
    }

    /** Sets the tensor size and channels (re-allocating only when they changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams, channels: number): void {
        this._pass.configure(width, height, packed, channels);
    }

    /** Records the dispatch into Babylon's frame; false while the shader is still compiling. */
    public dispatch(frame: InternalTexture, guides?: GuideMaps): boolean {
        this._pass.shader.setInternalTexture("frame", frame);
        // Bound either way; read only for a guide the model has.
        this._pass.shader.setInternalTexture("depthMap", guides?.depth ?? frame);
        this._pass.shader.setInternalTexture("normalMap", guides?.normal ?? frame);
        return this._pass.dispatch();
    }

    /** Maps the tensor back (Babylon copies it after the frame's commands are submitted). */
    public read(out: Float32Array): Promise<Float32Array | null> {
        return this._pass.read(out);
    }

    public dispose(): void {
        this._pass.dispose();
    }
}
