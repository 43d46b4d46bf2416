/** The static test scene the pipeline tests compare pixels against (the village is in village/). */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { MeshBuilder } from "@babylonjs/core/Meshes/meshBuilder.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { RawTexture } from "@babylonjs/core/Materials/Textures/rawTexture.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import "@babylonjs/core/Meshes/Builders/planeBuilder.js";

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
