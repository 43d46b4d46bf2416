/**
 * What the plugin's full-screen passes share: a fragment shader in Babylon's shader store (GLSL, and WGSL for passes
 * that run on WebGPU: both ship, so Babylon never fetches a shader compiler), drawn by an EffectRenderer into data
 * targets (one colour attachment of floats, no depth or stencil buffer, no mipmaps).
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { RegisterEnginesExtensionsEngineRenderTarget } from "@babylonjs/core/Engines/Extensions/engine.renderTarget.pure.js";
import { RegisterEnginesWebGPUExtensionsEngineRenderTarget } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.renderTarget.pure.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { ShaderLanguage } from "@babylonjs/core/Materials/shaderLanguage.js";
import { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";

export interface FullscreenShader {
    name: string;
    glsl: string;
    /** Needed on WebGPU engines. */
    wgsl?: string;
    uniforms?: string[];
    samplers: string[];
}

/**
 * Registers the shader and makes the effect wrapper that draws it over a whole target, with `renderer` (passes that
 * run together share one) or a new renderer.
 */
export function createFullscreenEffect(
    engine: AbstractEngine,
    shader: FullscreenShader,
    renderer = new EffectRenderer(engine)
): { renderer: EffectRenderer; wrapper: EffectWrapper } {
    ShaderStore.ShadersStore[`${shader.name}FragmentShader`] = shader.glsl;
    if (shader.wgsl) {
        ShaderStore.ShadersStoreWGSL[`${shader.name}FragmentShader`] = shader.wgsl;
    }
    const wrapper = new EffectWrapper({
        engine,
        name: shader.name,
        fragmentShader: shader.name,
        useShaderStore: true,
        uniformNames: shader.uniforms ?? [],
        samplerNames: shader.samplers,
        shaderLanguage: engine.isWebGPU ? ShaderLanguage.WGSL : ShaderLanguage.GLSL,
    });
    return { renderer, wrapper };
}

/** A data target of `width` x `height` texels (`type` and `format` are Babylon's constants). */
export function createDataTarget(
    engine: AbstractEngine,
    width: number,
    height: number,
    target: { type: number; format: number; samplingMode: number; label: string }
): RenderTargetWrapper {
    // Registered on use, not on import (a page may not have the engine kind at all).
    (engine.isWebGPU ? RegisterEnginesWebGPUExtensionsEngineRenderTarget : RegisterEnginesExtensionsEngineRenderTarget)();
    return engine.createRenderTargetTexture({ width, height }, { ...target, generateMipMaps: false, generateDepthBuffer: false, generateStencilBuffer: false });
}
