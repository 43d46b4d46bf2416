/** Copies a view-space depth map (one float channel) into a target of its own, kept with a captured frame. */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import { createDataTarget, createFullscreenEffect } from "../gpu/fullscreenPass.js";

const CopyGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D depthSampler;
void main(void) {
  gl_FragColor = vec4(texture2D(depthSampler, vUV).r, 0.0, 0.0, 1.0);
}
`;

const CopyWgsl = /* wgsl */ `
varying vUV: vec2f;
var depthSamplerSampler: sampler;
var depthSampler: texture_2d<f32>;
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  fragmentOutputs.color = vec4f(textureSampleLevel(depthSampler, depthSamplerSampler, input.vUV, 0.0).r, 0.0, 0.0, 1.0);
}
`;

export class DepthCopy {
    private readonly _renderer: EffectRenderer;
    private readonly _wrapper: EffectWrapper;
    private _source: InternalTexture | undefined;

    public constructor(private readonly _engine: AbstractEngine) {
        ({ renderer: this._renderer, wrapper: this._wrapper } = createFullscreenEffect(_engine, {
            name: "stylizeDepthCopy",
            glsl: CopyGlsl,
            wgsl: CopyWgsl,
            samplers: ["depthSampler"],
        }));
        this._wrapper.onApplyObservable.add(() => this._wrapper.effect._bindTexture("depthSampler", this._source!));
    }

    public isReady(): boolean {
        return this._wrapper.isReady();
    }

    /** Copies `source` into `target` (same size) or into a new target, which is returned. Only when {@link isReady}. */
    public copy(source: InternalTexture, target?: RenderTargetWrapper): RenderTargetWrapper {
        target ??= createDataTarget(this._engine, source.width, source.height, {
            type: Constants.TEXTURETYPE_FLOAT,
            format: Constants.TEXTUREFORMAT_R,
            samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
            label: "stylizeResultDepth",
        });
        this._source = source;
        this._renderer.render(this._wrapper, target);
        this._source = undefined;
        return target;
    }

    public dispose(): void {
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
