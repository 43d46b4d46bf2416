import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NullEngine } from "@babylonjs/core/Engines/nullEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import type { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Logger } from "@babylonjs/core/Misc/logger.js";
import { Layer } from "@babylonjs/core/Layers/layer.js";
import "@babylonjs/core/Layers/layerSceneComponent.js";
import { PassPostProcess } from "@babylonjs/core/PostProcesses/passPostProcess.js";
import "../../src/plugin/index";
import {
    InvalidModelError,
    PreprocessConfigError,
    RegisterStylizationSceneComponent,
    Stylization,
    StylizationComponentName,
    StylizationOptionsError,
    UnsupportedModelError,
    withFixedImageSize,
} from "../../src/plugin/pure";

const notAModel = new Uint8Array(readFileSync(join(__dirname, "..", "models", "not-a-model.onnx")));

// Silence Babylon's banner and info logs; warnings and errors still show.
Logger.LogLevels = Logger.WarningLogLevel | Logger.ErrorLogLevel;

let engine: NullEngine;
let scene: Scene;
let camera: FreeCamera;

beforeEach(async () => {
    engine = new NullEngine();
    scene = new Scene(engine);
    camera = new FreeCamera("camera", new Vector3(0, 0, -5), scene);
    scene.activeCamera = camera;
    await scene.whenReadyAsync();
});

afterEach(() => {
    scene.dispose();
    engine.dispose();
});

// The plugin logs every error it reports; keep the test output clean but check what was logged.
let consoleError: jest.SpyInstance;
beforeEach(() => {
    consoleError = jest.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

const postProcessesOf = (cam: Camera) => (cam as unknown as { _postProcesses: Array<PostProcess | null> })._postProcesses;

/** Enables with a model whose download never finishes: the handle exists (scene.stylization) while it loads. */
async function enablePending(cam?: Camera, options: Parameters<Scene["enableStylization"]>[1] = {}): Promise<{ handle: Stylization }> {
    void scene.enableStylization("pending.onnx", { camera: cam, ...options });
    await Promise.resolve();
    const handle = cam ? scene._stylizations!.get(cam)! : scene.stylization!;
    return { handle };
}

// Downloads in these tests never finish (see enablePending); a test that needs a failure passes bytes.
let fetchSpy: jest.SpyInstance;
beforeEach(() => {
    fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(() => new Promise<Response>(() => undefined));
});
afterEach(() => fetchSpy.mockRestore());

describe("registration", () => {
    test("importing the index adds the Scene members", () => {
        expect(typeof Scene.prototype.enableStylization).toBe("function");
        expect(typeof Scene.prototype.disableStylization).toBe("function");
        const descriptor = Object.getOwnPropertyDescriptor(Scene.prototype, "stylization");
        expect(typeof descriptor?.get).toBe("function");
        expect(descriptor?.set).toBeUndefined();
    });

    test("RegisterStylizationSceneComponent is idempotent", () => {
        const enable = Scene.prototype.enableStylization;
        const disable = Scene.prototype.disableStylization;
        const getter = Object.getOwnPropertyDescriptor(Scene.prototype, "stylization")!.get;
        RegisterStylizationSceneComponent();
        RegisterStylizationSceneComponent();
        expect(Scene.prototype.enableStylization).toBe(enable);
        expect(Scene.prototype.disableStylization).toBe(disable);
        expect(Object.getOwnPropertyDescriptor(Scene.prototype, "stylization")!.get).toBe(getter);
    });

    test("scene.stylization is null initially; disableStylization() with nothing enabled is a no-op", () => {
        expect(scene.stylization).toBeNull();
        expect(() => scene.disableStylization()).not.toThrow();
        expect(() => scene.disableStylization(camera)).not.toThrow();
        expect(scene.stylization).toBeNull();
        expect(scene._stylizations).toBeUndefined();
    });
});

describe("enable / disable on a NullEngine", () => {
    test("an HTML page instead of a model rejects with InvalidModelError and leaves the scene as it was", async () => {
        const seen: unknown[] = [];
        const promise = scene.enableStylization(notAModel);
        const handle = scene.stylization!;
        expect(handle).toBeInstanceOf(Stylization); // while the model loads
        expect(postProcessesOf(camera)).toContain(handle.postProcess);
        handle.onErrorObservable.add((e) => seen.push(e));
        const error = await promise.catch((e) => e);
        expect(error).toBeInstanceOf(InvalidModelError);
        expect((error as Error).message).toContain("HTML 404");
        expect(seen).toEqual([error]);
        expect(handle.lastError).toBe(error);
        // No handle, no pass on the camera.
        expect(scene.stylization).toBeNull();
        expect(scene._stylizations!.size).toBe(0);
        expect(postProcessesOf(camera).filter(Boolean)).toHaveLength(0);
        await handle.whenReleased();
        expect(consoleError).toHaveBeenCalledWith(expect.stringContaining("[stylization] InvalidModelError"));
    });

    test("a model whose fixed input is absurdly large is refused before anything of its size is allocated", async () => {
        const identity = new Uint8Array(readFileSync(join(__dirname, "..", "models", "identity.onnx")));
        const huge = withFixedImageSize(identity, 100000, 100000);
        const error = await scene.enableStylization(huge, { executionProvider: "wasm" }).catch((e) => e);
        expect(error).toBeInstanceOf(UnsupportedModelError);
        expect(error.message).toMatch(/input fixed to 100000x100000\): an inference width of 100000 pixels is outside 8\.\.\d+/);
        expect(scene.stylization).toBeNull();
        for (let i = 0; i < 3; i++) scene.render(); // the loop goes on
    });

    test("disabling while the model downloads stops the download; a newer setModel stops the older one", async () => {
        const { handle } = await enablePending();
        void handle.setModel("newer.onnx").catch(() => undefined);
        await Promise.resolve();
        const signals = fetchSpy.mock.calls.map(([, init]) => (init as RequestInit).signal as AbortSignal);
        expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
        scene.disableStylization();
        expect(signals[1].aborted).toBe(true);
    });

    test("while the model loads, the handle is there with its post process", async () => {
        const { handle } = await enablePending();
        expect(scene.stylization).toBe(handle);
        expect(handle.camera).toBe(camera);
        expect(handle.model).toBeUndefined();
        expect(postProcessesOf(camera)).toContain(handle.postProcess);
        expect(handle.postProcess.name).toBe("stylization");
        expect(scene._getComponent(StylizationComponentName)).toBeDefined();
    });

    test("foreground layers the camera shows are drawn after the stylization unless stylizeLayers; restored when it goes", async () => {
        const hud = new Layer("hud", null, scene, false);
        const background = new Layer("sky", null, scene, true);
        const elsewhere = new Layer("other camera", null, scene, false);
        elsewhere.layerMask = 0x10000000;
        camera.layerMask = 0x0fffffff;
        const { handle } = await enablePending();
        expect([hud.applyPostProcess, background.applyPostProcess, elsewhere.applyPostProcess]).toEqual([false, true, true]);
        handle.stylizeLayers = true;
        expect(hud.applyPostProcess).toBe(true);
        handle.stylizeLayers = false;
        const later = new Layer("made later", null, scene, false);
        scene.render(); // caught on the camera's next frame
        expect(later.applyPostProcess).toBe(false);
        expect(() => (handle.stylizeLayers = 1 as never)).toThrow("stylizeLayers is 1; expected true or false");
        scene.disableStylization();
        expect([hud.applyPostProcess, later.applyPostProcess]).toEqual([true, true]);
        [hud, background, elsewhere, later].forEach((layer) => layer.dispose());
    });

    test("exclusion and a depth range render their passes only while set; the camera's render targets are restored when it goes", async () => {
        const { handle } = await enablePending(undefined, { temporal: { reproject: false }, exclude: (mesh) => mesh.name === "hand" });
        const targets = () => camera.customRenderTargets.map((target) => target.name);
        expect(targets()).toEqual([expect.stringContaining("gBuffer"), "stylizeExcluded"]);
        handle.exclude = null;
        expect(targets()).toEqual([]);
        handle.depthRange = { near: 20 };
        handle.temporal = { reproject: true }; // shares the one geometry pass
        expect(targets()).toEqual([expect.stringContaining("gBuffer")]);
        for (let i = 0; i < 3; i++) scene.render();
        expect(consoleError).not.toHaveBeenCalled(); // a NullEngine has no geometry textures: the passes wait, nothing fails
        expect(handle.depthRange).toEqual({ near: 20, far: Infinity });
        expect(() => (handle.depthRange = { near: 20, far: 10 })).toThrow(StylizationOptionsError);
        expect(handle.depthRange).toEqual({ near: 20, far: Infinity }); // a refused value changes nothing
        scene.disableStylization();
        expect(targets()).toEqual([]);
    });

    test("off, no scene pass renders (geometry pass, excluded meshes' depth); on again, they are back as set", async () => {
        const { handle } = await enablePending(undefined, { enabled: false, exclude: (mesh) => mesh.name === "hand" });
        const targets = () => camera.customRenderTargets.map((target) => target.name);
        expect(targets()).toEqual([]);
        handle.enabled = true;
        expect(targets()).toEqual([expect.stringContaining("gBuffer"), "stylizeExcluded"]);
        handle.enabled = false;
        expect(targets()).toEqual([]);
        handle.depthRange = { near: 20 }; // settings change while off: kept, applied when on
        handle.exclude = null;
        expect(targets()).toEqual([]);
        for (let i = 0; i < 3; i++) scene.render();
        handle.enabled = true;
        expect(targets()).toEqual([expect.stringContaining("gBuffer")]);
        expect(handle.temporal).toEqual({ reproject: true, history: expect.any(Number) });
        scene.disableStylization();
        expect(targets()).toEqual([]);
        expect(consoleError).not.toHaveBeenCalled();
    });

    test("placement puts the composite first or last among the camera's post processes, and keeps it there", async () => {
        const pass = new PassPostProcess("pass", 1, camera);
        const { handle } = await enablePending(undefined, { placement: "before" });
        const chain = () => postProcessesOf(camera).filter((p) => p);
        expect(chain()).toEqual([handle.postProcess, pass]);
        handle.placement = "after";
        expect(chain()).toEqual([pass, handle.postProcess]);
        const late = new PassPostProcess("late", 1, camera); // attached at the end, as a pipeline rebuild does
        scene.render();
        expect(chain()).toEqual([pass, late, handle.postProcess]);
        expect(() => (handle.placement = "middle" as never)).toThrow(StylizationOptionsError);
        scene.disableStylization();
        expect(chain()).toEqual([pass, late]);
    });

    test("invalid options reject before anything is created", async () => {
        await expect(scene.enableStylization(notAModel, { view: "sideways" as never })).rejects.toBeInstanceOf(StylizationOptionsError);
        expect(scene.stylization).toBeNull();
        expect(postProcessesOf(camera).filter(Boolean)).toHaveLength(0);
        scene.activeCamera = null;
        await expect(scene.enableStylization(notAModel)).rejects.toThrow("needs a camera");
    });

    test("enabling again on the same camera disposes the first handle", async () => {
        const first = (await enablePending()).handle;
        const second = (await enablePending()).handle;
        expect(second).not.toBe(first);
        expect(scene.stylization).toBe(second);
        expect(postProcessesOf(camera)).not.toContain(first.postProcess);
        expect(postProcessesOf(camera)).toContain(second.postProcess);
        expect(scene._stylizations!.size).toBe(1);
        await first.whenReleased();
    });

    test("disableStylization(camera) removes it", async () => {
        const { handle } = await enablePending();
        scene.disableStylization(camera);
        expect(scene.stylization).toBeNull();
        expect(postProcessesOf(camera)).not.toContain(handle.postProcess);
        await expect(handle.whenReleased()).resolves.toBeUndefined();
    });

    test("disableStylization(other camera) leaves it; disableStylization() removes all", async () => {
        const other = new FreeCamera("other", new Vector3(0, 0, 5), scene);
        const a = (await enablePending(camera)).handle;
        const b = (await enablePending(other)).handle;
        expect(scene._stylizations!.size).toBe(2);
        // The active camera's stylization wins.
        expect(scene.stylization).toBe(a);
        scene.activeCamera = other;
        expect(scene.stylization).toBe(b);

        scene.disableStylization(other);
        expect(scene.stylization).toBe(a); // no stylization for the active camera: the remaining one
        expect(postProcessesOf(other)).not.toContain(b.postProcess);
        expect(postProcessesOf(camera)).toContain(a.postProcess);

        scene.disableStylization();
        expect(scene.stylization).toBeNull();
        expect(postProcessesOf(camera)).not.toContain(a.postProcess);
    });

    test("disposing the camera disposes its stylization", async () => {
        const { handle } = await enablePending();
        camera.dispose();
        expect(scene._stylizations!.size).toBe(0);
        expect(scene.stylization).toBeNull();
        await handle.whenReleased();
    });

    test("scene.dispose() disposes the stylizations", async () => {
        const { handle } = await enablePending();
        const pp = handle.postProcess;
        scene.dispose();
        expect(postProcessesOf(camera)).not.toContain(pp);
        expect(scene._stylizations!.size).toBe(0);
        await handle.whenReleased();
    });

    test("enable options reach the handle", async () => {
        const { handle } = await enablePending(undefined, {
            targetHeight: 360,
            blend: 0.25,
            view: "split",
            splitPosition: 0.75,
            enabled: false,
            preprocess: { inputRange: "[0,255]" },
        });
        expect([handle.targetHeight, handle.blend, handle.view, handle.splitPosition, handle.enabled]).toEqual([360, 0.25, "split", 0.75, false]);
        expect(handle.preprocess.inputRange).toBe("[0,255]");
        expect(handle.showingStylized).toBe(false);
    });
});

describe("the handle", () => {
    let st: Stylization;
    beforeEach(async () => {
        st = (await enablePending()).handle;
    });

    test("live preprocess: assigning a field overrides it", () => {
        expect(st.preprocess.inputRange).toBe("[-1,1]");
        st.preprocess.inputRange = "[0,1]";
        expect(st.preprocess.inputRange).toBe("[0,1]");
        st.preprocess.mean = [0.1, 0.2, 0.3];
        expect(st.preprocess.mean).toEqual([0.1, 0.2, 0.3]);
    });

    test("a bad value throws PreprocessConfigError and leaves the old value", () => {
        st.preprocess.inputRange = "[0,1]";
        expect(() => {
            st.preprocess.inputRange = "[0,2]" as never;
        }).toThrow(PreprocessConfigError);
        expect(st.preprocess.inputRange).toBe("[0,1]");
        expect(() => {
            st.preprocess.std = [1, 0, 1];
        }).toThrow("preprocess.std");
        expect(st.preprocess.std).toEqual([0.5, 0.5, 0.5]);
        expect(() => {
            st.preprocess = { flipY: "yes" as never };
        }).toThrow(PreprocessConfigError);
        expect(st.preprocess.flipY).toBe(false);
    });

    test("the live object is sealed: unknown fields cannot be added", () => {
        expect(() => {
            (st.preprocess as unknown as Record<string, unknown>).gamma = 2.2;
        }).toThrow(TypeError);
        expect(Object.keys(st.preprocess).sort()).toEqual([
            "channelOrder",
            "clamp",
            "colorSpace",
            "flipY",
            "frameColorSpace",
            "inputRange",
            "mean",
            "outputRange",
            "resize",
            "std",
        ]);
    });

    test("assigning an object merges; resetPreprocess() restores the defaults", () => {
        st.preprocess.inputRange = "[0,255]";
        st.preprocess = { channelOrder: "BGR" };
        expect(st.preprocess.channelOrder).toBe("BGR");
        expect(st.preprocess.inputRange).toBe("[0,255]");
        st.preprocess = { flipY: true, outputRange: "[0,1]" };
        expect({ ...st.preprocess }).toEqual({
            inputRange: "[0,255]",
            mean: [0.5, 0.5, 0.5],
            std: [0.5, 0.5, 0.5],
            channelOrder: "BGR",
            colorSpace: "sRGB",
            frameColorSpace: "sRGB",
            flipY: true,
            resize: "bilinear",
            outputRange: "[0,1]",
            clamp: true,
        });
        st.resetPreprocess();
        expect(st.preprocess.inputRange).toBe("[-1,1]");
        expect(st.preprocess.channelOrder).toBe("RGB");
        expect(st.preprocess.flipY).toBe(false);
        expect(st.preprocess.outputRange).toBe("[-1,1]");
    });

    test("blend / view / splitPosition / targetHeight setters validate", () => {
        st.blend = 0.5;
        st.view = "difference";
        st.splitPosition = 0;
        st.targetHeight = 256;
        expect([st.blend, st.view, st.splitPosition, st.targetHeight]).toEqual([0.5, "difference", 0, 256]);
        expect(() => (st.blend = 2)).toThrow(StylizationOptionsError);
        expect(() => (st.view = "foo" as never)).toThrow(StylizationOptionsError);
        expect(() => (st.splitPosition = -1)).toThrow(StylizationOptionsError);
        expect(() => (st.targetHeight = 4)).toThrow(StylizationOptionsError);
        expect([st.blend, st.view, st.splitPosition, st.targetHeight]).toEqual([0.5, "difference", 0, 256]);
    });

    test("stats before a model: nothing stylized, inference size from the render size", () => {
        st.targetHeight = 360;
        const s = st.stats;
        expect(s.executionProvider).toBeUndefined();
        expect(s.zeroCopy).toBe(false);
        expect(s.framesStylized).toBe(0);
        expect(s.framesSkipped).toBe(0);
        expect(s.averageInferenceMs).toBe(0);
        expect(s.inferenceHeight).toBe(360);
        const aspect = engine.getRenderWidth() / engine.getRenderHeight();
        expect(Math.abs(s.inferenceWidth - 360 * aspect)).toBeLessThanOrEqual(4);
        expect(s.inferenceWidth % 8).toBe(0);
    });

    test("rendering frames without a model stylizes nothing and does not throw", () => {
        for (let i = 0; i < 3; i++) scene.render();
        expect(st.stats.framesStylized).toBe(0);
        expect(st.stats.framesSkipped).toBe(0);
    });

    test("enabled / frozen toggles", () => {
        st.enabled = false;
        expect(st.enabled).toBe(false);
        st.enabled = true;
        expect(st.enabled).toBe(true);
        st.frozen = true;
        expect(st.frozen).toBe(true);
    });

    test("dispose() is idempotent and detaches the post process", async () => {
        st.dispose();
        st.dispose();
        expect(postProcessesOf(camera)).not.toContain(st.postProcess);
        await st.whenReleased();
    });
});
