/**
 * WebGPU capture + preprocess: a compute shader samples the frame texture and writes the NCHW tensor into a storage
 * buffer that onnxruntime reads directly (zero-copy), or that is mapped for a CPU execution provider.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import "@babylonjs/core/Engines/WebGPU/Extensions/engine.computeShader.js";
import { ComputeShader } from "@babylonjs/core/Compute/computeShader.js";
import { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import { TextureSampler } from "@babylonjs/core/Materials/Textures/textureSampler.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import { ParamNames, PreprocessWgsl, type PackedParams } from "../contract/shaders.js";

/** A uniform buffer holding the five vec4 of {@link PackedParams}; shared by the WebGPU compute shaders. */
export function createParamsBuffer(engine: WebGPUEngine, name: string): UniformBuffer {
    const ubo = new UniformBuffer(engine, undefined, false, name);
    for (const n of ParamNames) {
        ubo.addUniform(n, 4);
    }
    return ubo;
}

export function updateParamsBuffer(ubo: UniformBuffer, packed: PackedParams): void {
    ParamNames.forEach((n, i) => ubo.updateFloat4(n, packed[i][0], packed[i][1], packed[i][2], packed[i][3]));
    ubo.update();
}

export class WebGpuCapture {
    private readonly _shader: ComputeShader;
    private readonly _params: UniformBuffer;
    private readonly _sampler = new TextureSampler();
    private _tensor: StorageBuffer | undefined;
    private _width = 0;
    private _height = 0;

    public constructor(private readonly _engine: WebGPUEngine) {
        this._shader = new ComputeShader(
            "stylizePreprocess",
            _engine,
            { computeSource: PreprocessWgsl },
            {
                bindingsMapping: {
                    frameSampler: { group: 0, binding: 0 },
                    frame: { group: 0, binding: 1 },
                    tensor: { group: 0, binding: 2 },
                    params: { group: 0, binding: 3 },
                },
            }
        );
        this._params = createParamsBuffer(_engine, "stylizePreprocessParams");
        this._sampler.setParameters(Constants.TEXTURE_CLAMP_ADDRESSMODE, Constants.TEXTURE_CLAMP_ADDRESSMODE, Constants.TEXTURE_CLAMP_ADDRESSMODE, 1, Constants.TEXTURE_BILINEAR_SAMPLINGMODE);
        this._shader.setTextureSampler("frameSampler", this._sampler);
        this._shader.setUniformBuffer("params", this._params);
    }

    /** The tensor buffer, NCHW float32 of the current size. */
    public get tensorBuffer(): StorageBuffer {
        if (!this._tensor) {
            throw new Error("WebGpuCapture used before resize()");
        }
        return this._tensor;
    }

    public resize(width: number, height: number): void {
        if (width === this._width && height === this._height && this._tensor) {
            return;
        }
        this._tensor?.dispose();
        this._tensor = new StorageBuffer(this._engine, 3 * width * height * 4, Constants.BUFFER_CREATIONFLAG_READWRITE, "stylizeInputTensor");
        this._shader.setStorageBuffer("tensor", this._tensor);
        this._width = width;
        this._height = height;
    }

    public setParams(packed: PackedParams): void {
        updateParamsBuffer(this._params, packed);
    }

    /** Records the preprocessing dispatch into Babylon's frame; false while the shader is still compiling. */
    public dispatch(frame: InternalTexture): boolean {
        this._shader.setInternalTexture("frame", frame);
        return this._shader.dispatch(Math.ceil(this._width / 8), Math.ceil(this._height / 8), 1);
    }

    /** Copies the tensor back to the CPU (readback pipelines only); call right after {@link dispatch}. */
    public async read(out: Float32Array): Promise<Float32Array> {
        await this.tensorBuffer.read(0, out.byteLength, out);
        return out;
    }

    public dispose(): void {
        this._tensor?.dispose();
        this._tensor = undefined;
        this._params.dispose();
    }
}
