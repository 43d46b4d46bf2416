/** Market stalls, lamps, benches, the well, barrels, crates, the cart, hay bales and fences, from `Props`. */
import { CreateBoxVertexData } from "@babylonjs/core/Meshes/Builders/boxBuilder.js";
import { CreateCylinderVertexData } from "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import type { Matrix } from "@babylonjs/core/Maths/math.vector.js";
import { Atlas, type AtlasSwatch } from "./atlasLayout.js";
import { place, type GeometryBatch } from "./geometryBatch.js";
import { terrainHeight, type PropSpec } from "./layout.js";
import { addBush } from "./nature.js";

type P3 = readonly [number, number, number];

const Awnings: AtlasSwatch[] = ["awningRed", "awningBlue", "awningGreen"];

function box(
    batch: GeometryBatch,
    frame: Matrix,
    size: P3,
    at: P3,
    swatch: AtlasSwatch,
    options: { rotationY?: number; rotationZ?: number; rotationX?: number } = {}
): void {
    batch.add(CreateBoxVertexData({ width: size[0], height: size[1], depth: size[2] }), {
        matrix: place(at[0], at[1], at[2], options).multiply(frame),
        uv: Atlas.swatch(swatch),
    });
}

/** A quad visible from both sides (awnings, sails): added twice with opposite windings. */
function twoSided(batch: GeometryBatch, corners: [P3, P3, P3, P3], frame: Matrix, swatch: AtlasSwatch): void {
    batch.quad(corners, { matrix: frame, uv: Atlas.swatch(swatch) });
    batch.quad([corners[1], corners[0], corners[3], corners[2]], {
        matrix: frame,
        uv: Atlas.swatch(swatch),
        uvs: [
            [1, 0],
            [0, 0],
            [0, 1],
            [1, 1],
        ],
    });
}

function stall(batch: GeometryBatch, frame: Matrix, variant: number): void {
    box(batch, frame, [2.6, 0.08, 1.2], [0, 0.9, 0], "planks");
    box(batch, frame, [2.6, 0.82, 0.06], [0, 0.45, -0.6], "planks");
    box(batch, frame, [2.4, 0.16, 1.0], [0, 1.0, 0.02], "produce");
    for (const [x, z, h] of [
        [-1.3, -0.65, 2.5],
        [1.3, -0.65, 2.5],
        [-1.3, 0.65, 2.85],
        [1.3, 0.65, 2.85],
    ] as const) {
        box(batch, frame, [0.1, h, 0.1], [x, h / 2, z], "planks");
    }
    const awning = Awnings[variant % Awnings.length];
    twoSided(
        batch,
        [
            [-1.55, 2.45, -0.95],
            [1.55, 2.45, -0.95],
            [1.55, 2.9, 0.75],
            [-1.55, 2.9, 0.75],
        ],
        frame,
        awning
    );
    twoSided(
        batch,
        [
            [-1.55, 2.2, -0.95],
            [1.55, 2.2, -0.95],
            [1.55, 2.45, -0.95],
            [-1.55, 2.45, -0.95],
        ],
        frame,
        awning
    );
    box(batch, frame, [0.5, 0.5, 0.5], [1.7, 0.25, -0.2], "crate", { rotationY: 0.3 });
}

function lamp(batch: GeometryBatch, frame: Matrix): void {
    batch.add(CreateCylinderVertexData({ height: 2.9, diameterTop: 0.1, diameterBottom: 0.18, tessellation: 6 }), {
        matrix: place(0, 1.45, 0).multiply(frame),
        uv: Atlas.swatch("iron"),
    });
    box(batch, frame, [0.3, 0.36, 0.3], [0, 3.05, 0], "lantern");
    batch.add(CreateCylinderVertexData({ height: 0.3, diameterTop: 0, diameterBottom: 0.55, tessellation: 4 }), {
        matrix: place(0, 3.38, 0, { rotationY: Math.PI / 4 }).multiply(frame),
        uv: Atlas.swatch("iron"),
    });
}

function bench(batch: GeometryBatch, frame: Matrix): void {
    box(batch, frame, [1.7, 0.07, 0.45], [0, 0.46, 0], "planks");
    box(batch, frame, [1.7, 0.36, 0.06], [0, 0.78, 0.22], "planks", { rotationX: -0.15 });
    for (const x of [-0.7, 0.7]) {
        box(batch, frame, [0.08, 0.46, 0.4], [x, 0.23, 0], "iron");
    }
}

function well(batch: GeometryBatch, roofs: GeometryBatch, frame: Matrix): void {
    batch.add(CreateCylinderVertexData({ height: 0.85, diameter: 2.2, tessellation: 14 }), {
        matrix: place(0, 0.42, 0).multiply(frame),
        uv: Atlas.swatch("stone"),
    });
    batch.add(CreateCylinderVertexData({ height: 0.02, diameter: 1.7, tessellation: 14 }), {
        matrix: place(0, 0.86, 0).multiply(frame),
        uv: Atlas.swatch("iron"),
    });
    for (const x of [-0.95, 0.95]) {
        box(batch, frame, [0.14, 2.2, 0.14], [x, 1.1 + 0.4, 0], "planks");
    }
    box(batch, frame, [2.1, 0.12, 0.12], [0, 2.3, 0], "bark");
    batch.add(CreateCylinderVertexData({ height: 0.35, diameterTop: 0.34, diameterBottom: 0.26, tessellation: 8 }), {
        matrix: place(0.2, 1.6, 0).multiply(frame),
        uv: Atlas.swatch("barrel"),
    });
    for (const side of [-1, 1]) {
        roofs.quad(
            [
                [-1.3, 2.45, side * 1.0],
                [1.3, 2.45, side * 1.0],
                [1.3, 3.05, 0],
                [-1.3, 3.05, 0],
            ],
            { matrix: frame, color: [0.58, 0.38, 0.27], uvScale: [1.6, 0.8] }
        );
    }
}

function cart(batch: GeometryBatch, frame: Matrix): void {
    box(batch, frame, [1.5, 0.12, 2.5], [0, 0.75, 0], "planks");
    for (const x of [-0.72, 0.72]) {
        box(batch, frame, [0.06, 0.4, 2.5], [x, 1.0, 0], "planks");
        batch.add(CreateCylinderVertexData({ height: 0.1, diameter: 1.25, tessellation: 12 }), {
            matrix: place(x * 1.12, 0.62, 0.35, { rotationZ: Math.PI / 2 }).multiply(frame),
            uv: Atlas.swatch("barrel"),
        });
    }
    for (const x of [-0.35, 0.35]) {
        box(batch, frame, [0.08, 0.08, 1.8], [x, 0.6, -2.0], "bark", { rotationX: -0.25 });
    }
    batch.add(CreateCylinderVertexData({ height: 1.1, diameter: 1.0, tessellation: 10 }), {
        matrix: place(0, 1.25, 0.3, { rotationZ: Math.PI / 2 }).multiply(frame),
        uv: Atlas.swatch("hay"),
    });
}

function fence(batch: GeometryBatch, frame: Matrix): void {
    for (const x of [-1.2, 1.2]) {
        box(batch, frame, [0.12, 1.1, 0.12], [x, 0.5, 0], "bark");
    }
    box(batch, frame, [2.5, 0.1, 0.06], [0, 0.55, 0], "planks");
    box(batch, frame, [2.5, 0.1, 0.06], [0, 0.9, 0], "planks");
}

export function addProp(prop: PropSpec, batch: GeometryBatch, roofs: GeometryBatch, foliage: GeometryBatch): void {
    const ground = terrainHeight(prop.x, prop.z);
    const frame = place(prop.x, prop.kind === "fence" ? ground - 0.05 : Math.max(ground, 0.02), prop.z, { rotationY: prop.rotation });
    switch (prop.kind) {
        case "stall":
            return stall(batch, frame, prop.variant);
        case "lamp":
            return lamp(batch, frame);
        case "bench":
            return bench(batch, frame);
        case "well":
            return well(batch, roofs, frame);
        case "barrel":
            batch.add(CreateCylinderVertexData({ height: 1.0, diameterTop: 0.7, diameterBottom: 0.7, tessellation: 12 }), {
                matrix: place(0, 0.5, 0).multiply(frame),
                uv: Atlas.swatch("barrel"),
            });
            return;
        case "crate":
            box(batch, frame, [0.8, 0.8, 0.8], [0, 0.4, 0], "crate");
            if (prop.variant === 0) {
                box(batch, frame, [0.55, 0.55, 0.55], [0.05, 1.07, 0.02], "crate", { rotationY: 0.5 });
            }
            return;
        case "cart":
            return cart(batch, frame);
        case "hay":
            batch.add(CreateCylinderVertexData({ height: 1.3, diameter: 1.5, tessellation: 12 }), {
                matrix: place(0, 0.7, 0, { rotationZ: Math.PI / 2 }).multiply(frame),
                uv: Atlas.swatch("hay"),
            });
            return;
        case "bush":
            return addBush(prop.x, prop.z, prop.variant, foliage);
        case "fence":
            return fence(batch, frame);
    }
}
