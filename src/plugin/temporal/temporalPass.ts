/**
 * Runs the temporal shader (see temporalShaders.ts) into one of two float targets at the frame's size; the other holds
 * the last frame's output, read back as the history. 32-bit where the engine can render and filter it: a history
 * weight h stalls once a step is below half a unit of the last place, i.e. within 2^-12 / (1 - h) of the result in
 * half floats (3 levels of 255 at h = 0.98), within 2^-25 / (1 - h) in 32-bit floats.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import { createDataTarget, createFullscreenEffect } from "../gpu/fullscreenPass.js";
import { TemporalGlsl, TemporalSamplers, TemporalShaderName, TemporalUniforms, TemporalWgsl } from "./temporalShaders.js";

/** One run of the pass: the result to show and how it and the history are warped (identity matrices: no warp). */
export interface TemporalInput {
    result: BaseTexture;
    resultSize: { width: number; height: number };
    currentDepth: InternalTexture;
    /**
     * Where the result was captured (its depth, and the current view to its clip and view space); `moved` false: the
     * camera has not moved since, the result is sampled where each pixel is. Undefined: no depth test either.
     */
    resultWarp?: { depth: InternalTexture; depthSize: { width: number; height: number }; toClip: Matrix; toView: Matrix; moved: boolean };
    /**
     * Objects' own motion: this frame's velocity, the current view to the last frame's clip space, and the shown
     * result's motion chain (its surfaces' own motion since the capture) when there is one.
     */
    motion?: { velocity: InternalTexture; toLastClip: Matrix; chain?: InternalTexture };
    inverseProjection: Matrix;
    backgroundZ: number;
    /** Weight of the history (0: none); `toClip` undefined takes it where each pixel is (camera unmoved). */
    history: { weight: number; toClip?: Matrix };
}

export class TemporalPass {
    private readonly _renderer: EffectRenderer;
    private readonly _wrapper: EffectWrapper;
    private _targets: RenderTargetWrapper[] = [];
    /** Index of the target written last (the history of the next run). */
    private _last = 0;
    private _input: TemporalInput | undefined;
    private readonly _type: number;

    public constructor(private readonly _engine: AbstractEngine) {
        ({ renderer: this._renderer, wrapper: this._wrapper } = createFullscreenEffect(_engine, {
            name: TemporalShaderName,
            glsl: TemporalGlsl,
            wgsl: TemporalWgsl,
            uniforms: TemporalUniforms,
            samplers: TemporalSamplers,
        }));
        this._wrapper.onApplyObservable.add(() => this._bind());
        const caps = _engine.getCaps();
        this._type = caps.textureFloatRender && caps.textureFloatLinearFiltering ? Constants.TEXTURETYPE_FLOAT : Constants.TEXTURETYPE_HALF_FLOAT;
    }

    private _bind(): void {
        const input = this._input!;
        const effect = this._wrapper.effect;
        const history = this._targets[this._last];
        const warp = input.resultWarp;
        effect.setTexture("resultSampler", input.result);
        effect._bindTexture("historySampler", history.texture!);
        effect._bindTexture("currentDepthSampler", input.currentDepth);
        effect._bindTexture("resultDepthSampler", warp?.depth ?? input.currentDepth);
        effect._bindTexture("velocitySampler", input.motion?.velocity ?? input.currentDepth);
        effect._bindTexture("chainSampler", input.motion?.chain ?? input.currentDepth);
        effect.setFloat4("modes", warp ? (warp.moved ? 2 : 1) : 0, input.history.weight, input.history.toClip ? 1 : 0, input.backgroundZ);
        const depthSize = warp?.depthSize ?? { width: 1, height: 1 };
        effect.setFloat4("sizes", depthSize.width, depthSize.height, input.resultSize.width, input.resultSize.height);
        effect.setFloat4("historySize", history.width, history.height, 0, 0);
        effect.setFloat4("motion", input.motion?.chain ? 1 : 0, input.motion ? 1 : 0, history.width, history.height);
        effect.setMatrix("toLastClip", input.motion?.toLastClip ?? Matrix.IdentityReadOnly);
        effect.setMatrix("inverseProjection", input.inverseProjection);
        effect.setMatrix("toResultClip", warp?.toClip ?? Matrix.IdentityReadOnly);
        effect.setMatrix("toResultView", warp?.toView ?? Matrix.IdentityReadOnly);
        effect.setMatrix("toHistoryClip", input.history.toClip ?? Matrix.IdentityReadOnly);
    }

    /** The target written last (the output of the last run), if any. */
    public get lastTarget(): RenderTargetWrapper | undefined {
        return this._targets[this._last];
    }

    public isReady(): boolean {
        return this._wrapper.isReady();
    }

    /**
     * Renders the pass at `width` x `height` and returns the texture written (rgb to show, a its weight over the
     * frame). False `historyKept` means the targets were (re)made: there is no history, whatever `input` says.
     */
    public render(input: TemporalInput, width: number, height: number): { output: InternalTexture; historyKept: boolean } {
        const historyKept = this._targets.length === 2 && this._targets[0].width === width && this._targets[0].height === height;
        if (!historyKept) {
            this._targets.forEach((target) => target.dispose());
            this._targets = [0, 1].map(() => this._createTarget(width, height));
        }
        this._input = historyKept ? input : { ...input, history: { weight: 0 } };
        const target = this._targets[1 - this._last];
        this._renderer.render(this._wrapper, target);
        this._input = undefined;
        this._last = 1 - this._last;
        return { output: target.texture!, historyKept };
    }

    private _createTarget(width: number, height: number): RenderTargetWrapper {
        return createDataTarget(this._engine, width, height, {
            type: this._type,
            format: Constants.TEXTUREFORMAT_RGBA,
            samplingMode: Constants.TEXTURE_BILINEAR_SAMPLINGMODE,
            label: "stylizeTemporal",
        });
    }

    /** Frees the two targets (the next run makes them again): the pass waits, idle, for another filter. */
    public releaseTargets(): void {
        this._targets.forEach((target) => target.dispose());
        this._targets = [];
    }

    public dispose(): void {
        this.releaseTargets();
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
