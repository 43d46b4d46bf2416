/**
 * Collects many small pieces of geometry into one mesh, so the static village draws in a handful of calls. Pieces
 * come from Babylon's vertex-data builders or from quads and triangles, each with a transform, a vertex colour and an
 * atlas rectangle into which its 0..1 texture coordinates are mapped.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { Mesh } from "@babylonjs/core/Meshes/mesh.js";
import { VertexData } from "@babylonjs/core/Meshes/mesh.vertexData.js";
import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import type { Material } from "@babylonjs/core/Materials/material.js";
import type { UvRect } from "./atlasLayout.js";

export type Rgb = readonly [number, number, number];

export interface PieceOptions {
    /** Placement of the piece. @defaultValue identity */
    matrix?: Matrix;
    /** Vertex colour (multiplies the texture). @defaultValue white */
    color?: Rgb;
    /** Atlas rectangle that the piece's 0..1 UVs map into. @defaultValue the whole texture */
    uv?: UvRect;
    /** Scales UVs before mapping (for tiling textures). @defaultValue [1, 1] */
    uvScale?: readonly [number, number];
    /**
     * Darkens or lightens the colour from the piece's lowest to its highest vertex (its own y, before placement):
     * a cheap stand-in for the self-shadowing of a leafy crown. @defaultValue [1, 1]
     */
    gradient?: readonly [number, number];
}

type P3 = readonly [number, number, number];
type P2 = readonly [number, number];

const White: Rgb = [1, 1, 1];
const DefaultQuadUv: readonly P2[] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
];

export class GeometryBatch {
    private readonly _positions: number[] = [];
    private readonly _normals: number[] = [];
    private readonly _uvs: number[] = [];
    private readonly _colors: number[] = [];
    private readonly _indices: number[] = [];

    public get vertexCount(): number {
        return this._positions.length / 3;
    }

    /** Adds a piece built by one of Babylon's `Create…VertexData` functions. */
    public add(data: VertexData, options: PieceOptions = {}): this {
        const matrix = options.matrix ?? Matrix.Identity();
        const color = options.color ?? White;
        const base = this.vertexCount;
        const positions = data.positions!;
        const normals = data.normals!;
        const uvs = data.uvs;
        const p = new Vector3();
        const n = new Vector3();
        // A mirroring matrix flips the winding; flip the triangles back so faces stay front-facing.
        const mirrored = matrix.determinant() < 0;
        const [bottom, top] = options.gradient ?? [1, 1];
        let minY = Infinity;
        let maxY = -Infinity;
        for (let i = 1; i < positions.length; i += 3) {
            minY = Math.min(minY, positions[i]);
            maxY = Math.max(maxY, positions[i]);
        }
        for (let i = 0; i < positions.length / 3; i++) {
            Vector3.TransformCoordinatesFromFloatsToRef(positions[i * 3], positions[i * 3 + 1], positions[i * 3 + 2], matrix, p);
            Vector3.TransformNormalFromFloatsToRef(normals[i * 3], normals[i * 3 + 1], normals[i * 3 + 2], matrix, n);
            n.normalize();
            this._positions.push(p.x, p.y, p.z);
            this._normals.push(n.x, n.y, n.z);
            const [u, v] = uvs ? [uvs[i * 2], uvs[i * 2 + 1]] : [0.5, 0.5];
            this._pushUv(u, v, options);
            const shade = bottom + (top - bottom) * (maxY > minY ? (positions[i * 3 + 1] - minY) / (maxY - minY) : 0.5);
            this._colors.push(color[0] * shade, color[1] * shade, color[2] * shade, 1);
        }
        const indices = data.indices!;
        for (let i = 0; i < indices.length; i += 3) {
            if (mirrored) {
                this._indices.push(base + indices[i], base + indices[i + 2], base + indices[i + 1]);
            } else {
                this._indices.push(base + indices[i], base + indices[i + 1], base + indices[i + 2]);
            }
        }
        return this;
    }

    /**
     * Adds a flat quad. Corners go counter-clockwise as seen from the side it faces; `uv` gives each corner's
     * coordinates (default: p0 bottom-left, p1 bottom-right, p2 top-right, p3 top-left).
     */
    public quad(corners: readonly [P3, P3, P3, P3], options: PieceOptions & { uvs?: readonly P2[] } = {}): this {
        return this._polygon(corners, options.uvs ?? DefaultQuadUv, options);
    }

    /** Adds a flat triangle, counter-clockwise as seen from the side it faces. */
    public triangle(corners: readonly [P3, P3, P3], uvs: readonly [P2, P2, P2], options: PieceOptions = {}): this {
        return this._polygon(corners, uvs, options);
    }

    private _polygon(corners: readonly P3[], uvs: readonly P2[], options: PieceOptions): this {
        const matrix = options.matrix ?? Matrix.Identity();
        const color = options.color ?? White;
        const world = corners.map((c) => Vector3.TransformCoordinates(new Vector3(c[0], c[1], c[2]), matrix));
        // Babylon is left-handed: a face seen counter-clockwise has the normal (p2 - p0) x (p1 - p0).
        const normal = Vector3.Cross(world[2].subtract(world[0]), world[1].subtract(world[0])).normalize();
        const base = this.vertexCount;
        world.forEach((p, i) => {
            this._positions.push(p.x, p.y, p.z);
            this._normals.push(normal.x, normal.y, normal.z);
            this._pushUv(uvs[i][0], uvs[i][1], options);
            this._colors.push(color[0], color[1], color[2], 1);
        });
        for (let i = 1; i + 1 < corners.length; i++) {
            this._indices.push(base, base + i, base + i + 1);
        }
        return this;
    }

    private _pushUv(u: number, v: number, options: PieceOptions): void {
        const [su, sv] = options.uvScale ?? [1, 1];
        u *= su;
        v *= sv;
        const r = options.uv;
        this._uvs.push(r ? r.u0 + (r.u1 - r.u0) * u : u, r ? r.v0 + (r.v1 - r.v0) * v : v);
    }

    /** Builds the mesh with its world matrix frozen (static geometry; unfreeze it to move the mesh). */
    public toMesh(name: string, scene: Scene, material: Material, options: { flatShaded?: boolean } = {}): Mesh {
        const mesh = new Mesh(name, scene);
        const data = new VertexData();
        data.positions = this._positions;
        data.normals = this._normals;
        data.uvs = this._uvs;
        data.colors = this._colors;
        data.indices = this._indices;
        data.applyToMesh(mesh, false);
        if (options.flatShaded) {
            mesh.convertToFlatShadedMesh();
        }
        mesh.material = material;
        mesh.hasVertexAlpha = false;
        mesh.freezeWorldMatrix();
        return mesh;
    }
}

/** A placement matrix: scale, then rotation about y, then translation. */
export function place(
    x: number,
    y: number,
    z: number,
    options: { rotationY?: number; scale?: number | readonly [number, number, number]; rotationX?: number; rotationZ?: number } = {}
): Matrix {
    const s = options.scale ?? 1;
    const [sx, sy, sz] = typeof s === "number" ? [s, s, s] : s;
    return Matrix.Scaling(sx, sy, sz)
        .multiply(Matrix.RotationYawPitchRoll(options.rotationY ?? 0, options.rotationX ?? 0, options.rotationZ ?? 0))
        .multiply(Matrix.Translation(x, y, z));
}
