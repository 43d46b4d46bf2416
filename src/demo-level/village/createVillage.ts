/**
 * The demo level: a village square with half-timbered houses around a fountain, market stalls, a windmill on a hill,
 * a pond, trees, villagers and birds, under a painted sky with a low afternoon sun.
 *
 * Everything static is merged by material (the building atlas, roof tiles, leaves, the ground): about ten draw calls
 * for the whole village, which keeps it interactive on a software GPU.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { Color3 } from "@babylonjs/core/Maths/math.color.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import type { Mesh } from "@babylonjs/core/Meshes/mesh.js";
import { GeometryBatch } from "./geometryBatch.js";
import { createBuildingAtlas, createRoofTexture } from "./buildingTextures.js";
import { createFoliageTexture } from "./natureTextures.js";
import { createEnvironment, type Environment } from "./environment.js";
import { createPlaza, createTerrain } from "./ground.js";
import { addHouse, addWindmill } from "./buildings.js";
import { addProp } from "./props.js";
import { addReeds, addTree } from "./nature.js";
import { createWaters } from "./water.js";
import { createLife } from "./life.js";
import { Houses, Props, Trees } from "./layout.js";

export interface Village {
    scene: Scene;
    camera: FreeCamera;
    environment: Environment;
    /** Poses every moving thing for level time `t` (seconds): villagers, sails, water, ducks, birds. */
    animate(t: number): void;
    /** Static meshes merged by material, for inspection and tests. */
    staticMeshes: Mesh[];
    /** The windmill's sail hub, world space (the quest marker points at it). */
    windmillHub: readonly [number, number, number];
}

export function createVillage(engine: AbstractEngine): Village {
    const scene = new Scene(engine);
    // Nothing in the level is clicked; picking on every pointer move would cost CPU for nothing.
    scene.skipPointerMovePicking = true;
    const camera = new FreeCamera("camera", new Vector3(0, 1.7, -16), scene);
    camera.fov = 0.95;
    camera.minZ = 0.1;
    camera.maxZ = 2000;
    const environment = createEnvironment(scene);

    const atlas = new StandardMaterial("buildings", scene);
    atlas.diffuseTexture = createBuildingAtlas(scene);
    atlas.specularColor = new Color3(0.06, 0.06, 0.06);
    const roofMaterial = new StandardMaterial("roofs", scene);
    roofMaterial.diffuseTexture = createRoofTexture(scene);
    roofMaterial.specularColor = new Color3(0.08, 0.08, 0.08);
    roofMaterial.backFaceCulling = false;
    roofMaterial.twoSidedLighting = true;
    const foliageMaterial = new StandardMaterial("foliage", scene);
    foliageMaterial.diffuseTexture = createFoliageTexture(scene);
    foliageMaterial.specularColor = new Color3(0, 0, 0);

    const walls = new GeometryBatch();
    const roofs = new GeometryBatch();
    const foliage = new GeometryBatch();
    for (const house of Houses) {
        addHouse(house, walls, roofs);
    }
    const windmill = addWindmill(walls, roofs);
    for (const prop of Props) {
        addProp(prop, walls, roofs, foliage);
    }
    for (const tree of Trees) {
        addTree(tree, walls, foliage);
    }
    addReeds(foliage);
    const terrain = createTerrain(scene);
    const plaza = createPlaza(scene, walls);
    const waters = createWaters(scene, walls);

    const staticMeshes = [
        walls.toMesh("buildings", scene, atlas),
        roofs.toMesh("roofs", scene, roofMaterial),
        foliage.toMesh("foliage", scene, foliageMaterial),
    ];
    const life = createLife(scene, atlas, windmill);
    for (const mesh of staticMeshes) {
        environment.shadows.addShadowCaster(mesh, false);
    }
    for (const mesh of [...staticMeshes, terrain, plaza]) {
        mesh.receiveShadows = true;
    }
    for (const mesh of scene.meshes) {
        mesh.isPickable = false;
    }
    // Fog only matters far away, i.e. on the terrain; elsewhere it would cost every pixel a few percent for nothing.
    for (const material of scene.materials) {
        if (material !== terrain.material) {
            material.fogEnabled = false;
        }
    }
    return {
        scene,
        camera,
        environment,
        staticMeshes: [...staticMeshes, terrain, plaza],
        windmillHub: windmill.hub,
        animate(t: number): void {
            life.update(t);
            waters.update(t);
        },
    };
}
