/**
 * What moves: villagers walking their rounds, the windmill's sails, ducks on the pond and a flock of birds. Every
 * pose is a pure function of the level time `t`, so a given time always gives the same picture.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Material } from "@babylonjs/core/Materials/material.js";
import { Mesh } from "@babylonjs/core/Meshes/mesh.js";
import { TransformNode } from "@babylonjs/core/Meshes/transformNode.js";
import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import { CreateCylinderVertexData } from "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import { CreateIcoSphereVertexData } from "@babylonjs/core/Meshes/Builders/icoSphereBuilder.js";
import { CreateBoxVertexData } from "@babylonjs/core/Meshes/Builders/boxBuilder.js";
import "@babylonjs/core/Meshes/thinInstanceMesh.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { Color3 } from "@babylonjs/core/Maths/math.color.js";
import { CreateDiscVertexData } from "@babylonjs/core/Meshes/Builders/discBuilder.js";
import { Atlas } from "./atlasLayout.js";
import { createBlobShadowTexture } from "./natureTextures.js";
import { GeometryBatch, place, type Rgb } from "./geometryBatch.js";
import { Pond, terrainHeight, type Vec2 } from "./layout.js";
import { addWindmillSails, type WindmillParts } from "./buildings.js";

type P3 = readonly [number, number, number];

/** A closed route, walked at constant speed: arc-length parameterised. */
export class Route {
    private readonly _lengths: number[] = [0];

    public constructor(public readonly points: readonly Vec2[]) {
        for (let i = 0; i < points.length; i++) {
            const [ax, az] = points[i];
            const [bx, bz] = points[(i + 1) % points.length];
            this._lengths.push(this._lengths[i] + Math.hypot(bx - ax, bz - az));
        }
    }

    public get length(): number {
        return this._lengths[this._lengths.length - 1];
    }

    /** Position and heading (radians, Babylon's rotation.y) at distance `s` along the loop. */
    public at(s: number): { x: number; z: number; heading: number } {
        const d = ((s % this.length) + this.length) % this.length;
        let i = 0;
        while (this._lengths[i + 1] < d) {
            i++;
        }
        const [ax, az] = this.points[i];
        const [bx, bz] = this.points[(i + 1) % this.points.length];
        const t = (d - this._lengths[i]) / (this._lengths[i + 1] - this._lengths[i]);
        return { x: ax + (bx - ax) * t, z: az + (bz - az) * t, heading: Math.atan2(bx - ax, bz - az) };
    }
}

function circle(cx: number, cz: number, r: number, n: number, clockwise = false): Vec2[] {
    return Array.from({ length: n }, (_, i) => {
        const a = ((clockwise ? -i : i) / n) * Math.PI * 2;
        return [cx + Math.cos(a) * r, cz + Math.sin(a) * r] as Vec2;
    });
}

interface VillagerSpec {
    route: Vec2[];
    speed: number;
    offset: number;
    cloak: Rgb;
    hat: "straw" | "hood" | "cap";
    hatColor: Rgb;
}

const Villagers: VillagerSpec[] = [
    { route: circle(0, 0, 3.35, 20), speed: 0.9, offset: 0, cloak: [0.72, 0.2, 0.18], hat: "straw", hatColor: [1, 1, 1] },
    { route: circle(0, 0, 3.45, 20, true), speed: 0.8, offset: 9, cloak: [0.2, 0.36, 0.66], hat: "hood", hatColor: [0.2, 0.36, 0.66] },
    {
        route: [
            [-1.2, -9],
            [-1.4, -31],
            [1.4, -31],
            [1.2, -9],
        ],
        speed: 1.1,
        offset: 5,
        cloak: [0.3, 0.52, 0.28],
        hat: "cap",
        hatColor: [0.35, 0.25, 0.18],
    },
    {
        route: [
            [6.4, 5.4],
            [26.5, 23],
            [27.5, 21.8],
            [7.4, 4.4],
        ],
        speed: 1.0,
        offset: 20,
        cloak: [0.78, 0.6, 0.2],
        hat: "straw",
        hatColor: [1, 1, 1],
    },
    {
        route: [
            [-6.5, 8.5],
            [-11.5, 16],
            [-15.2, 24.5],
            [-14.2, 25],
            [-10.5, 15.5],
            [-5.6, 7.6],
        ],
        speed: 0.95,
        offset: 3,
        cloak: [0.5, 0.28, 0.55],
        hat: "hood",
        hatColor: [0.5, 0.28, 0.55],
    },
    {
        route: [
            [-8.2, -5.3],
            [-19.4, -14.4],
            [-18.6, -15.6],
            [-7.4, -6.5],
        ],
        speed: 0.85,
        offset: 11,
        cloak: [0.52, 0.36, 0.24],
        hat: "cap",
        hatColor: [0.8, 0.75, 0.6],
    },
];

const Skin: Rgb = [0.93, 0.74, 0.6];

function buildVillager(spec: VillagerSpec, index: number, scene: Scene, material: Material): Mesh {
    const batch = new GeometryBatch();
    const white = Atlas.swatch("white");
    batch.add(CreateCylinderVertexData({ height: 1.15, diameterTop: 0.36, diameterBottom: 0.72, tessellation: 9 }), {
        matrix: place(0, 0.58, 0),
        uv: white,
        color: spec.cloak,
    });
    batch.add(CreateCylinderVertexData({ height: 0.12, diameter: 0.42, tessellation: 9 }), {
        matrix: place(0, 1.12, 0),
        uv: white,
        color: spec.cloak.map((c) => c * 0.7) as unknown as Rgb,
    });
    // Arms and hands.
    for (const side of [-1, 1]) {
        batch.add(CreateCylinderVertexData({ height: 0.62, diameterTop: 0.16, diameterBottom: 0.12, tessellation: 6 }), {
            matrix: place(side * 0.26, 0.82, 0.02, { rotationZ: side * 0.22 }),
            uv: white,
            color: spec.cloak.map((c) => c * 0.85) as unknown as Rgb,
        });
        batch.add(CreateIcoSphereVertexData({ radius: 0.07, subdivisions: 1 }), { matrix: place(side * 0.33, 0.5, 0.03), uv: white, color: Skin });
    }
    batch.add(CreateIcoSphereVertexData({ radius: 0.19, subdivisions: 2 }), { matrix: place(0, 1.38, 0), uv: white, color: Skin });
    // A nose gives the head a front.
    batch.add(CreateBoxVertexData({ size: 0.06 }), { matrix: place(0, 1.37, 0.19), uv: white, color: [0.88, 0.62, 0.5] });
    if (spec.hat === "straw") {
        batch.add(CreateCylinderVertexData({ height: 0.04, diameter: 0.75, tessellation: 12 }), { matrix: place(0, 1.5, 0), uv: Atlas.swatch("hay") });
        batch.add(CreateCylinderVertexData({ height: 0.2, diameterTop: 0.26, diameterBottom: 0.34, tessellation: 10 }), {
            matrix: place(0, 1.6, 0),
            uv: Atlas.swatch("hay"),
        });
    } else if (spec.hat === "hood") {
        batch.add(CreateCylinderVertexData({ height: 0.5, diameterTop: 0, diameterBottom: 0.48, tessellation: 9 }), {
            matrix: place(0, 1.62, -0.05, { rotationX: -0.25 }),
            uv: white,
            color: spec.hatColor,
        });
    } else {
        batch.add(CreateCylinderVertexData({ height: 0.14, diameterTop: 0.3, diameterBottom: 0.42, tessellation: 10 }), {
            matrix: place(0, 1.56, 0),
            uv: white,
            color: spec.hatColor,
        });
    }
    const mesh = batch.toMesh(`villager${index}`, scene, material);
    mesh.unfreezeWorldMatrix();
    return mesh;
}

export interface Life {
    /** Every moving mesh (shadow casters). */
    meshes: Mesh[];
    update(t: number): void;
}

export function createLife(scene: Scene, atlasMaterial: Material, windmill: WindmillParts): Life {
    const meshes: Mesh[] = [];
    const walkers = Villagers.map((spec, i) => {
        const mesh = buildVillager(spec, i, scene, atlasMaterial);
        meshes.push(mesh);
        return { spec, route: new Route(spec.route), mesh };
    });

    // Sails turn about the hub's local z axis.
    const sailsBatch = new GeometryBatch();
    addWindmillSails(sailsBatch);
    const sails = sailsBatch.toMesh("windmillSails", scene, atlasMaterial);
    sails.unfreezeWorldMatrix();
    const hub = new TransformNode("windmillHub", scene);
    hub.position = new Vector3(...windmill.hub);
    hub.rotation.y = windmill.facing;
    sails.parent = hub;
    meshes.push(sails);

    // Ducks: one mesh, three thin instances.
    const duckBatch = new GeometryBatch();
    const white = Atlas.swatch("white");
    duckBatch.add(CreateIcoSphereVertexData({ radius: 0.28, subdivisions: 2 }), {
        matrix: place(0, 0.1, 0, { scale: [0.8, 0.6, 1.2] }),
        uv: white,
        color: [0.95, 0.93, 0.88],
    });
    duckBatch.add(CreateIcoSphereVertexData({ radius: 0.14, subdivisions: 2 }), { matrix: place(0, 0.36, 0.26), uv: white, color: [0.2, 0.45, 0.3] });
    duckBatch.add(CreateBoxVertexData({ width: 0.08, height: 0.04, depth: 0.14 }), { matrix: place(0, 0.34, 0.42), uv: white, color: [0.95, 0.6, 0.1] });
    const ducks = duckBatch.toMesh("ducks", scene, atlasMaterial);
    ducks.unfreezeWorldMatrix();
    const duckMatrices = new Float32Array(16 * 3);
    ducks.thinInstanceSetBuffer("matrix", duckMatrices, 16, false);
    meshes.push(ducks);

    // Birds: a shallow V, flattened and opened again to flap.
    const birdBatch = new GeometryBatch();
    for (const side of [-1, 1]) {
        const wing: [P3, P3, P3] = [
            [0, 0, 0.25],
            [side * 0.9, 0.25, -0.1],
            [0, 0, -0.3],
        ];
        // Both windings: the wings are seen from above and below.
        birdBatch.triangle(
            wing,
            [
                [0.5, 1],
                [0, 0],
                [1, 0],
            ],
            { uv: white, color: [0.18, 0.18, 0.22] }
        );
        birdBatch.triangle(
            [wing[0], wing[2], wing[1]],
            [
                [0.5, 1],
                [1, 0],
                [0, 0],
            ],
            { uv: white, color: [0.18, 0.18, 0.22] }
        );
    }
    const birds = birdBatch.toMesh("birds", scene, atlasMaterial);
    birds.unfreezeWorldMatrix();
    const birdCount = 7;
    const birdMatrices = new Float32Array(16 * birdCount);
    birds.thinInstanceSetBuffer("matrix", birdMatrices, 16, false);
    birds.alwaysSelectAsActiveMesh = true;
    ducks.alwaysSelectAsActiveMesh = true;

    // Blob shadows under villagers: the sun's shadow map holds only static meshes (it is rendered once).
    const blobMaterial = new StandardMaterial("blobShadow", scene);
    blobMaterial.diffuseTexture = createBlobShadowTexture(scene);
    blobMaterial.useAlphaFromDiffuseTexture = true;
    blobMaterial.disableLighting = true;
    blobMaterial.emissiveColor = new Color3(0, 0, 0);
    blobMaterial.zOffset = -2;
    const blobBatch = new GeometryBatch();
    blobBatch.add(CreateDiscVertexData({ radius: 0.55, tessellation: 12 }), { matrix: place(0, 0, 0, { rotationX: Math.PI / 2 }) });
    const blobs = blobBatch.toMesh("blobShadows", scene, blobMaterial);
    blobs.unfreezeWorldMatrix();
    const blobMatrices = new Float32Array(16 * walkers.length);
    blobs.thinInstanceSetBuffer("matrix", blobMatrices, 16, false);
    blobs.alwaysSelectAsActiveMesh = true;

    const tmp = new Matrix();
    const scale = new Matrix();
    const rotation = new Matrix();
    return {
        meshes,
        update(t: number): void {
            walkers.forEach(({ spec, route, mesh }, i) => {
                const distance = spec.offset + t * spec.speed;
                const { x, z, heading } = route.at(distance);
                const stride = distance * 3.2;
                const ground = Math.max(terrainHeight(x, z), 0.03);
                mesh.position.set(x, ground + Math.abs(Math.sin(stride)) * 0.06, z);
                mesh.rotation.set(0, heading, Math.sin(stride) * 0.05);
                Matrix.TranslationToRef(x, ground + 0.04, z, tmp);
                tmp.copyToArray(blobMatrices, i * 16);
            });
            blobs.thinInstanceBufferUpdated("matrix");
            hub.rotation.z = t * 0.55;
            for (let i = 0; i < 3; i++) {
                const a = t * 0.09 * (i % 2 ? -1 : 1) + i * 2.1;
                const r = 3.2 + i * 1.1;
                const direction = i % 2 ? -1 : 1;
                const heading = Math.atan2(-Math.sin(a) * direction, Math.cos(a) * direction);
                const bob = Math.sin(t * 1.7 + i) * 0.02;
                Matrix.RotationYToRef(heading, tmp);
                tmp.setTranslationFromFloats(Pond.x + Math.cos(a) * r, Pond.waterLevel + bob, Pond.z + Math.sin(a) * r);
                tmp.copyToArray(duckMatrices, i * 16);
            }
            ducks.thinInstanceBufferUpdated("matrix");
            for (let i = 0; i < birdCount; i++) {
                const a = t * 0.22 + i * 0.55;
                const r = 20 + (i % 3) * 3;
                const flap = 0.25 + 0.75 * Math.abs(Math.sin(t * 5 + i * 1.3));
                const x = 6 + Math.cos(a) * r;
                const z = 12 + Math.sin(a) * r;
                const y = 24 + Math.sin(a * 2 + i) * 1.5 + (i % 2) * 2;
                const heading = Math.atan2(-Math.sin(a), Math.cos(a)); // tangent of the circle
                Matrix.ScalingToRef(1, flap, 1, scale);
                Matrix.RotationYToRef(heading, rotation);
                scale.multiplyToRef(rotation, tmp);
                tmp.setTranslationFromFloats(x, y, z);
                tmp.copyToArray(birdMatrices, i * 16);
            }
            birds.thinInstanceBufferUpdated("matrix");
        },
    };
}
