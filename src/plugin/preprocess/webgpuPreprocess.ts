/**
 * The WebGPU preprocess pass: a compute shader samples the frame texture and writes the NCHW tensor into a storage
 * buffer, recorded into Babylon's frame so it runs right after the scene.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { RegisterEnginesWebGPUExtensionsEngineComputeShader } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.computeShader.pure.js";
import { ComputeShader } from "@babylonjs/core/Compute/computeShader.pure.js";
import type { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import type { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import { TextureSampler } from "@babylonjs/core/Materials/Textures/textureSampler.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { createParamsBuffer, createTensorBuffer, updateParamsBuffer } from "../gpu/gpuBuffers.js";
import { PreprocessWgsl } from "./preprocessShaders.js";

export class WebGpuPreprocess {
    private readonly _shader: ComputeShader;
    private readonly _params: UniformBuffer;
    private readonly _sampler = new TextureSampler();
    private _tensor: StorageBuffer | undefined;
    private _width = 0;
    private _height = 0;

    public constructor(private readonly _engine: WebGPUEngine) {
        // Babylon's pure modules register on use, not on import; the WebGPU engine does not load its compute extension.
        RegisterEnginesWebGPUExtensionsEngineComputeShader();
        const bindingsMapping = {
            frameSampler: { group: 0, binding: 0 },
            frame: { group: 0, binding: 1 },
            tensor: { group: 0, binding: 2 },
            params: { group: 0, binding: 3 },
        };
        this._shader = new ComputeShader("stylizePreprocess", _engine, { computeSource: PreprocessWgsl }, { bindingsMapping });
        this._params = createParamsBuffer(_engine, "stylizePreprocessParams");
        this._sampler.setParameters(
            Constants.TEXTURE_CLAMP_ADDRESSMODE,
            Constants.TEXTURE_CLAMP_ADDRESSMODE,
            Constants.TEXTURE_CLAMP_ADDRESSMODE,
            1,
            Constants.TEXTURE_BILINEAR_SAMPLINGMODE
        );
        this._shader.setTextureSampler("frameSampler", this._sampler);
        this._shader.setUniformBuffer("params", this._params);
    }

    /** The tensor the pass writes, NCHW float32 of the configured size; undefined before {@link configure}. */
    public get tensor(): StorageBuffer | undefined {
        return this._tensor;
    }

    /** Sets the tensor size (re-allocating only when it changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams): void {
        if (width !== this._width || height !== this._height || !this._tensor) {
            this._tensor?.dispose();
            this._tensor = createTensorBuffer(this._engine, width, height, "stylizeInputTensor");
            this._shader.setStorageBuffer("tensor", this._tensor);
            this._width = width;
            this._height = height;
        }
        updateParamsBuffer(this._params, packed);
    }

    /** Records the dispatch into Babylon's frame; false while the shader is still compiling. */
    public dispatch(frame: InternalTexture): boolean {
        if (!this._tensor) {
            return false;
        }
        this._shader.setInternalTexture("frame", frame);
        return this._shader.dispatch(Math.ceil(this._width / 8), Math.ceil(this._height / 8), 1);
    }

    public dispose(): void {
        this._tensor?.dispose();
        this._tensor = undefined;
        this._params.dispose();
    }
}
