/** The fountain (stone in the atlas batch, water animated) and the pond. */
import type { Scene } from "@babylonjs/core/scene.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { Color3 } from "@babylonjs/core/Maths/math.color.js";
import { CreateCylinderVertexData } from "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import { CreateDiscVertexData } from "@babylonjs/core/Meshes/Builders/discBuilder.js";
import { CreateTorusVertexData } from "@babylonjs/core/Meshes/Builders/torusBuilder.js";
import { CreateIcoSphereVertexData } from "@babylonjs/core/Meshes/Builders/icoSphereBuilder.js";
import { Atlas } from "./atlasLayout.js";
import { createFallingWaterTexture, createWaterTexture } from "./natureTextures.js";
import { GeometryBatch, place } from "./geometryBatch.js";
import { Pond } from "./layout.js";

export interface Waters {
    /** Moves the ripples and the falling water to time `t` (seconds). */
    update(t: number): void;
}

const FountainWaterLevel = 0.62;

export function createWaters(scene: Scene, stone: GeometryBatch): Waters {
    // Fountain stonework: an octagonal basin with a rim, a pillar, an upper bowl and a finial.
    stone.add(CreateCylinderVertexData({ height: 0.75, diameter: 5.0, tessellation: 8 }), {
        matrix: place(0, 0.36, 0, { rotationY: Math.PI / 8 }),
        uv: Atlas.swatch("paleStone"),
    });
    stone.add(CreateTorusVertexData({ diameter: 4.9, thickness: 0.32, tessellation: 8 }), {
        matrix: place(0, 0.76, 0, { rotationY: Math.PI / 8, scale: [1, 0.6, 1] }),
        uv: Atlas.swatch("paleStone"),
    });
    stone.add(CreateCylinderVertexData({ height: 1.7, diameterTop: 0.45, diameterBottom: 0.7, tessellation: 8 }), {
        matrix: place(0, 1.4, 0),
        uv: Atlas.swatch("paleStone"),
    });
    stone.add(CreateCylinderVertexData({ height: 0.42, diameterTop: 1.9, diameterBottom: 0.5, tessellation: 12 }), {
        matrix: place(0, 2.2, 0),
        uv: Atlas.swatch("paleStone"),
    });
    stone.add(CreateCylinderVertexData({ height: 0.6, diameterTop: 0.12, diameterBottom: 0.3, tessellation: 8 }), {
        matrix: place(0, 2.7, 0),
        uv: Atlas.swatch("paleStone"),
    });
    stone.add(CreateIcoSphereVertexData({ radius: 0.16, subdivisions: 2 }), { matrix: place(0, 3.05, 0), uv: Atlas.swatch("lantern") });

    const ripples = createWaterTexture(scene);
    ripples.uScale = ripples.vScale = 2;
    const water = new StandardMaterial("water", scene);
    water.diffuseTexture = ripples;
    water.diffuseColor = new Color3(0.55, 0.8, 0.85);
    water.specularColor = new Color3(0.9, 0.9, 0.85);
    water.specularPower = 48;
    water.alpha = 0.86;
    const surfaces = new GeometryBatch();
    surfaces.add(CreateDiscVertexData({ radius: 2.3, tessellation: 8 }), {
        matrix: place(0, FountainWaterLevel, 0, { rotationX: Math.PI / 2, rotationY: Math.PI / 8 }),
    });
    surfaces.add(CreateDiscVertexData({ radius: 0.88, tessellation: 12 }), { matrix: place(0, 2.38, 0, { rotationX: Math.PI / 2 }), uvScale: [0.4, 0.4] });
    surfaces.add(CreateDiscVertexData({ radius: Pond.radius + 0.6, tessellation: 40 }), {
        matrix: place(Pond.x, Pond.waterLevel, Pond.z, { rotationX: Math.PI / 2 }),
        uvScale: [3, 3],
    });
    const surfaceMesh = surfaces.toMesh("waterSurfaces", scene, water);
    surfaceMesh.receiveShadows = true;

    const falling = createFallingWaterTexture(scene);
    falling.uScale = 3;
    const curtain = new StandardMaterial("fallingWater", scene);
    curtain.diffuseTexture = falling;
    curtain.useAlphaFromDiffuseTexture = true;
    curtain.backFaceCulling = false;
    curtain.specularColor = new Color3(0, 0, 0);
    curtain.emissiveColor = new Color3(0.45, 0.5, 0.55);
    const sheets = new GeometryBatch();
    // A water curtain from the upper bowl's rim to the basin, and a jet above the finial.
    sheets.add(CreateCylinderVertexData({ height: 1.78, diameterTop: 1.86, diameterBottom: 2.5, tessellation: 16, cap: 0 }), {
        matrix: place(0, FountainWaterLevel + 0.89 + 0.01, 0),
    });
    sheets.toMesh("fallingWater", scene, curtain);

    return {
        update(t: number): void {
            ripples.uOffset = (t * 0.021) % 1;
            ripples.vOffset = (t * 0.013) % 1;
            falling.vOffset = (t * 0.9) % 1;
        },
    };
}
