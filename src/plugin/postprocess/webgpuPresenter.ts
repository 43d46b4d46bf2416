/**
 * WebGPU postprocess: a compute shader turns the NCHW output tensor (a storage buffer onnxruntime writes into) into an
 * RGBA8 storage texture that the composite samples. Nothing leaves the GPU.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import { RegisterEnginesWebGPUExtensionsEngineComputeShader } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.computeShader.pure.js";
import { ComputeShader } from "@babylonjs/core/Compute/computeShader.pure.js";
import type { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { createParamsBuffer, createTensorBuffer, gpuBufferOf, updateParamsBuffer } from "../gpu/gpuBuffers.js";
import type { FramePresenter } from "./framePresenter.js";
import { PostprocessWgsl } from "./postprocessShaders.js";

export class WebGpuPresenter implements FramePresenter {
    private readonly _shader: ComputeShader;
    private readonly _params: UniformBuffer;
    private _tensor: StorageBuffer | undefined;
    private _texture: RawTexture | undefined;
    private _width = 0;
    private _height = 0;

    public constructor(
        private readonly _engine: WebGPUEngine,
        private readonly _scene: Scene
    ) {
        RegisterEnginesWebGPUExtensionsEngineComputeShader();
        const bindingsMapping = { tensor: { group: 0, binding: 0 }, image: { group: 0, binding: 1 }, params: { group: 0, binding: 2 } };
        this._shader = new ComputeShader("stylizePostprocess", _engine, { computeSource: PostprocessWgsl }, { bindingsMapping });
        this._params = createParamsBuffer(_engine, "stylizePostprocessParams");
        this._shader.setUniformBuffer("params", this._params);
    }

    /** The output tensor buffer onnxruntime writes into; undefined before {@link configure}. */
    public get gpuTensor(): GPUBuffer | undefined {
        return this._tensor && gpuBufferOf(this._tensor);
    }

    public get texture(): RawTexture | undefined {
        return this._texture;
    }

    /** Sets the tensor size (re-allocating only when it changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams): void {
        if (width !== this._width || height !== this._height || !this._tensor) {
            this._tensor?.dispose();
            this._tensor = createTensorBuffer(this._engine, width, height, "stylizeOutputTensor");
            this._shader.setStorageBuffer("tensor", this._tensor);
            this._width = width;
            this._height = height;
        }
        updateParamsBuffer(this._params, packed);
    }

    /** Records the postprocess dispatch; false while the shader is still compiling. */
    public present(): boolean {
        if (!this._tensor) {
            return false;
        }
        if (!this._texture || this._texture.getSize().width !== this._width || this._texture.getSize().height !== this._height) {
            this._texture?.dispose();
            this._texture = new RawTexture(
                null,
                this._width,
                this._height,
                Constants.TEXTUREFORMAT_RGBA,
                this._scene,
                false,
                false,
                Constants.TEXTURE_BILINEAR_SAMPLINGMODE,
                Constants.TEXTURETYPE_UNSIGNED_BYTE,
                Constants.TEXTURE_CREATIONFLAG_STORAGE
            );
            this._texture.name = "stylizedImage";
            this._shader.setStorageTexture("image", this._texture);
        }
        return this._shader.dispatch(Math.ceil(this._width / 8), Math.ceil(this._height / 8), 1);
    }

    /** Reads the output tensor (NCHW) back to the CPU, for tests, statistics and diagnosis. */
    public async readOutput(): Promise<Float32Array | undefined> {
        if (!this._tensor) {
            return undefined;
        }
        const out = new Float32Array(3 * this._width * this._height);
        await this._tensor.read(0, out.byteLength, out);
        return out;
    }

    public dispose(): void {
        this._tensor?.dispose();
        this._tensor = undefined;
        this._texture?.dispose();
        this._texture = undefined;
        this._params.dispose();
    }
}
