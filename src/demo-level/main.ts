/**
 * The demo: a small scene stylized by the plugin. Query parameters:
 *   ?engine=webgpu|webgl  ?model=<url>  ?ep=auto|webgpu|webgl|wasm  ?height=<px>  ?scene=test  ?size=<w>x<h>
 * Exposes `window.demo = { engine, scene, stylization, api }` once ready (tests and debugging use it).
 */
import { Engine } from "@babylonjs/core/Engines/engine.js";
import { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import * as api from "../plugin/index.js";
import type { Stylization, ExecutionProviderOption } from "../plugin/index.js";
import { createDemoScene, createTestScene } from "./scenes.js";

interface DemoHandle {
    engine: AbstractEngine;
    scene: Scene;
    stylization: Stylization | null;
    api: typeof api;
    error?: string;
}

declare global {
    interface Window {
        demo?: DemoHandle;
    }
}

const params = new URLSearchParams(location.search);
const hud = document.getElementById("hud")!;
const message = document.getElementById("message")!;
if (params.get("hud") === "0") {
    hud.style.display = "none"; // tests compare canvas pixels
}

function showMessage(text: string): void {
    message.textContent = text;
    message.style.display = text ? "block" : "none";
}

async function createEngine(canvas: HTMLCanvasElement): Promise<AbstractEngine> {
    const wanted = params.get("engine") ?? "webgpu";
    if (wanted === "webgpu") {
        if (await WebGPUEngine.IsSupportedAsync) {
            const engine = new WebGPUEngine(canvas, { setMaximumLimits: true, enableAllFeatures: true, antialias: true });
            await engine.initAsync();
            return engine;
        }
        showMessage("WebGPU is not available in this browser: running on WebGL2.");
    }
    return new Engine(canvas, true, { preserveDrawingBuffer: true, stencil: true });
}

async function main(): Promise<void> {
    const canvas = document.getElementById("renderCanvas") as HTMLCanvasElement;
    const size = params.get("size");
    if (size) {
        const [w, h] = size.split("x").map(Number);
        canvas.style.width = `${w}px`;
        canvas.style.height = `${h}px`;
    }
    const engine = await createEngine(canvas);
    const scene = params.get("scene") === "test" ? createTestScene(engine) : createDemoScene(engine);
    const demo: DemoHandle = { engine, scene, stylization: null, api };
    window.addEventListener("resize", () => engine.resize());
    engine.runRenderLoop(() => scene.render());

    const model = params.get("model") ?? "models/ink-wash.onnx";
    const stylize = params.get("stylize") !== "0";
    if (stylize) {
        try {
            demo.stylization = await scene.enableStylization(model, {
                // On a software GPU (SwiftShader) the WebGPU provider is ~100x slower than wasm: keep the demo fluid.
                executionProvider: (params.get("ep") as ExecutionProviderOption) ?? ((await api.hasHardwareWebGpu()) ? "auto" : "wasm"),
                targetHeight: Number(params.get("height") ?? 256),
                onProgress: ({ loaded, total }) => (hud.textContent = `loading model… ${total ? Math.round((100 * loaded) / total) + "%" : `${loaded} bytes`}`),
            });
        } catch (error) {
            demo.error = `${(error as Error).name}: ${(error as Error).message}`;
            demo.stylization = scene.stylization;
            showMessage(`Stylization failed — the level keeps running unstylized. ${demo.error}`);
        }
    }
    window.demo = demo;

    let frames = 0;
    let last = performance.now();
    scene.onAfterRenderObservable.add(() => {
        frames++;
        const now = performance.now();
        if (now - last < 500) {
            return;
        }
        const fps = (1000 * frames) / (now - last);
        frames = 0;
        last = now;
        const s = demo.stylization?.stats;
        hud.textContent =
            `${engine.isWebGPU ? "WebGPU" : "WebGL2"} engine · ${fps.toFixed(0)} fps\n` +
            (s ? `${s.executionProvider ?? "…"}${s.zeroCopy ? " (zero-copy)" : ""} · ${s.inferenceWidth}x${s.inferenceHeight} · ${s.lastInferenceMs.toFixed(0)} ms · stylized ${s.framesStylized} / skipped ${s.framesSkipped}` : "stylization off");
    });
}

main().catch((error) => {
    showMessage(`The demo failed to start: ${(error as Error).message}`);
    console.error(error);
});
