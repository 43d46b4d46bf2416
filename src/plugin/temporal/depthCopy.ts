/** Copies a view-space depth map (one float channel) into a target of its own, kept with a captured frame. */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { RegisterEnginesExtensionsEngineRenderTarget } from "@babylonjs/core/Engines/Extensions/engine.renderTarget.pure.js";
import { RegisterEnginesWebGPUExtensionsEngineRenderTarget } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.renderTarget.pure.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { ShaderLanguage } from "@babylonjs/core/Materials/shaderLanguage.js";
import { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";

const ShaderName = "stylizeDepthCopy";

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
        // Registered on use, not on import (a page may not have the engine kind at all).
        (_engine.isWebGPU ? RegisterEnginesWebGPUExtensionsEngineRenderTarget : RegisterEnginesExtensionsEngineRenderTarget)();
        ShaderStore.ShadersStore[`${ShaderName}FragmentShader`] = CopyGlsl;
        ShaderStore.ShadersStoreWGSL[`${ShaderName}FragmentShader`] = CopyWgsl;
        this._renderer = new EffectRenderer(_engine);
        this._wrapper = new EffectWrapper({
            engine: _engine,
            name: ShaderName,
            fragmentShader: ShaderName,
            useShaderStore: true,
            samplerNames: ["depthSampler"],
            shaderLanguage: _engine.isWebGPU ? ShaderLanguage.WGSL : ShaderLanguage.GLSL,
        });
        this._wrapper.onApplyObservable.add(() => this._wrapper.effect._bindTexture("depthSampler", this._source!));
    }

    public isReady(): boolean {
        return this._wrapper.isReady();
    }

    /** Copies `source` into `target` (same size) or into a new target, which is returned. Only when {@link isReady}. */
    public copy(source: InternalTexture, target?: RenderTargetWrapper): RenderTargetWrapper {
        target ??= this._engine.createRenderTargetTexture(
            { width: source.width, height: source.height },
            {
                type: Constants.TEXTURETYPE_FLOAT,
                format: Constants.TEXTUREFORMAT_R,
                generateMipMaps: false,
                generateDepthBuffer: false,
                generateStencilBuffer: false,
                samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                label: "stylizeResultDepth",
            }
        );
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
