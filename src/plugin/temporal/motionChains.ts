/**
 * One motion chain per capture whose result may still be shown (see MotionChainGlsl): two float RG targets at the
 * frame's size, ping-ponged, advanced once per frame from the capture on. A chain that misses a frame (the geometry
 * pass's velocity only spans one) is dropped: its result then follows the camera only.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { ShaderLanguage } from "@babylonjs/core/Materials/shaderLanguage.js";
import { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import { MotionChainGlsl, MotionChainSamplers, MotionChainShaderName, MotionChainUniforms, MotionChainWgsl } from "./temporalShaders.js";

interface Chain {
    targets: RenderTargetWrapper[];
    /** Index of the target holding the sum; -1 while the sum is 0 (the capture frame itself). */
    current: number;
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
    /** Target pairs of dropped chains, reused by new ones of the same size. */
    private _spare: RenderTargetWrapper[][] = [];
    private _bound: { step: ChainStep; chain: Chain } | undefined;

    public constructor(private readonly _engine: AbstractEngine) {
        ShaderStore.ShadersStore[`${MotionChainShaderName}FragmentShader`] = MotionChainGlsl;
        ShaderStore.ShadersStoreWGSL[`${MotionChainShaderName}FragmentShader`] = MotionChainWgsl;
        this._renderer = new EffectRenderer(_engine);
        this._wrapper = new EffectWrapper({
            engine: _engine,
            name: MotionChainShaderName,
            fragmentShader: MotionChainShaderName,
            useShaderStore: true,
            uniformNames: MotionChainUniforms,
            samplerNames: MotionChainSamplers,
            shaderLanguage: _engine.isWebGPU ? ShaderLanguage.WGSL : ShaderLanguage.GLSL,
        });
        this._wrapper.onApplyObservable.add(() => this._bind());
    }

    private _bind(): void {
        const { step, chain } = this._bound!;
        const effect = this._wrapper.effect;
        const carried = chain.current >= 0;
        const target = chain.targets[1 - Math.max(chain.current, 0)];
        effect._bindTexture("currentDepthSampler", step.depth);
        effect._bindTexture("velocitySampler", step.velocity);
        effect._bindTexture("previousSampler", carried ? chain.targets[chain.current].texture! : step.depth);
        effect.setFloat4("chain", carried ? 1 : 0, 0, target.width, target.height);
        effect.setMatrix("inverseProjection", step.inverseProjection);
        effect.setMatrix("toLastClip", step.toLastClip);
    }

    public isReady(): boolean {
        return this._wrapper.isReady();
    }

    /** Starts the chain of a capture made in frame `frameId` (its sum is 0 there). */
    public start(frameId: number, width: number, height: number): void {
        this.drop((id) => id === frameId);
        const index = this._spare.findIndex((pair) => pair[0].width === width && pair[0].height === height);
        const targets = index >= 0 ? this._spare.splice(index, 1)[0] : [0, 1].map(() => this._createTarget(width, height));
        this._chains.set(frameId, { targets, current: -1, frameId });
    }

    /** Advances every chain that reached the last frame to `step.frameId`; the others are dropped. Only when ready. */
    public advance(step: ChainStep): void {
        this.drop(
            (_, chain) => chain.frameId !== step.frameId - 1 || chain.targets[0].width !== step.depth.width || chain.targets[0].height !== step.depth.height
        );
        for (const chain of this._chains.values()) {
            this._bound = { step, chain };
            const next = 1 - Math.max(chain.current, 0);
            this._renderer.render(this._wrapper, chain.targets[next]);
            [chain.current, chain.frameId] = [next, step.frameId];
        }
        this._bound = undefined;
    }

    /** The summed own motion of capture `captureId`'s surfaces up to frame `frameId`, if its chain reaches it. */
    public sumFor(captureId: number, frameId: number): InternalTexture | undefined {
        const chain = this._chains.get(captureId);
        return chain && chain.frameId === frameId && chain.current >= 0 ? chain.targets[chain.current].texture! : undefined;
    }

    public drop(which: (captureId: number, chain: Chain) => boolean): void {
        for (const [id, chain] of this._chains) {
            if (which(id, chain)) {
                this._chains.delete(id);
                this._spare.push(chain.targets);
            }
        }
        while (this._spare.length > 2) {
            this._spare.shift()!.forEach((target) => target.dispose());
        }
    }

    private _createTarget(width: number, height: number): RenderTargetWrapper {
        const caps = this._engine.getCaps();
        return this._engine.createRenderTargetTexture(
            { width, height },
            {
                type: caps.textureFloatRender ? Constants.TEXTURETYPE_FLOAT : Constants.TEXTURETYPE_HALF_FLOAT,
                format: Constants.TEXTUREFORMAT_RG,
                generateMipMaps: false,
                generateDepthBuffer: false,
                generateStencilBuffer: false,
                samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                label: "stylizeMotionChain",
            }
        );
    }

    /** Frees every target (the chains start again with the next captures). */
    public releaseTargets(): void {
        this.drop(() => true);
        this._spare.forEach((pair) => pair.forEach((target) => target.dispose()));
        this._spare = [];
    }

    public dispose(): void {
        this.releaseTargets();
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
