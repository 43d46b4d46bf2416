/**
 * The ground: a polar grid (fine near the village, coarse towards the mountains) following `terrainHeight`, the
 * cobbled square with its curb, and the materials that colour them.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { Mesh } from "@babylonjs/core/Meshes/mesh.js";
import { VertexData } from "@babylonjs/core/Meshes/mesh.vertexData.js";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial.js";
import { Color3 } from "@babylonjs/core/Maths/math.color.js";
import { CreateDiscVertexData } from "@babylonjs/core/Meshes/Builders/discBuilder.js";
import { PlazaRadius, terrainHeight } from "./layout.js";
import { createCobbleTexture, createGroundDetailTexture, createTerrainColorMap, TerrainMapExtent } from "./groundTextures.js";
import { Atlas } from "./atlasLayout.js";
import { GeometryBatch, place } from "./geometryBatch.js";
import { smoothstep } from "./random.js";

/** Ring radii of the terrain grid: ~3 m steps around the village, growing towards the horizon. */
function ringRadii(): number[] {
    const radii = [0, 5, 9.5];
    let r = 9.5;
    while (r < 600) {
        r += r < 60 ? 3.5 : r * 0.16;
        radii.push(r);
    }
    return radii;
}

/** Large-scale tint: meadow near the village, forested slopes, grey-green rock on the mountains. */
function biomeColor(r: number, h: number): [number, number, number] {
    const forest = smoothstep(70, 140, r);
    const rock = smoothstep(30, 80, h);
    const c: [number, number, number] = [1, 1, 1];
    const forestTint = [0.55, 0.72, 0.5];
    const rockTint = [0.82, 0.84, 0.8];
    for (let k = 0; k < 3; k++) {
        c[k] = 1 + (forestTint[k] - 1) * forest;
        c[k] = c[k] + (rockTint[k] - c[k]) * rock;
    }
    return c;
}

export function createTerrain(scene: Scene): Mesh {
    const segments = 64;
    const radii = ringRadii();
    const positions: number[] = [];
    const colors: number[] = [];
    const uvs: number[] = [];
    const indices: number[] = [];
    for (let ring = 0; ring < radii.length; ring++) {
        const r = radii[ring];
        const count = ring === 0 ? 1 : segments;
        for (let s = 0; s < count; s++) {
            // Odd rings are rotated half a segment: triangles stay closer to equilateral.
            const angle = ((s + (ring % 2) * 0.5) / segments) * Math.PI * 2;
            const x = Math.cos(angle) * r;
            const z = Math.sin(angle) * r;
            const y = terrainHeight(x, z);
            positions.push(x, y, z);
            const [cr, cg, cb] = biomeColor(r, y);
            colors.push(cr, cg, cb, 1);
            uvs.push(x / TerrainMapExtent + 0.5, z / TerrainMapExtent + 0.5);
        }
    }
    const ringStart = (ring: number) => (ring === 0 ? 0 : 1 + (ring - 1) * segments);
    for (let s = 0; s < segments; s++) {
        indices.push(0, 1 + ((s + 1) % segments), 1 + s);
    }
    for (let ring = 1; ring + 1 < radii.length; ring++) {
        const a = ringStart(ring);
        const b = ringStart(ring + 1);
        const shifted = ring % 2 === 1; // the inner ring of this band is the rotated one
        for (let s = 0; s < segments; s++) {
            const s1 = (s + 1) % segments;
            if (shifted) {
                indices.push(a + s, a + s1, b + s1);
                indices.push(a + s, b + s1, b + s);
            } else {
                indices.push(a + s, a + s1, b + s);
                indices.push(a + s1, b + s1, b + s);
            }
        }
    }
    // Counter-clockwise seen from above in Babylon's left-handed frame: flip each triangle.
    for (let i = 0; i < indices.length; i += 3) {
        [indices[i + 1], indices[i + 2]] = [indices[i + 2], indices[i + 1]];
    }
    const normals: number[] = [];
    VertexData.ComputeNormals(positions, indices, normals);
    const data = new VertexData();
    data.positions = positions;
    data.indices = indices;
    data.normals = normals;
    data.colors = colors;
    data.uvs = uvs;
    const mesh = new Mesh("terrain", scene);
    data.applyToMesh(mesh);
    const material = new StandardMaterial("terrain", scene);
    material.diffuseTexture = createTerrainColorMap(scene);
    const detail = createGroundDetailTexture(scene);
    detail.uScale = detail.vScale = TerrainMapExtent / 2.5;
    material.ambientTexture = detail;
    material.specularColor = new Color3(0.03, 0.03, 0.03);
    mesh.material = material;
    mesh.receiveShadows = true;
    mesh.freezeWorldMatrix();
    return mesh;
}

/** The cobbled square (a disc a little above the ground) and its stone curb. */
export function createPlaza(scene: Scene, walls: GeometryBatch): Mesh {
    const batch = new GeometryBatch();
    batch.add(CreateDiscVertexData({ radius: PlazaRadius, tessellation: 64 }), {
        matrix: place(0, 0.03, 0, { rotationX: Math.PI / 2 }),
        uvScale: [PlazaRadius / 1.6, PlazaRadius / 1.6],
    });
    const material = new StandardMaterial("plaza", scene);
    material.diffuseTexture = createCobbleTexture(scene);
    material.specularColor = new Color3(0.06, 0.06, 0.06);
    const mesh = batch.toMesh("plaza", scene, material);
    mesh.receiveShadows = true;
    addCurb(walls, PlazaRadius, 48);
    return mesh;
}

/** A low stone curb around the square: a ring of top and side quads (a torus would cost thousands of triangles). */
function addCurb(walls: GeometryBatch, radius: number, segments: number): void {
    const inner = radius - 0.25;
    const outer = radius + 0.25;
    const top = 0.12;
    const bottom = -0.1;
    const uv = Atlas.swatch("paleStone");
    for (let i = 0; i < segments; i++) {
        const a0 = (i / segments) * Math.PI * 2;
        const a1 = ((i + 1) / segments) * Math.PI * 2;
        const at = (r: number, a: number, y: number) => [Math.cos(a) * r, y, Math.sin(a) * r] as const;
        // Angles grow counter-clockwise seen from above (+x towards +z), which Babylon shows as clockwise.
        walls.quad([at(inner, a0, top), at(inner, a1, top), at(outer, a1, top), at(outer, a0, top)], { uv });
        walls.quad([at(outer, a0, bottom), at(outer, a1, bottom), at(outer, a1, top), at(outer, a0, top)].reverse() as never, { uv });
        walls.quad([at(inner, a0, bottom), at(inner, a1, bottom), at(inner, a1, top), at(inner, a0, top)], { uv });
    }
}
