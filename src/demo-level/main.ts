/**
 * The demo: a small village stylized by the plugin. Query parameters (see demoParams.ts):
 *   ?engine=webgpu|webgl  ?model=<url>  ?ep=auto|webgpu|webgl|wasm  ?height=<px>  ?path=1  ?frame=<i>  ?stylize=0
 *   ?hud=0  ?size=<w>x<h>  ?scene=test  ?temporal=off  ?history=<0..1>  ?targetFps=<n>  ?stylizeUi=1
 *   ?exclude=<name prefixes>  ?depthRange=<near>,<far>,<softness>  ?placement=before|after
 * Exposes `window.demo` (see demoHandle.ts) once ready: after stylization started or failed.
 */
import { Engine } from "@babylonjs/core/Engines/engine.js";
import { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
// scene.enableDepthRenderer, for the motion bench's ground truth (bench/motion.bench.ts) and the console.
import "@babylonjs/core/Rendering/depthRendererSceneComponent.js";
import * as api from "../plugin/index.js";
import type { StylizationError } from "../plugin/index.js";
import { createTestScene } from "./scenes.js";
import { createVillage, type Village } from "./village/createVillage.js";
import { LevelDirector } from "./controls/levelDirector.js";
import { WalkInput } from "./controls/input.js";
import { parseDemoParams } from "./demoParams.js";
import { defaultInferenceHeight, modelList } from "./modelManifest.js";
import { StylizationControls } from "./stylizationControls.js";
import { Overlay } from "./ui/overlay.js";
import { isSoftwareWebGl } from "./gpuInfo.js";
import { HelpText, bindKeys } from "./ui/keys.js";
import { recordTrainingFrames } from "./ui/trainingFramesKey.js";
import { Hud } from "./ui/hud.js";
import { addQuestMarker } from "./ui/questMarker.js";
import { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture.js";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle.js";
import { TextBlock } from "@babylonjs/gui/2D/controls/textBlock.js";
import type { DemoHandle } from "./demoHandle.js";
import { addRenderingPipeline } from "./renderingPipeline.js";

const params = parseDemoParams(location.search);
const overlay = new Overlay(params.hud);

/**
 * Creates the engine the page asks for, falling back to WebGL2 with a message. Multisampling is off on a software
 * GPU, where it more than doubles the cost of every pixel (the test scene keeps it: its pixels are compared exactly).
 */
async function createEngine(canvas: HTMLCanvasElement, options: { antialias: boolean }): Promise<AbstractEngine> {
    const { antialias } = options;
    if (params.engine === "webgpu") {
        if (await WebGPUEngine.IsSupportedAsync) {
            try {
                const engine = new WebGPUEngine(canvas, { setMaximumLimits: true, enableAllFeatures: true, antialias });
                await engine.initAsync();
                return engine;
            } catch (error) {
                overlay.showMessage(`WebGPU failed to start (${(error as Error).message}): running on WebGL2.`, "notice", 15_000);
            }
        } else {
            overlay.showMessage("WebGPU is not available in this browser: running on WebGL2.", "notice", 15_000);
        }
    }
    return new Engine(canvas, antialias, { preserveDrawingBuffer: true, stencil: true });
}

/** Lets the browser paint the loading screen before a long synchronous step. */
const nextPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

async function main(): Promise<void> {
    const canvas = document.getElementById("renderCanvas") as HTMLCanvasElement;
    if (params.size) {
        canvas.style.width = `${params.size.width}px`;
        canvas.style.height = `${params.size.height}px`;
    }
    overlay.setLoading(0.05, "starting the engine…");
    const softwareGpu = isSoftwareWebGl();
    const engine = await createEngine(canvas, { antialias: params.scene === "test" || !softwareGpu });
    // The test scene keeps Babylon's defaults: its pixels are compared exactly.
    const applyRenderScale = () => {
        if (params.scene !== "test") {
            engine.setHardwareScalingLevel(renderScaleLevel(canvas, params.scale, softwareGpu));
        }
        engine.resize();
    };
    if (params.scene !== "test") {
        applyRenderScale();
    }

    let scene: Scene;
    let director: LevelDirector | null = null;
    let village: Village | null = null;
    if (params.scene === "test") {
        scene = createTestScene(engine);
    } else {
        overlay.setLoading(0.12, "building the village…");
        await nextPaint();
        village = createVillage(engine);
        scene = village.scene;
        director = new LevelDirector(village, new WalkInput(canvas));
        if (params.frame !== null) {
            director.holdPathFrame(params.frame);
        } else if (params.path) {
            director.playPath(0);
        }
    }
    const pipeline = params.placement && scene.activeCamera ? addRenderingPipeline(scene, scene.activeCamera) : undefined;
    window.addEventListener("resize", applyRenderScale);
    engine.runRenderLoop(() => scene.render());
    if (director) {
        overlay.setLoading(0.25, "compiling shaders…");
        await scene.whenReadyAsync();
        village!.environment.freezeShadows();
    }

    const demo: DemoHandle = {
        engine,
        scene,
        stylization: null,
        api,
        gui: { AdvancedDynamicTexture, Rectangle, TextBlock },
        pipeline,
        toggleInspector: () => undefined,
    };
    if (village && params.hud) {
        addQuestMarker(scene, village.windmillHub);
    }
    if (director) {
        const d = director;
        demo.level = { director: d };
        demo.goToPathFrame = (frame: number) => {
            d.holdPathFrame(frame);
            return renderedFrames(scene, 2);
        };
        demo.goToViewpoint = (seed: number) => {
            d.holdViewpoint(seed);
            return renderedFrames(scene, 2);
        };
    }

    const { models, index } = modelList(params.model);
    const hardwareGpu = await api.hasHardwareWebGpu();
    // auto never runs the WebGPU provider on a software GPU (SwiftShader), where it is ~100x slower than wasm.
    const executionProvider = params.ep ?? "auto";
    const provider = await api.resolveExecutionProvider(engine, executionProvider).catch(() => "wasm");
    const hud = new Hud(engine, overlay);
    const controls = new StylizationControls(scene, {
        models,
        modelIndex: index,
        executionProvider,
        targetHeight:
            params.height ?? defaultInferenceHeight(provider, { hardwareWebGpu: hardwareGpu, softwareGpu: softwareGpu || (engine.isWebGPU && !hardwareGpu) }),
        fromUrl: {
            temporal: { reproject: params.temporal, history: params.history },
            targetFps: params.targetFps,
            stylizeLayers: params.stylizeUi,
            exclude: params.exclude.length ? (mesh) => params.exclude.some((prefix) => mesh.name.startsWith(prefix)) : null,
            depthRange: params.depthRange,
            placement: params.placement ?? "after",
        },
        onChange: (stylization) => {
            demo.stylization = stylization;
            hud.refresh();
        },
        onNotice: (text) => overlay.showMessage(text, "notice", 2500),
        onError: (error: StylizationError) => {
            demo.error = `${error.name}: ${error.message}`;
            overlay.showMessage(`Stylization failed — the level keeps running unstylized. ${demo.error}`, "error");
        },
    });
    hud.attach(scene, controls, director);

    if (params.stylize) {
        overlay.setLoading(0.3, `downloading ${controls.model.label}…`);
        try {
            demo.stylization = await controls.enable(({ loaded, total }) => {
                if (total && loaded >= total) {
                    overlay.setLoading(null, `creating the inference session (${provider})…`);
                } else {
                    overlay.setLoading(
                        0.3 + (total ? (0.6 * loaded) / total : 0.3),
                        `downloading ${controls.model.label}… ${total ? Math.round((100 * loaded) / total) + "%" : `${Math.round(loaded / 1024)} KB`}`
                    );
                }
            });
        } catch (error) {
            demo.error = `${(error as Error).name}: ${(error as Error).message}`;
            demo.stylization = scene.stylization;
            overlay.showMessage(`Stylization failed — the level keeps running unstylized. ${demo.error}`, "error");
        }
    }
    // I: the plugin's inspector panel on the current handle (opening it again closes it).
    demo.toggleInspector = () => {
        const st = scene.stylization;
        if (!st) {
            overlay.showMessage("Stylization is off: press T first.", "notice", 2500);
        } else if (st.inspector) {
            st.hideInspector();
        } else {
            st.showInspector({ models: controls.models, selectModel: (entry) => controls.selectModel(controls.models.indexOf(entry)) }).catch((error: Error) =>
                overlay.showMessage(`Inspector: ${error.message}`, "error", 4000)
            );
        }
    };
    overlay.hideLoading();
    overlay.setHelp(director ? HelpText.level : HelpText.testScene);
    demo.recordTrainingFrames = (recording) => recordTrainingFrames(scene, overlay, recording);
    bindKeys({
        scene,
        controls,
        director,
        overlay,
        toggleInspector: demo.toggleInspector,
    });
    window.demo = demo;
}

/** Software GPUs render at most this many pixels per frame by default (640x360); larger canvases are upscaled. */
const SoftwarePixelBudget = 640 * 360;

/** Babylon's hardware scaling level (render size = canvas CSS size / level) for a render scale or the automatic one. */
function renderScaleLevel(canvas: HTMLCanvasElement, scale: number | null, softwareGpu: boolean): number {
    if (scale !== null) {
        return 1 / scale;
    }
    const pixels = canvas.clientWidth * canvas.clientHeight;
    return softwareGpu && pixels > SoftwarePixelBudget ? Math.sqrt(pixels / SoftwarePixelBudget) : 1;
}

/** Resolves after `count` more frames have been rendered. */
function renderedFrames(scene: Scene, count: number): Promise<void> {
    return new Promise((resolve) => {
        let n = 0;
        const observer = scene.onAfterRenderObservable.add(() => {
            if (++n >= count) {
                scene.onAfterRenderObservable.remove(observer);
                resolve();
            }
        });
    });
}

main().catch((error) => {
    overlay.hideLoading();
    overlay.showMessage(`The demo failed to start: ${(error as Error).message}`, "error");
    console.error(error);
});
