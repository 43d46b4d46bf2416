/**
 * CPU postprocess + upload, for the readback paths: the CPU reference turns the output tensor into RGBA bytes
 * (row 0 = top) and they are uploaded into an RGBA8 texture. Works on both engines.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { postprocessTensor } from "../contract/cpuReference.js";
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import type { FramePresenter } from "./framePresenter.js";

export class TexturePresenter implements FramePresenter {
    private _texture: RawTexture | undefined;
    private _rgba = new Uint8Array(0);
    private _pending = false;
    private _output: Float32Array | undefined;

    public constructor(private readonly _scene: Scene) {}

    public get texture(): RawTexture | undefined {
        return this._texture;
    }

    /** The last output tensor given to {@link prepare}, NCHW. */
    public get output(): Float32Array | undefined {
        return this._output;
    }

    /** Converts the output to bytes now (off the render path); the upload happens in {@link present}. */
    public prepare(tensor: Float32Array, width: number, height: number, params: PreprocessParams): void {
        this._output = tensor;
        if (this._rgba.length !== width * height * 4) {
            this._rgba = new Uint8Array(width * height * 4);
        }
        postprocessTensor(tensor, width, height, params, this._rgba);
        if (!this._texture || this._texture.getSize().width !== width || this._texture.getSize().height !== height) {
            this._texture?.dispose();
            this._texture = new RawTexture(
                null,
                width,
                height,
                Constants.TEXTUREFORMAT_RGBA,
                this._scene,
                false,
                false,
                Constants.TEXTURE_BILINEAR_SAMPLINGMODE,
                Constants.TEXTURETYPE_UNSIGNED_BYTE
            );
            this._texture.name = "stylizedImage";
        }
        this._pending = true;
    }

    public present(): boolean {
        if (!this._pending || !this._texture) {
            return false;
        }
        this._texture.update(this._rgba);
        this._pending = false;
        return true;
    }

    public dispose(): void {
        this._texture?.dispose();
        this._texture = undefined;
    }
}
