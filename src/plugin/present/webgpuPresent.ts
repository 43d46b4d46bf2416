/**
 * WebGPU postprocess: a compute shader turns the NCHW output tensor (a storage buffer onnxruntime writes into) into an
 * RGBA8 storage texture that the composite samples. Nothing leaves the GPU.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import "@babylonjs/core/Engines/WebGPU/Extensions/engine.computeShader.js";
import { ComputeShader } from "@babylonjs/core/Compute/computeShader.js";
import { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import { PostprocessWgsl, type PackedParams } from "../contract/shaders.js";
import { createParamsBuffer, updateParamsBuffer } from "../capture/webgpuCapture.js";

export class WebGpuPresent {
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
        this._shader = new ComputeShader(
            "stylizePostprocess",
            _engine,
            { computeSource: PostprocessWgsl },
            { bindingsMapping: { tensor: { group: 0, binding: 0 }, image: { group: 0, binding: 1 }, params: { group: 0, binding: 2 } } }
        );
        this._params = createParamsBuffer(_engine, "stylizePostprocessParams");
        this._shader.setUniformBuffer("params", this._params);
    }

    /** The output tensor buffer onnxruntime writes into. */
    public get tensorBuffer(): StorageBuffer {
        if (!this._tensor) {
            throw new Error("WebGpuPresent used before resize()");
        }
        return this._tensor;
    }

    /** The stylized image, row 0 = top. Kept across resizes until the next result so no black frame shows. */
    public get texture(): RawTexture | undefined {
        return this._texture;
    }

    public resize(width: number, height: number): void {
        if (width === this._width && height === this._height && this._tensor) {
            return;
        }
        this._tensor?.dispose();
        this._tensor = new StorageBuffer(this._engine, 3 * width * height * 4, Constants.BUFFER_CREATIONFLAG_READWRITE, "stylizeOutputTensor");
        this._shader.setStorageBuffer("tensor", this._tensor);
        this._width = width;
        this._height = height;
    }

    public setParams(packed: PackedParams): void {
        updateParamsBuffer(this._params, packed);
    }

    /** Records the postprocess dispatch; false while the shader is still compiling. */
    public dispatch(): boolean {
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

    public dispose(): void {
        this._tensor?.dispose();
        this._tensor = undefined;
        this._texture?.dispose();
        this._texture = undefined;
        this._params.dispose();
    }
}
