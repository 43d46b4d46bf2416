/**
 * The WebGL2 preprocess pass: a fragment shader renders the tensor (channel c in component c) into an RGBA32F target
 * of the inference size, twice as high for more than 4 channels (channels 4-7 in the upper rows). Target row 0 holds
 * tensor row 0, so a readback is in tensor order.
 */
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import { ParamNames, type PackedParams } from "../contract/shaderParams.js";
import { createDataTarget, createFullscreenEffect } from "../gpu/fullscreenPass.js";
import { PreprocessGlsl } from "./preprocessShaders.js";
import type { GuideMaps } from "../capture/frameCapture.js";

export class WebGlPreprocess {
    private readonly _renderer: EffectRenderer;
    private readonly _wrapper: EffectWrapper;
    private _target: RenderTargetWrapper | undefined;
    private _packed: PackedParams | undefined;
    private _frame: InternalTexture | undefined;
    private _guides: GuideMaps | undefined;
    private _width = 0;
    private _rows = 0;

    public constructor(private readonly _engine: Engine) {
        ({ renderer: this._renderer, wrapper: this._wrapper } = createFullscreenEffect(_engine, {
            name: "stylizePreprocess",
            glsl: PreprocessGlsl,
            uniforms: [...ParamNames],
            samplers: ["textureSampler", "depthSampler", "normalSampler"],
        }));
        this._wrapper.onApplyObservable.add(() => {
            const effect = this._wrapper.effect;
            if (this._frame) {
                effect._bindTexture("textureSampler", this._frame);
                // Bound either way; read only for a guide the model has.
                effect._bindTexture("depthSampler", this._guides?.depth ?? this._frame);
                effect._bindTexture("normalSampler", this._guides?.normal ?? this._frame);
            }
            ParamNames.forEach((name, i) => {
                const v = this._packed![i];
                effect.setFloat4(name, v[0], v[1], v[2], v[3]);
            });
        });
    }

    /** The float target the pass renders into; undefined before {@link configure}. */
    public get target(): RenderTargetWrapper | undefined {
        return this._target;
    }

    /** Sets the tensor size and channels (re-allocating only when the target's size changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams, channels: number): void {
        this._packed = packed;
        const rows = channels > 4 ? 2 * height : height;
        if (width === this._width && rows === this._rows && this._target) {
            return;
        }
        this._target?.dispose();
        this._target = createDataTarget(this._engine, width, rows, {
            type: Constants.TEXTURETYPE_FLOAT,
            format: Constants.TEXTUREFORMAT_RGBA,
            samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
            label: "stylizeInputTensor",
        });
        [this._width, this._rows] = [width, rows];
    }

    /** Renders the pass into the float target; false while the shader is still compiling. */
    public render(frame: InternalTexture, guides?: GuideMaps): boolean {
        if (!this._target || !this._packed || !this._wrapper.isReady()) {
            return false;
        }
        [this._frame, this._guides] = [frame, guides];
        this._renderer.render(this._wrapper, this._target);
        [this._frame, this._guides] = [undefined, undefined];
        return true;
    }

    public dispose(): void {
        this._target?.dispose();
        this._target = undefined;
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
