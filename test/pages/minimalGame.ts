/**
 * A minimal game page for the capture command's test: a scene that imports babylon-stylize (as a game that uses the
 * plugin does) and exposes itself as `window.scene`, nothing of the demo level. `?engine=webgpu` runs on WebGPU.
 * A spinning box over a ground, a Babylon GUI label in front (the HUD the recording leaves out), and a camera that
 * orbits one step per rendered frame.
 */
import { Engine } from "@babylonjs/core/Engines/engine.js";
import { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { ArcRotateCamera } from "@babylonjs/core/Cameras/arcRotateCamera.js";
import { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight.js";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder.js";
import { CreateGround } from "@babylonjs/core/Meshes/Builders/groundBuilder.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture.js";
import { TextBlock } from "@babylonjs/gui/2D/controls/textBlock.js";
import "../../src/plugin/index.js";

async function start(): Promise<void> {
    const canvas = document.getElementById("game") as HTMLCanvasElement;
    let engine: AbstractEngine;
    if (new URLSearchParams(location.search).get("engine") === "webgpu") {
        const webgpu = new WebGPUEngine(canvas);
        await webgpu.initAsync();
        engine = webgpu;
    } else {
        engine = new Engine(canvas, false);
    }
    const scene = new Scene(engine);
    scene.clearColor = new Color4(0.45, 0.62, 0.85, 1);
    const camera = new ArcRotateCamera("camera", -Math.PI / 2, 1.1, 7, new Vector3(0, 0.6, 0), scene);
    new HemisphericLight("light", new Vector3(0.3, 1, -0.4), scene);
    const paint = (name: string, color: Color3) => Object.assign(new StandardMaterial(name, scene), { diffuseColor: color });
    const box = CreateBox("box", { size: 1.6 }, scene);
    box.position.y = 0.8;
    box.material = paint("boxPaint", new Color3(0.85, 0.35, 0.2));
    CreateGround("ground", { width: 40, height: 40 }, scene).material = paint("groundPaint", new Color3(0.3, 0.6, 0.25));
    const hud = AdvancedDynamicTexture.CreateFullscreenUI("hud", true, scene);
    hud.addControl(Object.assign(new TextBlock("label", "SCORE 42"), { color: "white", fontSize: 28, top: "-40%" }));
    scene.onBeforeRenderObservable.add(() => {
        box.rotation.y += 0.03;
        camera.alpha += 0.01;
    });
    engine.runRenderLoop(() => scene.render());
    (window as unknown as { scene: Scene }).scene = scene;
}

start().catch((error) => {
    document.body.textContent = String(error);
});
