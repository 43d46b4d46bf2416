/** Sky dome, fog, sky light and the sun with its shadow map. */
import { Scene } from "@babylonjs/core/scene.js";
import { Mesh } from "@babylonjs/core/Meshes/mesh.js";
import { VertexData } from "@babylonjs/core/Meshes/mesh.vertexData.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight.js";
import { DirectionalLight } from "@babylonjs/core/Lights/directionalLight.js";
import { ShadowGenerator } from "@babylonjs/core/Lights/Shadows/shadowGenerator.js";
import "@babylonjs/core/Lights/Shadows/shadowGeneratorSceneComponent.js";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import { RenderTargetTexture } from "@babylonjs/core/Materials/Textures/renderTargetTexture.js";
import { createSkyTexture, HorizonColor } from "./natureTextures.js";

/** Where the sun is: azimuth in the x-z plane from +x towards +z, elevation above the horizon (radians). */
export const Sun = { azimuth: (215 * Math.PI) / 180, elevation: (38 * Math.PI) / 180 } as const;

export interface Environment {
    sun: DirectionalLight;
    shadows: ShadowGenerator;
    sky: Mesh;
    /**
     * Renders the shadow map once more and then keeps it: only static meshes cast shadows (moving things have blob
     * shadows), so re-rendering it every frame would cost ~10% of a software GPU's frame for nothing. Call once the
     * scene is ready; a restored device renders it again.
     */
    freezeShadows(): void;
}

/** A dome whose texture coordinates are the equirectangular (azimuth, elevation) the sky painter uses. */
function createSkyDome(scene: Scene, radius: number): Mesh {
    const columns = 48;
    const rows = 14;
    const minElevation = -0.35;
    const positions: number[] = [];
    const uvs: number[] = [];
    const indices: number[] = [];
    for (let j = 0; j <= rows; j++) {
        const elevation = minElevation + ((Math.PI / 2 - minElevation) * j) / rows;
        for (let i = 0; i <= columns; i++) {
            const azimuth = (i / columns) * Math.PI * 2;
            positions.push(radius * Math.cos(elevation) * Math.cos(azimuth), radius * Math.sin(elevation), radius * Math.cos(elevation) * Math.sin(azimuth));
            uvs.push(i / columns, 0.5 + elevation / Math.PI);
        }
    }
    for (let j = 0; j < rows; j++) {
        for (let i = 0; i < columns; i++) {
            const a = j * (columns + 1) + i;
            const b = a + columns + 1;
            indices.push(a, b, a + 1, a + 1, b, b + 1);
        }
    }
    const data = new VertexData();
    data.positions = positions;
    data.uvs = uvs;
    data.indices = indices;
    data.normals = positions.map((v) => -v / radius);
    const dome = new Mesh("sky", scene);
    data.applyToMesh(dome);
    const material = new StandardMaterial("sky", scene);
    material.emissiveTexture = createSkyTexture(scene, Sun.azimuth, Sun.elevation);
    material.disableLighting = true;
    material.backFaceCulling = false;
    material.fogEnabled = false;
    dome.material = material;
    dome.infiniteDistance = true;
    dome.isPickable = false;
    return dome;
}

export function createEnvironment(scene: Scene): Environment {
    const horizon = new Color3(...HorizonColor);
    scene.clearColor = new Color4(horizon.r, horizon.g, horizon.b, 1);
    scene.ambientColor = new Color3(0, 0, 0);
    scene.fogMode = Scene.FOGMODE_LINEAR;
    scene.fogStart = 60;
    scene.fogEnd = 640;
    scene.fogColor = horizon;

    const skyLight = new HemisphericLight("skyLight", new Vector3(0.2, 1, 0.1), scene);
    skyLight.intensity = 0.62;
    skyLight.diffuse = new Color3(0.78, 0.86, 1.0);
    skyLight.groundColor = new Color3(0.42, 0.38, 0.3);
    skyLight.specular = new Color3(0, 0, 0);

    const toSun = new Vector3(Math.cos(Sun.elevation) * Math.cos(Sun.azimuth), Math.sin(Sun.elevation), Math.cos(Sun.elevation) * Math.sin(Sun.azimuth));
    const sun = new DirectionalLight("sun", toSun.scale(-1), scene);
    sun.intensity = 0.82;
    sun.diffuse = new Color3(1, 0.94, 0.84);
    sun.specular = new Color3(0.5, 0.46, 0.4);
    // A fixed shadow frustum over the village: stable shadows whatever moves, and a small map suffices.
    sun.position = toSun.scale(90);
    sun.autoUpdateExtends = false;
    sun.shadowFrustumSize = 84;
    sun.shadowMinZ = 1;
    sun.shadowMaxZ = 200;

    const shadows = new ShadowGenerator(1024, sun);
    shadows.usePercentageCloserFiltering = true;
    shadows.filteringQuality = ShadowGenerator.QUALITY_LOW;
    shadows.bias = 0.0015;
    shadows.normalBias = 0.03;
    shadows.darkness = 0.25;

    const sky = createSkyDome(scene, 900);
    const map = shadows.getShadowMap()!;
    scene.getEngine().onContextRestoredObservable.add(() => map.resetRefreshCounter());
    return {
        sun,
        shadows,
        sky,
        freezeShadows: () => {
            map.refreshRate = RenderTargetTexture.REFRESHRATE_RENDER_ONCE;
        },
    };
}
