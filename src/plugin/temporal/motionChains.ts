/**
 * One motion chain per capture whose result may still be shown (see MotionChainGlsl): a half-float RG target at the
 * frame's size holding the sum, advanced once per frame from the capture on through one scratch target shared by all
 * chains (each step renders into the scratch, which then becomes the chain's and its old target the scratch): 4 bytes a
 * pixel per capture in flight. Half floats keep a sum of 0.06 of the frame within 2^-16 of it (0.03 pixel at 1920).
 * A chain that misses a frame (the geometry pass's velocity only spans one) is dropped: its result then follows the
 * camera only.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import { createDataTarget, createFullscreenEffect } from "../gpu/fullscreenPass.js";
import { MotionChainGlsl, MotionChainSamplers, MotionChainShaderName, MotionChainUniforms, MotionChainWgsl } from "./temporalShaders.js";

interface Chain {
    target: RenderTargetWrapper;
    /** The sum is 0 (the capture frame itself): the target holds nothing yet. */
    fresh: boolean;
    /** The frame the sum reaches. */
    frameId: number;
}

/** What one step reads: the frame's geometry and camera. */
export interface ChainStep {
    frameId: number;
    depth: InternalTexture;
    velocity: InternalTexture;
    inverseProjection: Matrix;
    /** The current view to the last frame's clip space. */
    toLastClip: Matrix;
}

export class MotionChains {
    private readonly _renderer: EffectRenderer;
    private readonly _wrapper: EffectWrapper;
    private readonly _chains = new Map<number, Chain>();
    /** Targets of dropped chains, reused by new ones of the same size; the first is the scratch of every step. */
    private _spare: RenderTargetWrapper[] = [];
    private _bound: { step: ChainStep; chain: Chain } | undefined;

    public constructor(private readonly _engine: AbstractEngine) {
        ({ renderer: this._renderer, wrapper: this._wrapper } = createFullscreenEffect(_engine, {
            name: MotionChainShaderName,
            glsl: MotionChainGlsl,
            wgsl: MotionChainWgsl,
            uniforms: MotionChainUniforms,
            samplers: MotionChainSamplers,
        }));
        this._wrapper.onApplyObservable.add(() => this._bind());
    }

    private _bind(): void {
        const { step, chain } = this._bound!;
        const effect = this._wrapper.effect;
        effect._bindTexture("currentDepthSampler", step.depth);
        effect._bindTexture("velocitySampler", step.velocity);
        effect._bindTexture("previousSampler", chain.fresh ? step.depth : chain.target.texture!);
        effect.setFloat4("chain", chain.fresh ? 0 : 1, 0, chain.target.width, chain.target.height);
        effect.setMatrix("inverseProjection", step.inverseProjection);
        effect.setMatrix("toLastClip", step.toLastClip);
    }

    public isReady(): boolean {
        return this._wrapper.isReady();
    }

    /** Starts the chain of a capture made in frame `frameId` (its sum is 0 there). */
    public start(frameId: number, width: number, height: number): void {
        this.drop((id) => id === frameId);
        this._chains.set(frameId, { target: this._take(width, height), fresh: true, frameId });
    }

    /** A spare target of this size, or a new one. */
    private _take(width: number, height: number): RenderTargetWrapper {
        const index = this._spare.findIndex((target) => target.width === width && target.height === height);
        return index >= 0 ? this._spare.splice(index, 1)[0] : this._createTarget(width, height);
    }

    /** Advances every chain that reached the last frame to `step.frameId`; the others are dropped. Only when ready. */
    public advance(step: ChainStep): void {
        const { width, height } = step.depth;
        this.drop((_, chain) => chain.frameId !== step.frameId - 1 || chain.target.width !== width || chain.target.height !== height);
        for (const chain of this._chains.values()) {
            const scratch = this._take(width, height);
            this._bound = { step, chain };
            this._renderer.render(this._wrapper, scratch);
            this._spare.unshift(chain.target);
            [chain.target, chain.fresh, chain.frameId] = [scratch, false, step.frameId];
        }
        this._bound = undefined;
    }

    /** The summed own motion of capture `captureId`'s surfaces up to frame `frameId`, if its chain reaches it. */
    public sumFor(captureId: number, frameId: number): InternalTexture | undefined {
        const chain = this._chains.get(captureId);
        return chain && chain.frameId === frameId && !chain.fresh ? chain.target.texture! : undefined;
    }

    public drop(which: (captureId: number, chain: Chain) => boolean): void {
        for (const [id, chain] of this._chains) {
            if (which(id, chain)) {
                this._chains.delete(id);
                this._spare.push(chain.target);
            }
        }
        this._spare.splice(2).forEach((target) => target.dispose()); // a scratch and one for the next capture
    }

    private _createTarget(width: number, height: number): RenderTargetWrapper {
        return createDataTarget(this._engine, width, height, {
            type: Constants.TEXTURETYPE_HALF_FLOAT,
            format: Constants.TEXTUREFORMAT_RG,
            samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
            label: "stylizeMotionChain",
        });
    }

    /** Frees every target (the chains start again with the next captures). */
    public releaseTargets(): void {
        this.drop(() => true);
        this._spare.forEach((target) => target.dispose());
        this._spare = [];
    }

    public dispose(): void {
        this.releaseTargets();
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
