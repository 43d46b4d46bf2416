/**
 * WebGPU postprocess: a compute shader turns the NCHW output tensor (a storage buffer onnxruntime writes into) into an
 * RGBA8 storage texture that the composite samples. Nothing leaves the GPU.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { TensorComputePass } from "../gpu/tensorComputePass.js";
import type { FramePresenter } from "./framePresenter.js";
import { PostprocessWgsl } from "./postprocessShaders.js";

export class WebGpuPresenter implements FramePresenter {
    private readonly _pass: TensorComputePass;
    private _texture: RawTexture | undefined;

    public constructor(
        engine: WebGPUEngine,
        private readonly _scene: Scene
    ) {
        this._pass = new TensorComputePass(engine, {
            name: "stylizePostprocess",
            source: PostprocessWgsl,
            bindingsMapping: { tensor: { group: 0, binding: 0 }, image: { group: 0, binding: 1 }, params: { group: 0, binding: 2 } },
            tensorLabel: "stylizeOutputTensor",
        });
    }

    /** The output tensor buffer onnxruntime writes into; undefined before {@link configure}. */
    public get gpuTensor(): GPUBuffer | undefined {
        return this._pass.gpuTensor;
    }

    public get texture(): RawTexture | undefined {
        return this._texture;
    }

    /** Sets the tensor size (re-allocating only when it changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams): void {
        this._pass.configure(width, height, packed);
    }

    /** Records the postprocess dispatch; false while the shader is still compiling. */
    public present(): boolean {
        const { width, height, gpuTensor } = this._pass;
        if (!gpuTensor) {
            return false;
        }
        if (!this._texture || this._texture.getSize().width !== width || this._texture.getSize().height !== height) {
            this._texture?.dispose();
            const { TEXTUREFORMAT_RGBA, TEXTURE_BILINEAR_SAMPLINGMODE, TEXTURETYPE_UNSIGNED_BYTE, TEXTURE_CREATIONFLAG_STORAGE } = Constants;
            this._texture = new RawTexture(
                null,
                width,
                height,
                TEXTUREFORMAT_RGBA,
                this._scene,
                false,
                false,
                TEXTURE_BILINEAR_SAMPLINGMODE,
                TEXTURETYPE_UNSIGNED_BYTE,
                TEXTURE_CREATIONFLAG_STORAGE
            );
            this._texture.name = "stylizedImage";
            this._pass.shader.setStorageTexture("image", this._texture);
        }
        return this._pass.dispatch();
    }

    /** Reads the output tensor (NCHW) back to the CPU, for tests, statistics and diagnosis. */
    public async readOutput(): Promise<Float32Array | undefined> {
        return (await this._pass.read(new Float32Array(3 * this._pass.width * this._pass.height))) ?? undefined;
    }

    public dispose(): void {
        this._pass.dispose();
        this._texture?.dispose();
        this._texture = undefined;
    }
}
