/** Where things lie in the building atlas (wall tiles, gables, swatches), and their texture coordinates. */
import type { PixelRect } from "./texturePainting.js";

/** The same rectangle in texture coordinates (v up), as builders map primitives into it. */
export interface UvRect {
    u0: number;
    v0: number;
    u1: number;
    v1: number;
}

export const AtlasSize = 1024;
export const TileW = 128;
export const TileH = 152;

/** Kinds of wall tile (one storey of one bay). */
export type WallTile = "window" | "door" | "flowers" | "braced" | "stoneWindow" | "stoneDoor" | "shop";
export const WallTileColumn: Record<WallTile, number> = { window: 0, door: 1, flowers: 2, braced: 3, stoneWindow: 4, stoneDoor: 5, shop: 6 };

/** Solid materials for props, chimneys, the windmill, the fountain. */
export type AtlasSwatch =
    | "stone"
    | "brick"
    | "planks"
    | "bark"
    | "sail"
    | "white"
    | "awningRed"
    | "awningBlue"
    | "awningGreen"
    | "barrel"
    | "crate"
    | "hay"
    | "iron"
    | "lantern"
    | "millDoor"
    | "paleStone"
    | "produce";

export const Swatches: Record<AtlasSwatch, PixelRect> = {
    stone: { x: 896, y: 0, w: 128, h: 128 },
    brick: { x: 896, y: 128, w: 128, h: 128 },
    planks: { x: 896, y: 256, w: 128, h: 128 },
    bark: { x: 896, y: 384, w: 128, h: 128 },
    sail: { x: 896, y: 512, w: 128, h: 128 },
    white: { x: 896, y: 640, w: 128, h: 120 },
    awningRed: { x: 0, y: 856, w: 128, h: 84 },
    awningBlue: { x: 128, y: 856, w: 128, h: 84 },
    awningGreen: { x: 256, y: 856, w: 128, h: 84 },
    paleStone: { x: 384, y: 856, w: 128, h: 84 },
    produce: { x: 512, y: 856, w: 128, h: 84 },
    barrel: { x: 0, y: 940, w: 128, h: 84 },
    crate: { x: 128, y: 940, w: 128, h: 84 },
    hay: { x: 256, y: 940, w: 128, h: 84 },
    iron: { x: 384, y: 940, w: 128, h: 84 },
    lantern: { x: 512, y: 940, w: 128, h: 84 },
    millDoor: { x: 640, y: 940, w: 128, h: 84 },
};

/** A small inset keeps mipmapped samples inside the rectangle they belong to. */
function uvRect(r: PixelRect, inset = 3): UvRect {
    return {
        u0: (r.x + inset) / AtlasSize,
        u1: (r.x + r.w - inset) / AtlasSize,
        v0: 1 - (r.y + r.h - inset) / AtlasSize,
        v1: 1 - (r.y + inset) / AtlasSize,
    };
}

export const Atlas = {
    wall(scheme: number, tile: WallTile): UvRect {
        return uvRect({ x: WallTileColumn[tile] * TileW, y: scheme * TileH, w: TileW, h: TileH }, 1);
    },
    /** The gable triangle: u 0..1 across the base, v 0 at the base to 1 at the apex. */
    gable(scheme: number): UvRect {
        return uvRect({ x: scheme * 192, y: 760, w: 192, h: 96 }, 2);
    },
    swatch(name: AtlasSwatch): UvRect {
        return uvRect(Swatches[name]);
    },
};
