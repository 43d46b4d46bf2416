/**
 * The composite: draws the scene frame and the stylized image according to the view mode, in the thin/full style of
 * Babylon's post processes. The thin part needs only an engine (testable without a scene); the full part attaches it to
 * a camera.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { ShaderLanguage } from "@babylonjs/core/Materials/shaderLanguage.js";
import { EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.pure.js";
import type { StylizationView } from "../options.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import { CompositeGlsl, CompositeShaderName, CompositeWgsl } from "./compositeShaders.js";
import { DisplayMapping, type FrameMapping } from "../contract/frameMapping.js";

const ViewIndex: Record<StylizationView, number> = { stylized: 0, original: 1, split: 2, difference: 3, mask: 4 };

/** Engine-only composite: holds the display settings and binds them with the stylized image. */
export class ThinStylizationComposite extends EffectWrapper {
    public static readonly FragmentName = CompositeShaderName;
    public static readonly Uniforms = ["settings", "sources"];
    public static readonly Samplers = ["stylizedSampler", "temporalSampler", "maskSampler"];

    /** Blend between the original (0) and stylized (1) frame. */
    public blend = 1;
    public view: StylizationView = "stylized";
    /** Divider of the split view, 0..1 from the left. */
    public splitPosition = 0.5;
    /** The stylized image (row 0 at the top); undefined shows the original frame. */
    public stylized: BaseTexture | undefined;
    /** The temporal pass's output for this frame (the result warped and stabilized), shown instead of `stylized`. */
    public temporal: InternalTexture | undefined;
    /** The selection mask for this frame (R: how much of the stylized image shows); undefined: all of it. */
    public mask: InternalTexture | undefined;
    /** How the frame is displayed: the stylized image is mapped back to it (linear light before image processing). */
    public mapping: FrameMapping = DisplayMapping;
    private readonly _placeholder: RawTexture;

    public constructor(name: string, engine: AbstractEngine) {
        // Both languages ship, so Babylon never fetches its GLSL->WGSL compiler at run time on WebGPU.
        ShaderStore.ShadersStore[`${CompositeShaderName}FragmentShader`] = CompositeGlsl;
        ShaderStore.ShadersStoreWGSL[`${CompositeShaderName}FragmentShader`] = CompositeWgsl;
        super({
            name,
            engine,
            useShaderStore: true,
            useAsPostProcess: true,
            fragmentShader: ThinStylizationComposite.FragmentName,
            uniforms: [...ThinStylizationComposite.Uniforms],
            samplers: [...ThinStylizationComposite.Samplers],
            shaderLanguage: engine.isWebGPU ? ShaderLanguage.WGSL : ShaderLanguage.GLSL,
        });
        this._placeholder = new RawTexture(
            new Uint8Array([0, 0, 0, 255]),
            1,
            1,
            Constants.TEXTUREFORMAT_RGBA,
            engine,
            false,
            false,
            Constants.TEXTURE_NEAREST_SAMPLINGMODE
        );
        this._placeholder.name = "stylizePlaceholder";
    }

    public override bind(noDefaultBindings = false): void {
        super.bind(noDefaultBindings);
        const effect = this.drawWrapper.effect!;
        effect.setTexture("stylizedSampler", this.stylized ?? this._placeholder);
        effect.setFloat4("settings", this.blend, ViewIndex[this.view], this.splitPosition, this.stylized ? 1 : 0);
        for (const [sampler, texture] of [["temporalSampler", this.temporal] as const, ["maskSampler", this.mask] as const]) {
            if (texture) {
                effect._bindTexture(sampler, texture);
            } else {
                effect.setTexture(sampler, this._placeholder);
            }
        }
        effect.setFloat4("sources", this.temporal ? 1 : 0, this.mask ? 1 : 0, this.mapping.mode, this.mapping.exposure);
    }

    /** Back to the defaults, showing the original frame. */
    public reset(): void {
        Object.assign(this, {
            blend: 1,
            view: "stylized",
            splitPosition: 0.5,
            stylized: undefined,
            temporal: undefined,
            mask: undefined,
            mapping: DisplayMapping,
        });
    }

    public override dispose(): void {
        super.dispose();
        this._placeholder.dispose();
    }
}

/**
 * Composites kept for reuse, per engine. Babylon's WebGPU engine never frees the leftover uniform buffer of a post
 * process's effect when the effect goes (one 32-byte GPU buffer per enable/disable cycle), so a composite, effect
 * included, outlives its post process and serves the next one. The engine's disposal frees them.
 */
const idleComposites = new WeakMap<AbstractEngine, ThinStylizationComposite[]>();

function acquireComposite(engine: AbstractEngine): ThinStylizationComposite {
    let idle = idleComposites.get(engine);
    if (!idle) {
        idle = [];
        idleComposites.set(engine, idle);
        engine.onDisposeObservable.addOnce(() => {
            idleComposites.get(engine)?.forEach((composite) => composite.dispose());
            idleComposites.delete(engine);
        });
    }
    return idle.pop() ?? new ThinStylizationComposite("stylizeComposite", engine);
}

function releaseComposite(engine: AbstractEngine, composite: ThinStylizationComposite): void {
    composite.reset();
    const idle = idleComposites.get(engine);
    if (idle) {
        idle.push(composite);
    } else {
        composite.dispose(); // the engine is gone
    }
}

/** The composite as a post process of a camera. */
export class StylizationPostProcess extends PostProcess {
    public readonly composite: ThinStylizationComposite;
    private _compositeReleased = false;

    public constructor(name: string, camera: Camera) {
        const engine = camera.getScene().getEngine();
        const composite = acquireComposite(engine);
        super(name, ThinStylizationComposite.FragmentName, {
            uniforms: ThinStylizationComposite.Uniforms,
            samplers: ThinStylizationComposite.Samplers,
            size: 1,
            camera,
            engine,
            shaderLanguage: composite.options.shaderLanguage,
            effectWrapper: composite,
        });
        this.composite = composite;
    }

    public override getClassName(): string {
        return "StylizationPostProcess";
    }

    /** Detaches from the camera; the composite goes back to its engine's pool for the next post process. */
    public override dispose(camera?: Camera): void {
        const engine = this.getEngine();
        super.dispose(camera);
        if (!this._compositeReleased) {
            this._compositeReleased = true; // a camera's disposal and the handle's may both get here
            releaseComposite(engine, this.composite);
        }
    }
}
