/** The composite in its thin (engine only) and full (camera) parts: creation, the values it binds, disposal. */
import { NullEngine } from "@babylonjs/core/Engines/nullEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import { Logger } from "@babylonjs/core/Misc/logger.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { Effect } from "@babylonjs/core/Materials/effect.js";
import { StylizationPostProcess, ThinStylizationComposite } from "../../../src/plugin/composite/stylizationPostProcess";

Logger.LogLevels = Logger.WarningLogLevel | Logger.ErrorLogLevel;

/** Records what a composite binds, through a stand-in effect. */
function recordBindings(composite: ThinStylizationComposite): { textures: Record<string, unknown>; floats: Record<string, number[]> } {
    const textures: Record<string, unknown> = {};
    const floats: Record<string, number[]> = {};
    const effect = {
        setTexture: (name: string, texture: unknown) => (textures[name] = texture),
        _bindTexture: (name: string, texture: unknown) => (textures[name] = texture),
        setFloat4: (name: string, ...v: number[]) => (floats[name] = v),
        setFloat2: () => undefined,
    } as unknown as Effect;
    const real = composite.drawWrapper.effect;
    composite.drawWrapper.effect = effect;
    try {
        composite.bind(true);
    } finally {
        composite.drawWrapper.effect = real;
    }
    return { textures, floats };
}

describe("ThinStylizationComposite", () => {
    test("registers its shaders in both languages and binds blend, view, split and whether a result shows", () => {
        const engine = new NullEngine();
        const composite = new ThinStylizationComposite("composite", engine);
        expect(ShaderStore.ShadersStore[`${ThinStylizationComposite.FragmentName}FragmentShader`]).toContain("stylizedSampler");
        expect(ShaderStore.ShadersStoreWGSL[`${ThinStylizationComposite.FragmentName}FragmentShader`]).toContain("stylizedSampler");

        // No result yet: a placeholder is bound and the shader is told to show the original.
        let bound = recordBindings(composite);
        expect(bound.floats.settings).toEqual([1, 0, 0.5, 0]);
        expect((bound.textures.stylizedSampler as RawTexture).name).toBe("stylizePlaceholder");

        const stylized = new RawTexture(new Uint8Array(4), 1, 1, Constants.TEXTUREFORMAT_RGBA, engine);
        Object.assign(composite, { blend: 0.25, view: "difference", splitPosition: 0.75, stylized });
        bound = recordBindings(composite);
        expect(bound.floats.settings).toEqual([0.25, 3, 0.75, 1]);
        expect(bound.textures.stylizedSampler).toBe(stylized);

        // No temporal output, no mask, a displayed frame: the shader samples the result as it is.
        expect(bound.floats.sources).toEqual([0, 0, 0, 1]);
        expect((bound.textures.temporalSampler as RawTexture).name).toBe("stylizePlaceholder");
        expect((bound.textures.maskSampler as RawTexture).name).toBe("stylizePlaceholder");

        // The temporal pass's output for this frame is shown instead, through the selection mask, mapped back to
        // linear light (ACES, exposure 1.2: placement "before" an image processing post process).
        const temporal = { id: "temporal output" } as unknown as InternalTexture;
        const mask = { id: "selection mask" } as unknown as InternalTexture;
        Object.assign(composite, { temporal, mask, mapping: { mode: 3, exposure: 1.2 } });
        bound = recordBindings(composite);
        expect(bound.floats.sources).toEqual([1, 1, 3, 1.2]);
        expect(bound.textures.temporalSampler).toBe(temporal);
        expect(bound.textures.maskSampler).toBe(mask);
        composite.reset();
        expect([composite.temporal, composite.mask, composite.mapping.mode]).toEqual([undefined, undefined, 0]);
        composite.dispose();
        stylized.dispose();
        engine.dispose();
    });
});

describe("StylizationPostProcess", () => {
    test("attaches to its camera, and disposing it detaches it and hands its composite, reset, to the next one", async () => {
        const engine = new NullEngine();
        const scene = new Scene(engine);
        const camera = new FreeCamera("camera", new Vector3(0, 0, -5), scene);
        await scene.whenReadyAsync();
        const postProcess = new StylizationPostProcess("stylization", camera);
        expect(camera._postProcesses).toContain(postProcess);
        expect(postProcess.getClassName()).toBe("StylizationPostProcess");
        expect(postProcess.composite).toBeInstanceOf(ThinStylizationComposite);
        const composite = postProcess.composite;
        Object.assign(composite, { blend: 0.25, view: "split" });
        const disposeComposite = jest.spyOn(composite, "dispose");
        postProcess.dispose(camera);
        postProcess.dispose(camera); // a camera's disposal and the handle's may both dispose it
        expect(camera._postProcesses).not.toContain(postProcess);
        expect(disposeComposite).not.toHaveBeenCalled(); // kept: its effect is not rebuilt for the next enable

        const next = new StylizationPostProcess("stylization", camera);
        expect(next.composite).toBe(composite);
        expect([composite.blend, composite.view, composite.splitPosition, composite.stylized]).toEqual([1, "stylized", 0.5, undefined]);
        const other = new StylizationPostProcess("stylization", new FreeCamera("other", Vector3.Zero(), scene));
        expect(other.composite).not.toBe(composite); // two at once need two

        next.dispose();
        other.dispose();
        scene.dispose();
        engine.dispose(); // frees the idle composites
        expect(disposeComposite).toHaveBeenCalledTimes(1);
    });
});
