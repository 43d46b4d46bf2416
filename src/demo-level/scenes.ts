import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { ArcRotateCamera } from "@babylonjs/core/Cameras/arcRotateCamera.js";
import { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight.js";
import { DirectionalLight } from "@babylonjs/core/Lights/directionalLight.js";
import { MeshBuilder } from "@babylonjs/core/Meshes/meshBuilder.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Texture } from "@babylonjs/core/Materials/Textures/texture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import "@babylonjs/core/Meshes/Builders/boxBuilder.js";
import "@babylonjs/core/Meshes/Builders/sphereBuilder.js";
import "@babylonjs/core/Meshes/Builders/groundBuilder.js";
import "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import "@babylonjs/core/Meshes/Builders/planeBuilder.js";

/** A checker texture generated in memory (nothing is downloaded). */
function checkerTexture(scene: Scene, a: [number, number, number], b: [number, number, number]): Texture {
    const n = 64;
    const data = new Uint8Array(n * n * 4);
    for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
            const c = ((x >> 3) + (y >> 3)) % 2 ? a : b;
            data.set([c[0], c[1], c[2], 255], (y * n + x) * 4);
        }
    }
    return RawTexture.CreateRGBATexture(data, n, n, scene, true, false, Constants.TEXTURE_TRILINEAR_SAMPLINGMODE);
}

/** The seed of the demo level: a lit courtyard with a few animated props. */
export function createDemoScene(engine: AbstractEngine): Scene {
    const scene = new Scene(engine);
    scene.clearColor = new Color4(0.53, 0.71, 0.9, 1);
    const camera = new ArcRotateCamera("camera", -Math.PI / 3, 1.15, 11, new Vector3(0, 1, 0), scene);
    camera.attachControl(true);
    camera.lowerRadiusLimit = 4;
    camera.upperRadiusLimit = 30;
    new HemisphericLight("sky", new Vector3(0, 1, 0), scene).intensity = 0.6;
    const sun = new DirectionalLight("sun", new Vector3(-0.5, -1, 0.3), scene);
    sun.intensity = 0.8;

    const ground = MeshBuilder.CreateGround("ground", { width: 24, height: 24 }, scene);
    const groundMat = new StandardMaterial("ground", scene);
    groundMat.diffuseTexture = checkerTexture(scene, [96, 140, 70], [120, 165, 85]);
    (groundMat.diffuseTexture as Texture).uScale = (groundMat.diffuseTexture as Texture).vScale = 6;
    ground.material = groundMat;

    const colors: Array<[number, number, number]> = [
        [0.85, 0.35, 0.25],
        [0.95, 0.8, 0.35],
        [0.3, 0.5, 0.85],
        [0.75, 0.7, 0.6],
    ];
    for (let i = 0; i < 4; i++) {
        const house = MeshBuilder.CreateBox(`house${i}`, { width: 2.4, height: 2.2, depth: 2.4 }, scene);
        const angle = (i / 4) * Math.PI * 2 + 0.4;
        house.position.set(Math.cos(angle) * 6, 1.1, Math.sin(angle) * 6);
        const mat = new StandardMaterial(`house${i}`, scene);
        mat.diffuseColor = new Color3(...colors[i]);
        house.material = mat;
        const roof = MeshBuilder.CreateCylinder(`roof${i}`, { diameterTop: 0, diameterBottom: 3.2, height: 1.4, tessellation: 4 }, scene);
        roof.position.set(house.position.x, 2.9, house.position.z);
        roof.rotation.y = Math.PI / 4;
        const roofMat = new StandardMaterial(`roof${i}`, scene);
        roofMat.diffuseColor = new Color3(0.55, 0.2, 0.15);
        roof.material = roofMat;
    }
    const fountain = MeshBuilder.CreateCylinder("fountain", { diameter: 3, height: 0.6 }, scene);
    fountain.position.y = 0.3;
    const water = MeshBuilder.CreateSphere("orb", { diameter: 1.2 }, scene);
    const waterMat = new StandardMaterial("orb", scene);
    waterMat.diffuseColor = new Color3(0.2, 0.55, 0.9);
    waterMat.specularColor = new Color3(1, 1, 1);
    water.material = waterMat;
    let t = 0;
    scene.onBeforeRenderObservable.add(() => {
        t += scene.getEngine().getDeltaTime() / 1000;
        water.position.y = 1.4 + Math.sin(t * 2) * 0.3;
    });
    return scene;
}

/**
 * A static, unlit scene with exactly known colours for tests: four coloured quadrants (top-left red, top-right
 * green, bottom-left blue, bottom-right white) and a horizontal grey ramp across the middle.
 */
export function createTestScene(engine: AbstractEngine): Scene {
    const scene = new Scene(engine);
    scene.clearColor = new Color4(0, 0, 0, 1);
    const camera = new FreeCamera("camera", new Vector3(0, 0, -5), scene);
    camera.mode = FreeCamera.ORTHOGRAPHIC_CAMERA;
    camera.orthoLeft = -1;
    camera.orthoRight = 1;
    camera.orthoTop = 1;
    camera.orthoBottom = -1;
    camera.setTarget(Vector3.Zero());
    const n = 32;
    const data = new Uint8Array(n * n * 4);
    for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
            // Texture row 0 is the bottom of the plane (invertY false below).
            const top = y >= n / 2;
            const left = x < n / 2;
            let c = top ? (left ? [230, 30, 20] : [30, 200, 40]) : left ? [25, 40, 220] : [250, 250, 250];
            if (y >= n / 2 - 2 && y < n / 2 + 2) {
                const g = Math.round((x / (n - 1)) * 255);
                c = [g, g, g];
            }
            data.set([c[0], c[1], c[2], 255], (y * n + x) * 4);
        }
    }
    const texture = RawTexture.CreateRGBATexture(data, n, n, scene, false, false, Constants.TEXTURE_NEAREST_SAMPLINGMODE);
    const plane = MeshBuilder.CreatePlane("quadrants", { size: 2 }, scene);
    const mat = new StandardMaterial("quadrants", scene);
    mat.disableLighting = true; // colour = texture x emissive white: exactly the texels
    mat.emissiveColor = new Color3(1, 1, 1);
    mat.diffuseTexture = texture;
    plane.material = mat;
    return scene;
}
