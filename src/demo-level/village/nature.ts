/**
 * Trees, bushes and reeds: trunks go into the atlas batch, crowns into the foliage batch (one leafy texture tinted
 * per tree by vertex colour). Crowns are lumpy icospheres, displaced by seeded noise so no two look alike.
 */
import { VertexData } from "@babylonjs/core/Meshes/mesh.vertexData.js";
import { CreateIcoSphereVertexData } from "@babylonjs/core/Meshes/Builders/icoSphereBuilder.js";
import { CreateCylinderVertexData } from "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import { Atlas } from "./atlasLayout.js";
import { place, type GeometryBatch, type Rgb } from "./geometryBatch.js";
import { Pond, terrainHeight, type TreeSpec } from "./layout.js";
import { Random, valueNoise } from "./random.js";

/** An icosphere whose vertices are pushed in and out by noise: a clump of leaves. */
function lumpySphere(radius: number, seed: number, roughness = 0.22): VertexData {
    const data = CreateIcoSphereVertexData({ radius: 1, subdivisions: 2, flat: false }); // 80 triangles
    const p = data.positions as number[];
    for (let i = 0; i < p.length; i += 3) {
        const n = valueNoise(p[i] * 1.7 + seed, p[i + 1] * 1.7 + p[i + 2] * 1.3, seed);
        const f = radius * (1 - roughness + roughness * 2 * n);
        p[i] *= f;
        p[i + 1] *= f * 0.9;
        p[i + 2] *= f;
    }
    const normals: number[] = [];
    VertexData.ComputeNormals(p, data.indices, normals);
    data.normals = normals;
    return data;
}

/** Cache of crown shapes: a few seeds are enough for variety, and reuse keeps start-up fast. */
const crowns = new Map<string, VertexData>();
function crown(radius: number, seed: number): VertexData {
    const key = `${seed % 7}`;
    if (!crowns.has(key)) {
        crowns.set(key, lumpySphere(1, seed % 7));
    }
    const data = crowns.get(key)!;
    // Scale a copy (positions only; normals are direction-only).
    const copy = new VertexData();
    copy.positions = (data.positions as number[]).map((v) => v * radius);
    copy.normals = data.normals;
    copy.uvs = data.uvs;
    copy.indices = data.indices;
    return copy;
}

const LeafTints: Record<TreeSpec["kind"], Rgb[]> = {
    oak: [
        [0.42, 0.62, 0.3],
        [0.5, 0.66, 0.28],
        [0.36, 0.55, 0.3],
    ],
    birch: [
        [0.62, 0.74, 0.32],
        [0.7, 0.78, 0.36],
    ],
    pine: [
        [0.24, 0.42, 0.3],
        [0.28, 0.46, 0.32],
    ],
};

export function addTree(tree: TreeSpec, trunks: GeometryBatch, foliage: GeometryBatch): void {
    const random = new Random(tree.seed);
    const y = terrainHeight(tree.x, tree.z) - 0.1;
    const s = tree.scale;
    const turn = random.range(0, Math.PI * 2);
    const tint = random.pick(LeafTints[tree.kind]);
    if (tree.kind === "pine") {
        const height = 2.2 * s;
        trunks.add(CreateCylinderVertexData({ height, diameterTop: 0.2 * s, diameterBottom: 0.38 * s, tessellation: 6 }), {
            matrix: place(tree.x, y + height / 2, tree.z),
            uv: Atlas.swatch("bark"),
        });
        for (let i = 0; i < 3; i++) {
            const h = (3.2 - i * 0.6) * s;
            const d = (3.6 - i * 0.95) * s;
            foliage.add(CreateCylinderVertexData({ height: h, diameterTop: 0, diameterBottom: d, tessellation: 9 }), {
                matrix: place(tree.x, y + height * 0.6 + i * 1.3 * s + h / 2, tree.z, { rotationY: turn + i }),
                color: tint.map((c) => c * (0.9 + i * 0.07)) as unknown as Rgb,
                uvScale: [2, 1],
                gradient: [0.7, 1.12],
            });
        }
        return;
    }
    const birch = tree.kind === "birch";
    const height = (birch ? 3.2 : 2.4) * s;
    trunks.add(CreateCylinderVertexData({ height, diameterTop: (birch ? 0.16 : 0.3) * s, diameterBottom: (birch ? 0.26 : 0.5) * s, tessellation: 7 }), {
        matrix: place(tree.x, y + height / 2, tree.z, { rotationY: turn }),
        uv: Atlas.swatch(birch ? "white" : "bark"),
        color: birch ? [0.9, 0.88, 0.84] : [1, 1, 1],
    });
    const clumps = birch ? 2 : 4;
    for (let i = 0; i < clumps; i++) {
        const r = (birch ? 1.1 : 1.55) * s * random.range(0.8, 1.05);
        const a = turn + (i / clumps) * Math.PI * 2;
        const off = i === 0 ? 0 : 0.75 * s;
        foliage.add(crown(r, tree.seed + i), {
            matrix: place(tree.x + Math.cos(a) * off, y + height + r * (birch ? 0.9 : 0.55) + (i === 0 ? 0.45 * s : 0), tree.z + Math.sin(a) * off, {
                rotationY: a,
            }),
            color: tint.map((c) => c * random.range(0.9, 1.08)) as unknown as Rgb,
            uvScale: [3, 3],
            gradient: [0.62, 1.18],
        });
    }
}

const BushTints: Rgb[] = [
    [0.4, 0.58, 0.3],
    [0.48, 0.6, 0.26],
    [0.38, 0.52, 0.34],
];

export function addBush(x: number, z: number, variant: number, foliage: GeometryBatch): void {
    const y = terrainHeight(x, z);
    foliage.add(crown(0.75, variant + 3), {
        matrix: place(x, y + 0.35, z, { rotationY: variant }),
        color: BushTints[variant % BushTints.length],
        uvScale: [2, 2],
        gradient: [0.65, 1.15],
    });
}

/** Clumps of reeds around the pond's shore. */
export function addReeds(foliage: GeometryBatch): void {
    const random = new Random(404);
    for (let i = 0; i < 40; i++) {
        const a = random.range(0, Math.PI * 2);
        const r = Pond.radius + random.range(-1.2, 0.3);
        const x = Pond.x + Math.cos(a) * r;
        const z = Pond.z + Math.sin(a) * r;
        const h = random.range(0.9, 1.6);
        foliage.add(CreateCylinderVertexData({ height: h, diameterTop: 0, diameterBottom: 0.16, tessellation: 4 }), {
            matrix: place(x, Math.max(terrainHeight(x, z), Pond.waterLevel) + h / 2 - 0.05, z, { rotationZ: random.range(-0.15, 0.15) }),
            color: [0.7, 0.72, 0.36],
        });
    }
}
