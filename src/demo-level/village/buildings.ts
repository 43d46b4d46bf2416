/**
 * Half-timbered houses and the windmill, added to the village's geometry batches: walls are built bay by bay from
 * atlas tiles (so windows and doors line up with the timber frame), roofs are thick slabs of tinted tiles.
 */
import { Matrix } from "@babylonjs/core/Maths/math.vector.js";
import { CreateBoxVertexData } from "@babylonjs/core/Meshes/Builders/boxBuilder.js";
import { CreateCylinderVertexData } from "@babylonjs/core/Meshes/Builders/cylinderBuilder.js";
import { Atlas, type WallTile } from "./atlasLayout.js";
import { place, type GeometryBatch, type Rgb } from "./geometryBatch.js";
import { BayWidth, FloorHeight, WindmillSite, terrainHeight, type HouseSpec, type RoofTint } from "./layout.js";
import { Random } from "./random.js";

type P3 = readonly [number, number, number];

export const RoofTints: Record<RoofTint, Rgb> = {
    terracotta: [0.86, 0.44, 0.3],
    brown: [0.58, 0.38, 0.27],
    slate: [0.46, 0.5, 0.6],
    moss: [0.62, 0.58, 0.4],
};

const Pitch = Math.tan((40 * Math.PI) / 180);
const Eaves = 0.45;
const GableOverhang = 0.35;
const RoofThickness = 0.16;

interface Wall {
    /** Bottom-left corner as seen from outside, the direction to the right, and the tile count. */
    origin: P3;
    right: P3;
    tiles: number;
    side: "front" | "back" | "left" | "right";
}

const add = (a: P3, b: P3, s = 1): P3 => [a[0] + b[0] * s, a[1] + b[1] * s, a[2] + b[2] * s];

function wallTile(house: HouseSpec, wall: Wall, column: number, floor: number, random: Random): WallTile {
    const ground = floor === 0;
    const stone = ground && house.stoneBase;
    if (wall.side === "front") {
        const doorColumn = Math.floor((wall.tiles - 1) / 2);
        if (ground && column === doorColumn) {
            return stone ? "stoneDoor" : "door";
        }
        if (ground) {
            return stone ? "stoneWindow" : house.scheme === 1 && column === wall.tiles - 1 ? "shop" : "window";
        }
        return column % 2 === 0 ? "flowers" : "window";
    }
    if (stone) {
        return "stoneWindow";
    }
    return random.chance(0.45) ? "braced" : random.chance(0.5) ? "window" : "flowers";
}

/** Adds one house: walls and gables to `walls` (atlas), roof slabs to `roofs` (tinted tiles). */
export function addHouse(house: HouseSpec, walls: GeometryBatch, roofs: GeometryBatch): void {
    const width = house.bays * BayWidth;
    const depth = house.depthBays * BayWidth;
    const height = house.floors * FloorHeight;
    const base = Math.min(terrainHeight(house.x, house.z), 0);
    const matrix = place(house.x, base, house.z, { rotationY: house.rotation });
    const random = new Random(Math.round(house.x * 100 + house.z));
    const hw = width / 2;
    const hd = depth / 2;
    const wallList: Wall[] = [
        { side: "front", origin: [-hw, 0, -hd], right: [1, 0, 0], tiles: house.bays },
        { side: "back", origin: [hw, 0, hd], right: [-1, 0, 0], tiles: house.bays },
        { side: "left", origin: [-hw, 0, hd], right: [0, 0, -1], tiles: house.depthBays },
        { side: "right", origin: [hw, 0, -hd], right: [0, 0, 1], tiles: house.depthBays },
    ];
    for (const wall of wallList) {
        for (let floor = 0; floor < house.floors; floor++) {
            for (let column = 0; column < wall.tiles; column++) {
                const p0 = add(add(wall.origin, wall.right, column * BayWidth), [0, floor * FloorHeight, 0]);
                const p1 = add(p0, wall.right, BayWidth);
                const up: P3 = [0, FloorHeight, 0];
                walls.quad([p0, p1, add(p1, up), add(p0, up)], { matrix, uv: Atlas.wall(house.scheme, wallTile(house, wall, column, floor, random)) });
            }
        }
    }
    // Stone plinth, reaching below the ground so slopes never show a gap.
    walls.add(CreateBoxVertexData({ width: width + 0.16, height: 0.9, depth: depth + 0.16 }), {
        matrix: place(0, -0.3, 0).multiply(matrix),
        uv: Atlas.swatch("stone"),
        uvScale: [1, 0.3],
    });

    // Gables and roof. The ridge runs along local z when the gable faces the square, else along x.
    const spanAlongX = !house.gableFront;
    const span = spanAlongX ? depth : width;
    const length = spanAlongX ? width : depth;
    const rise = (span / 2) * Pitch;
    // Frame whose x runs along the ridge and z across it, so one code path builds both orientations.
    const frame = spanAlongX ? matrix : Matrix.RotationY(-Math.PI / 2).multiply(matrix);
    const halfSpan = span / 2;
    const halfLength = length / 2;
    const gableUv = Atlas.gable(house.scheme);
    for (const end of [-1, 1]) {
        // Gable ends at x = +-halfLength, facing outwards along x.
        const x = end * halfLength;
        // Seen from outside (looking along -end * x), the viewer's left is z = -end * halfSpan.
        const left: P3 = [x, height, -end * halfSpan];
        const right: P3 = [x, height, end * halfSpan];
        const apex: P3 = [x, height + rise, 0];
        walls.triangle(
            [left, right, apex],
            [
                [0, 0],
                [1, 0],
                [0.5, 1],
            ],
            { matrix: frame, uv: gableUv }
        );
    }
    const roofTint = RoofTints[house.roof];
    const dark: Rgb = [roofTint[0] * 0.45, roofTint[1] * 0.45, roofTint[2] * 0.45];
    const slopeLength = Math.hypot(halfSpan + Eaves, (halfSpan + Eaves) * Pitch);
    for (const side of [-1, 1]) {
        // Slope from the eave (outside the wall) up to the ridge; u along the ridge, v up the slope, in tiles of 1.6 m.
        const eaveZ = side * (halfSpan + Eaves);
        const eaveY = height - Eaves * Pitch;
        const ridgeY = height + rise + RoofThickness;
        const x0 = -halfLength - GableOverhang;
        const x1 = halfLength + GableOverhang;
        const top = (x: number, z: number, y: number): P3 => [x, y, z];
        const uvScale: readonly [number, number] = [(x1 - x0) / 1.6, slopeLength / 1.6];
        const eaveA = top(x0, eaveZ, eaveY + RoofThickness);
        const eaveB = top(x1, eaveZ, eaveY + RoofThickness);
        const ridgeA = top(x0, 0, ridgeY);
        const ridgeB = top(x1, 0, ridgeY);
        // Seen from outside the slope: for side +1 (z > 0) counter-clockwise is eaveB, eaveA, ridgeA, ridgeB.
        if (side > 0) {
            roofs.quad([eaveB, eaveA, ridgeA, ridgeB], {
                matrix: frame,
                color: roofTint,
                uvScale,
                uvs: [
                    [1, 0],
                    [0, 0],
                    [0, 1],
                    [1, 1],
                ],
            });
        } else {
            roofs.quad([eaveA, eaveB, ridgeB, ridgeA], { matrix: frame, color: roofTint, uvScale });
        }
        // Underside and edges, dark (the roof material is two-sided, so their winding does not matter).
        const lowA = top(x0, eaveZ, eaveY);
        const lowB = top(x1, eaveZ, eaveY);
        const lowRidgeA = top(x0, 0, ridgeY - RoofThickness);
        const lowRidgeB = top(x1, 0, ridgeY - RoofThickness);
        roofs.quad([lowA, lowB, lowRidgeB, lowRidgeA], { matrix: frame, color: dark });
        roofs.quad([lowA, lowB, eaveB, eaveA], { matrix: frame, color: dark });
        roofs.quad([lowA, eaveA, ridgeA, lowRidgeA], { matrix: frame, color: dark });
        roofs.quad([lowB, eaveB, ridgeB, lowRidgeB], { matrix: frame, color: dark });
    }
    // Ridge cap.
    roofs.add(CreateBoxVertexData({ width: length + GableOverhang * 2 + 0.05, height: 0.14, depth: 0.32 }), {
        matrix: place(0, height + rise + RoofThickness + 0.02, 0).multiply(frame),
        color: dark,
    });
    // Brick chimney through one slope.
    const chimneyX = (random.chance(0.5) ? 1 : -1) * halfLength * 0.55;
    const chimneyZ = halfSpan * 0.35;
    const chimneyBase = height + (halfSpan - chimneyZ) * Pitch - 0.3;
    walls.add(CreateBoxVertexData({ width: 0.6, height: rise + 1.0, depth: 0.6 }), {
        matrix: place(chimneyX, chimneyBase + (rise + 1.0) / 2, chimneyZ).multiply(frame),
        uv: Atlas.swatch("brick"),
        uvScale: [0.5, 1],
    });
}

export interface WindmillParts {
    /** Hub position in world space, and the direction the sails face (their rotation axis). */
    hub: P3;
    facing: number;
}

/** The windmill's tower, cap and door; the sails are built separately because they turn. */
export function addWindmill(walls: GeometryBatch, roofs: GeometryBatch): WindmillParts {
    const { x, z } = WindmillSite;
    const ground = terrainHeight(x, z) - 0.4;
    // The sails face the village square.
    const facing = Math.atan2(-x, -z);
    const tower = 9;
    walls.add(CreateCylinderVertexData({ height: tower, diameterTop: 3.4, diameterBottom: 5.4, tessellation: 12 }), {
        matrix: place(x, ground + tower / 2, z),
        uv: Atlas.swatch("white"),
        color: [0.93, 0.9, 0.84],
    });
    // A wooden gallery ring and the door.
    walls.add(CreateCylinderVertexData({ height: 0.25, diameter: 5.2, tessellation: 12 }), {
        matrix: place(x, ground + tower * 0.62, z),
        uv: Atlas.swatch("planks"),
    });
    const fx = Math.sin(facing);
    const fz = Math.cos(facing);
    const doorRadius = 2.62;
    walls.add(CreateBoxVertexData({ width: 1.3, height: 2.0, depth: 0.12 }), {
        matrix: place(x + fx * doorRadius, ground + 1.2 + 0.4, z + fz * doorRadius, { rotationY: facing }),
        uv: Atlas.swatch("millDoor"),
    });
    roofs.add(CreateCylinderVertexData({ height: 2.4, diameterTop: 0, diameterBottom: 4.2, tessellation: 12 }), {
        matrix: place(x, ground + tower + 1.2, z),
        color: [0.5, 0.36, 0.28],
        uvScale: [4, 1.5],
    });
    const hubHeight = ground + tower + 0.6;
    return { hub: [x + fx * 2.1, hubHeight, z + fz * 2.1], facing };
}

/** Four sails around the origin in the xy plane (the hub axis is local z), for a mesh that turns. */
export function addWindmillSails(sails: GeometryBatch): void {
    sails.add(CreateCylinderVertexData({ height: 0.8, diameter: 0.5, tessellation: 8 }), {
        matrix: place(0, 0, 0, { rotationX: Math.PI / 2 }),
        uv: Atlas.swatch("iron"),
    });
    for (let i = 0; i < 4; i++) {
        const angle = (i * Math.PI) / 2;
        const arm = Matrix.RotationZ(angle);
        sails.add(CreateBoxVertexData({ width: 0.22, height: 7.2, depth: 0.18 }), {
            matrix: Matrix.Translation(0, 3.7, -0.35).multiply(arm),
            uv: Atlas.swatch("planks"),
        });
        // The lattice sail on one side of the arm, facing the village (local -z) and the back.
        const sail: [P3, P3, P3, P3] = [
            [0.12, 1.0, -0.4],
            [1.35, 1.0, -0.4],
            [1.35, 7.1, -0.4],
            [0.12, 7.1, -0.4],
        ];
        sails.quad(sail, { matrix: arm, uv: Atlas.swatch("sail") });
        sails.quad([sail[1], sail[0], sail[3], sail[2]], {
            matrix: arm,
            uv: Atlas.swatch("sail"),
            uvs: [
                [1, 0],
                [0, 0],
                [0, 1],
                [1, 1],
            ],
        });
    }
}
