/**
 * Every texture of the village, painted at start-up with Canvas 2D and seeded noise (nothing is downloaded). The
 * painters are deterministic: the same code paints the same pixels, so frames are repeatable.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture.js";
import { Texture } from "@babylonjs/core/Materials/Textures/texture.js";
import { Random, fbm, smoothstep, clamp } from "./random.js";
import { PlazaRadius, Pond, Roads, VillageFloorRadius, distanceToPolyline } from "./layout.js";

type Ctx = CanvasRenderingContext2D;

/** A rectangle of a texture in pixels (canvas coordinates, y down). */
export interface PixelRect {
    x: number;
    y: number;
    w: number;
    h: number;
}

/** The same rectangle in texture coordinates (v up), as builders map primitives into it. */
export interface UvRect {
    u0: number;
    v0: number;
    u1: number;
    v1: number;
}

function createCanvas(width: number, height: number): { canvas: HTMLCanvasElement; ctx: Ctx } {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    return { canvas, ctx };
}

function toTexture(name: string, canvas: HTMLCanvasElement, scene: Scene, options: { wrap?: boolean } = {}): DynamicTexture {
    const texture = new DynamicTexture(name, canvas, scene, true, Texture.TRILINEAR_SAMPLINGMODE);
    texture.update(true);
    texture.wrapU = texture.wrapV = options.wrap === false ? Texture.CLAMP_ADDRESSMODE : Texture.WRAP_ADDRESSMODE;
    texture.anisotropicFilteringLevel = 1; // anisotropic taps cost dearly on software rasterizers
    return texture;
}

const rgb = (c: readonly number[], a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

function shade(c: readonly number[], f: number): number[] {
    return c.map((v) => clamp(Math.round(v * f), 0, 255));
}

/** Multiplies a region's pixels by noise: 1 - amount .. 1 + amount, at a scale of `cell` pixels per noise cell. */
function noiseOverlay(ctx: Ctx, r: PixelRect, options: { amount: number; cell: number; seed: number; octaves?: number; tile?: boolean }): void {
    const image = ctx.getImageData(r.x, r.y, r.w, r.h);
    const d = image.data;
    const period = options.tile ? Math.round(r.w / options.cell) : 0;
    for (let y = 0; y < r.h; y++) {
        for (let x = 0; x < r.w; x++) {
            const n = fbm(x / options.cell, y / options.cell, { seed: options.seed, octaves: options.octaves ?? 3, period });
            const f = 1 + (n - 0.5) * 2 * options.amount;
            const i = (y * r.w + x) * 4;
            d[i] = clamp(d[i] * f, 0, 255);
            d[i + 1] = clamp(d[i + 1] * f, 0, 255);
            d[i + 2] = clamp(d[i + 2] * f, 0, 255);
        }
    }
    ctx.putImageData(image, r.x, r.y);
}

// ---- the building atlas ---------------------------------------------------------------------------------------

export const AtlasSize = 1024;
const TileW = 128;
const TileH = 152;

/** Kinds of wall tile (one storey of one bay). */
export type WallTile = "window" | "door" | "flowers" | "braced" | "stoneWindow" | "stoneDoor" | "shop";
const WallTileColumn: Record<WallTile, number> = { window: 0, door: 1, flowers: 2, braced: 3, stoneWindow: 4, stoneDoor: 5, shop: 6 };

/** Solid materials for props, chimneys, the windmill, the fountain. */
export type AtlasSwatch = "stone" | "brick" | "planks" | "bark" | "sail" | "white" | "awningRed" | "awningBlue" | "awningGreen" | "barrel" | "crate" | "hay" | "iron" | "lantern" | "millDoor" | "paleStone" | "produce";

const Swatches: Record<AtlasSwatch, PixelRect> = {
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

interface Scheme {
    plaster: number[];
    timber: number[];
    shutters: number[];
    accent: number[];
}

const Schemes: Scheme[] = [
    { plaster: [239, 228, 204], timber: [92, 60, 38], shutters: [63, 110, 74], accent: [200, 60, 50] },
    { plaster: [226, 184, 106], timber: [75, 51, 35], shutters: [138, 47, 39], accent: [240, 220, 90] },
    { plaster: [231, 179, 161], timber: [85, 55, 40], shutters: [57, 93, 134], accent: [250, 250, 250] },
    { plaster: [199, 211, 214], timber: [63, 49, 40], shutters: [176, 122, 42], accent: [210, 70, 120] },
    { plaster: [241, 238, 230], timber: [106, 74, 46], shutters: [93, 63, 110], accent: [240, 140, 40] },
];

function beam(ctx: Ctx, color: number[], x: number, y: number, w: number, h: number): void {
    ctx.fillStyle = rgb(color);
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = rgb(shade(color, 0.7));
    ctx.fillRect(x, y + h - 2, w, 2);
    ctx.fillStyle = rgb(shade(color, 1.25));
    ctx.fillRect(x, y, w, 1);
}

function diagonal(ctx: Ctx, color: number[], x0: number, y0: number, x1: number, y1: number, width: number): void {
    ctx.strokeStyle = rgb(color);
    ctx.lineWidth = width;
    ctx.lineCap = "butt";
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
}

function stoneBlocks(ctx: Ctx, r: PixelRect, random: Random, base: number[] = [150, 146, 138], rows = 6): void {
    ctx.fillStyle = rgb(shade(base, 0.55));
    ctx.fillRect(r.x, r.y, r.w, r.h);
    const rowH = r.h / rows;
    for (let row = 0; row < rows; row++) {
        let x = r.x - random.range(0, 20);
        while (x < r.x + r.w) {
            const w = random.range(18, 34);
            const c = shade(base, random.range(0.82, 1.12));
            ctx.fillStyle = rgb(c);
            const x0 = Math.max(r.x, x + 1.5);
            const x1 = Math.min(r.x + r.w, x + w - 1.5);
            if (x1 > x0) {
                ctx.fillRect(x0, r.y + row * rowH + 1.5, x1 - x0, rowH - 3);
                ctx.fillStyle = rgb(shade(c, 1.15));
                ctx.fillRect(x0, r.y + row * rowH + 1.5, x1 - x0, 2);
            }
            x += w;
        }
    }
}

function windowPane(ctx: Ctx, s: Scheme, cx: number, top: number, w: number, h: number, options: { shutters: boolean; flowers: boolean; stone: boolean }): void {
    const left = cx - w / 2;
    // Frame and lintel.
    const frame = options.stone ? [190, 184, 170] : shade(s.timber, 1.1);
    ctx.fillStyle = rgb(frame);
    ctx.fillRect(left - 5, top - 5, w + 10, h + 10);
    if (options.stone) {
        ctx.fillStyle = rgb([200, 194, 180]);
        ctx.fillRect(left - 9, top - 12, w + 18, 9);
    }
    // Glass: dark blue with a pale sky reflection.
    const glass = ctx.createLinearGradient(left, top, left + w, top + h);
    glass.addColorStop(0, "rgb(120,160,190)");
    glass.addColorStop(0.45, "rgb(48,70,96)");
    glass.addColorStop(1, "rgb(28,40,58)");
    ctx.fillStyle = glass;
    ctx.fillRect(left, top, w, h);
    ctx.fillStyle = "rgba(255,255,255,0.18)";
    ctx.beginPath();
    ctx.moveTo(left + w * 0.15, top);
    ctx.lineTo(left + w * 0.45, top);
    ctx.lineTo(left + w * 0.05, top + h * 0.6);
    ctx.lineTo(left, top + h * 0.6);
    ctx.lineTo(left, top + h * 0.25);
    ctx.fill();
    // Mullions.
    ctx.fillStyle = rgb([236, 232, 220]);
    ctx.fillRect(cx - 2, top, 4, h);
    ctx.fillRect(left, top + h * 0.42, w, 4);
    // Sill.
    ctx.fillStyle = rgb(shade(frame, 0.8));
    ctx.fillRect(left - 8, top + h + 3, w + 16, 5);
    if (options.shutters) {
        const sw = w * 0.5;
        for (const x of [left - sw - 7, left + w + 7]) {
            ctx.fillStyle = rgb(s.shutters);
            ctx.fillRect(x, top - 3, sw, h + 6);
            ctx.fillStyle = rgb(shade(s.shutters, 0.7));
            for (let i = 1; i < 6; i++) {
                ctx.fillRect(x + 2, top - 3 + (i * (h + 6)) / 6, sw - 4, 1.5);
            }
            ctx.strokeStyle = rgb(shade(s.shutters, 0.55));
            ctx.lineWidth = 1.5;
            ctx.strokeRect(x + 0.75, top - 2.25, sw - 1.5, h + 4.5);
        }
    }
    if (options.flowers) {
        const boxTop = top + h + 8;
        ctx.fillStyle = rgb([110, 70, 40]);
        ctx.fillRect(left - 6, boxTop, w + 12, 10);
        const random = new Random(Math.round(cx * 7 + top));
        for (let i = 0; i < 26; i++) {
            const x = left - 6 + random.range(0, w + 12);
            const y = boxTop - random.range(-1, 9);
            ctx.fillStyle = rgb(random.chance(0.45) ? [60 + random.int(0, 40), 120 + random.int(0, 40), 50] : random.pick([s.accent, [230, 60, 80], [250, 240, 240], [250, 170, 60]]));
            ctx.beginPath();
            ctx.arc(x, y, random.range(2, 3.6), 0, Math.PI * 2);
            ctx.fill();
        }
    }
}

function door(ctx: Ctx, s: Scheme, cx: number, bottom: number, w: number, h: number, stone: boolean): void {
    const left = cx - w / 2;
    const top = bottom - h;
    ctx.fillStyle = rgb(stone ? [196, 190, 176] : shade(s.timber, 1.05));
    ctx.beginPath();
    ctx.moveTo(left - 6, bottom);
    ctx.lineTo(left - 6, top + w / 2);
    ctx.arc(cx, top + w / 2, w / 2 + 6, Math.PI, 0);
    ctx.lineTo(left + w + 6, bottom);
    ctx.fill();
    const wood = shade(s.shutters, 0.75).map((v, i) => Math.round(v * 0.5 + [120, 80, 50][i] * 0.5));
    ctx.fillStyle = rgb(wood);
    ctx.beginPath();
    ctx.moveTo(left, bottom);
    ctx.lineTo(left, top + w / 2);
    ctx.arc(cx, top + w / 2, w / 2, Math.PI, 0);
    ctx.lineTo(left + w, bottom);
    ctx.fill();
    ctx.fillStyle = rgb(shade(wood, 0.72));
    for (let i = 1; i < 4; i++) {
        ctx.fillRect(left + (i * w) / 4 - 1, top + 4, 2, h - 4);
    }
    ctx.fillRect(left, top + h * 0.35, w, 3);
    ctx.fillRect(left, top + h * 0.75, w, 3);
    ctx.fillStyle = rgb([220, 190, 90]);
    ctx.beginPath();
    ctx.arc(left + w - 7, top + h * 0.58, 2.5, 0, Math.PI * 2);
    ctx.fill();
    // Step.
    ctx.fillStyle = rgb([150, 146, 140]);
    ctx.fillRect(left - 8, bottom - 4, w + 16, 4);
}

function paintWallTile(ctx: Ctx, s: Scheme, schemeIndex: number, tile: WallTile): void {
    const x0 = WallTileColumn[tile] * TileW;
    const y0 = schemeIndex * TileH;
    const r = { x: x0, y: y0, w: TileW, h: TileH };
    const random = new Random(schemeIndex * 101 + WallTileColumn[tile]);
    const stone = tile === "stoneWindow" || tile === "stoneDoor";
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, TileW, TileH);
    ctx.clip();
    if (stone) {
        stoneBlocks(ctx, r, random, [168, 160, 146], 7);
    } else {
        ctx.fillStyle = rgb(s.plaster);
        ctx.fillRect(x0, y0, TileW, TileH);
        // Timber frame: half posts on both edges join into full posts between tiles; beams top and bottom.
        beam(ctx, s.timber, x0, y0, TileW, 9);
        beam(ctx, s.timber, x0, y0 + TileH - 10, TileW, 10);
        ctx.fillStyle = rgb(s.timber);
        ctx.fillRect(x0, y0, 6, TileH);
        ctx.fillRect(x0 + TileW - 6, y0, 6, TileH);
        ctx.fillStyle = rgb(shade(s.timber, 0.75));
        ctx.fillRect(x0 + 5, y0, 1, TileH);
        ctx.fillRect(x0 + TileW - 6, y0, 1, TileH);
    }
    const cx = x0 + TileW / 2;
    switch (tile) {
        case "window":
        case "flowers":
            beam(ctx, s.timber, x0, y0 + 24, TileW, 7);
            windowPane(ctx, s, cx, y0 + 44, 44, 56, { shutters: true, flowers: tile === "flowers", stone: false });
            beam(ctx, s.timber, x0, y0 + 122, TileW, 6);
            break;
        case "braced":
            diagonal(ctx, s.timber, x0 + 6, y0 + TileH - 10, cx - 3, y0 + 9, 8);
            diagonal(ctx, s.timber, x0 + TileW - 6, y0 + TileH - 10, cx + 3, y0 + 9, 8);
            ctx.fillStyle = rgb(s.timber);
            ctx.fillRect(cx - 4, y0, 8, TileH);
            beam(ctx, s.timber, x0, y0 + TileH / 2 - 3, TileW, 7);
            break;
        case "door":
            door(ctx, s, cx, y0 + TileH - 10, 46, 96, false);
            ctx.fillStyle = rgb(s.timber);
            diagonal(ctx, s.timber, x0 + 6, y0 + 50, x0 + 30, y0 + 9, 6);
            diagonal(ctx, s.timber, x0 + TileW - 6, y0 + 50, x0 + TileW - 30, y0 + 9, 6);
            break;
        case "stoneWindow":
            windowPane(ctx, s, cx, y0 + 44, 42, 54, { shutters: true, flowers: false, stone: true });
            break;
        case "stoneDoor":
            door(ctx, s, cx, y0 + TileH, 48, 104, true);
            break;
        case "shop": {
            windowPane(ctx, s, cx, y0 + 52, 92, 50, { shutters: false, flowers: false, stone: false });
            ctx.fillStyle = rgb([236, 232, 220]);
            for (const f of [0.25, 0.75]) {
                ctx.fillRect(cx - 46 + 92 * f - 1.5, y0 + 52, 3, 50);
            }
            // Hanging sign with a painted loaf.
            ctx.fillStyle = rgb(s.shutters);
            ctx.fillRect(cx - 34, y0 + 16, 68, 22);
            ctx.strokeStyle = rgb([230, 200, 110]);
            ctx.lineWidth = 2;
            ctx.strokeRect(cx - 32, y0 + 18, 64, 18);
            ctx.fillStyle = rgb([226, 170, 90]);
            ctx.beginPath();
            ctx.ellipse(cx, y0 + 27, 16, 6, 0, 0, Math.PI * 2);
            ctx.fill();
            ctx.fillStyle = rgb([170, 110, 50]);
            for (const dx of [-8, 0, 8]) {
                ctx.fillRect(cx + dx - 1, y0 + 23, 2, 8);
            }
            break;
        }
    }
    if (!stone) {
        // Plinth at the bottom of ground-floor tiles is drawn by the stone base; here a thin damp stain.
        const stain = ctx.createLinearGradient(0, y0 + TileH - 30, 0, y0 + TileH - 10);
        stain.addColorStop(0, "rgba(80,70,50,0)");
        stain.addColorStop(1, "rgba(80,70,50,0.18)");
        ctx.fillStyle = stain;
        ctx.fillRect(x0 + 6, y0 + TileH - 30, TileW - 12, 20);
    }
    ctx.restore();
}

function paintGable(ctx: Ctx, s: Scheme, index: number): void {
    const x0 = index * 192;
    const y0 = 760;
    const w = 192;
    const h = 96;
    ctx.fillStyle = rgb(s.plaster);
    ctx.fillRect(x0, y0, w, h);
    const cx = x0 + w / 2;
    beam(ctx, s.timber, x0, y0 + h - 8, w, 8);
    beam(ctx, s.timber, x0 + w * 0.22, y0 + h * 0.52, w * 0.56, 6);
    ctx.fillStyle = rgb(s.timber);
    ctx.fillRect(cx - 4, y0, 8, h);
    diagonal(ctx, s.timber, cx - 4, y0 + h * 0.52, x0 + w * 0.3, y0 + h - 8, 6);
    diagonal(ctx, s.timber, cx + 4, y0 + h * 0.52, x0 + w * 0.7, y0 + h - 8, 6);
    // Round attic window.
    ctx.fillStyle = rgb(shade(s.timber, 1.1));
    ctx.beginPath();
    ctx.arc(cx, y0 + h * 0.3, 11, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = rgb([40, 56, 78]);
    ctx.beginPath();
    ctx.arc(cx, y0 + h * 0.3, 8, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = rgb([236, 232, 220]);
    ctx.fillRect(cx - 8, y0 + h * 0.3 - 1, 16, 2);
}

function paintSwatches(ctx: Ctx): void {
    const random = new Random(99);
    stoneBlocks(ctx, Swatches.stone, random, [152, 148, 140], 5);
    // Bricks.
    const b = Swatches.brick;
    ctx.fillStyle = rgb([200, 190, 175]);
    ctx.fillRect(b.x, b.y, b.w, b.h);
    for (let row = 0; row < 10; row++) {
        for (let i = -1; i < 5; i++) {
            const x = b.x + i * 32 + (row % 2) * 16;
            ctx.fillStyle = rgb(shade([150, 70, 50], random.range(0.8, 1.15)));
            ctx.fillRect(Math.max(b.x, x + 1), b.y + row * 12.8 + 1, Math.min(30, b.x + b.w - x - 1), 10.8);
        }
    }
    // Planks (horizontal boards).
    const p = Swatches.planks;
    for (let i = 0; i < 8; i++) {
        ctx.fillStyle = rgb(shade([168, 122, 80], random.range(0.85, 1.1)));
        ctx.fillRect(p.x, p.y + i * 16, p.w, 15);
        ctx.fillStyle = rgb([90, 60, 40]);
        ctx.fillRect(p.x, p.y + i * 16 + 15, p.w, 1);
    }
    // Bark: vertical streaks.
    const k = Swatches.bark;
    ctx.fillStyle = rgb([96, 72, 52]);
    ctx.fillRect(k.x, k.y, k.w, k.h);
    for (let i = 0; i < 60; i++) {
        ctx.fillStyle = rgb(shade([96, 72, 52], random.range(0.6, 1.3)));
        ctx.fillRect(k.x + random.range(0, k.w), k.y, random.range(1, 4), k.h);
    }
    // Sail cloth with a wooden lattice.
    const sail = Swatches.sail;
    ctx.fillStyle = rgb([236, 226, 204]);
    ctx.fillRect(sail.x, sail.y, sail.w, sail.h);
    ctx.fillStyle = rgb([120, 84, 56]);
    for (let i = 0; i <= 4; i++) {
        ctx.fillRect(sail.x + i * 31, sail.y, 4, sail.h);
        ctx.fillRect(sail.x, sail.y + i * 31, sail.w, 4);
    }
    ctx.fillStyle = rgb([245, 244, 240]);
    ctx.fillRect(Swatches.white.x, Swatches.white.y, Swatches.white.w, Swatches.white.h);
    const stripes = (r: PixelRect, a: number[], c: number[]) => {
        for (let i = 0; i < 8; i++) {
            ctx.fillStyle = rgb(i % 2 ? c : a);
            ctx.fillRect(r.x + i * 16, r.y, 16, r.h);
        }
        // Scalloped hem.
        ctx.fillStyle = "rgba(0,0,0,0.12)";
        ctx.fillRect(r.x, r.y + r.h - 10, r.w, 10);
    };
    stripes(Swatches.awningRed, [200, 50, 45], [245, 238, 225]);
    stripes(Swatches.awningBlue, [45, 90, 170], [245, 238, 225]);
    stripes(Swatches.awningGreen, [60, 140, 70], [240, 210, 80]);
    const ps = Swatches.paleStone;
    stoneBlocks(ctx, ps, random, [196, 188, 172], 3);
    // Produce: apples, oranges, cabbages in a crate.
    const pr = Swatches.produce;
    ctx.fillStyle = rgb([120, 84, 50]);
    ctx.fillRect(pr.x, pr.y, pr.w, pr.h);
    for (let i = 0; i < 70; i++) {
        ctx.fillStyle = rgb(random.pick([[200, 40, 40], [230, 140, 30], [120, 170, 60], [220, 200, 60], [150, 40, 90]]));
        ctx.beginPath();
        ctx.arc(pr.x + random.range(6, pr.w - 6), pr.y + random.range(6, pr.h - 6), random.range(5, 8), 0, Math.PI * 2);
        ctx.fill();
    }
    // Barrel staves with iron hoops.
    const ba = Swatches.barrel;
    for (let i = 0; i < 8; i++) {
        ctx.fillStyle = rgb(shade([150, 100, 60], random.range(0.85, 1.1)));
        ctx.fillRect(ba.x + i * 16, ba.y, 15, ba.h);
    }
    ctx.fillStyle = rgb([60, 58, 56]);
    for (const y of [10, 36, 64]) {
        ctx.fillRect(ba.x, ba.y + y, ba.w, 6);
    }
    // Crate: boards and a cross brace.
    const cr = Swatches.crate;
    ctx.fillStyle = rgb([190, 150, 100]);
    ctx.fillRect(cr.x, cr.y, cr.w, cr.h);
    ctx.strokeStyle = rgb([130, 95, 60]);
    ctx.lineWidth = 8;
    ctx.strokeRect(cr.x + 4, cr.y + 4, cr.w - 8, cr.h - 8);
    diagonal(ctx, [150, 110, 70], cr.x + 6, cr.y + cr.h - 6, cr.x + cr.w - 6, cr.y + 6, 9);
    // Hay: straw strokes.
    const hay = Swatches.hay;
    ctx.fillStyle = rgb([214, 184, 96]);
    ctx.fillRect(hay.x, hay.y, hay.w, hay.h);
    for (let i = 0; i < 300; i++) {
        ctx.strokeStyle = rgb(shade([214, 184, 96], random.range(0.7, 1.2)));
        ctx.lineWidth = 1;
        const x = hay.x + random.range(0, hay.w);
        const y = hay.y + random.range(0, hay.h);
        diagonal(ctx, shade([214, 184, 96], random.range(0.7, 1.2)), x, y, x + random.range(-6, 6), y + random.range(-3, 3), 1);
    }
    ctx.fillStyle = rgb([52, 50, 50]);
    ctx.fillRect(Swatches.iron.x, Swatches.iron.y, Swatches.iron.w, Swatches.iron.h);
    const lantern = ctx.createRadialGradient(Swatches.lantern.x + 64, Swatches.lantern.y + 42, 4, Swatches.lantern.x + 64, Swatches.lantern.y + 42, 64);
    lantern.addColorStop(0, "rgb(255,250,210)");
    lantern.addColorStop(1, "rgb(250,190,80)");
    ctx.fillStyle = lantern;
    ctx.fillRect(Swatches.lantern.x, Swatches.lantern.y, Swatches.lantern.w, Swatches.lantern.h);
    const md = Swatches.millDoor;
    ctx.fillStyle = rgb([236, 226, 204]);
    ctx.fillRect(md.x, md.y, md.w, md.h);
    door(ctx, Schemes[0], md.x + 64, md.y + md.h, 36, 70, false);
}

/** The building atlas: wall tiles per colour scheme, gables, and swatches for props. */
export function createBuildingAtlas(scene: Scene): DynamicTexture {
    const { canvas, ctx } = createCanvas(AtlasSize, AtlasSize);
    ctx.fillStyle = "rgb(128,128,128)";
    ctx.fillRect(0, 0, AtlasSize, AtlasSize);
    Schemes.forEach((s, i) => {
        for (const tile of Object.keys(WallTileColumn) as WallTile[]) {
            paintWallTile(ctx, s, i, tile);
        }
        paintGable(ctx, s, i);
    });
    paintSwatches(ctx);
    // Weathering over everything: plaster and wood are never one flat colour.
    noiseOverlay(ctx, { x: 0, y: 0, w: AtlasSize, h: AtlasSize }, { amount: 0.08, cell: 24, seed: 3, octaves: 3 });
    return toTexture("buildingAtlas", canvas, scene, { wrap: false });
}

// ---- tiling surfaces ------------------------------------------------------------------------------------------

/** Overlapping clay tiles, light grey: the roof mesh's vertex colour tints them. */
export function createRoofTexture(scene: Scene): DynamicTexture {
    const n = 256;
    const { canvas, ctx } = createCanvas(n, n);
    const random = new Random(5);
    ctx.fillStyle = "rgb(120,112,106)";
    ctx.fillRect(0, 0, n, n);
    const rows = 8;
    const cols = 8;
    const rowH = n / rows;
    const colW = n / cols;
    for (let row = rows; row >= -1; row--) {
        const offset = (row % 2) * colW * 0.5;
        for (let c = -1; c <= cols; c++) {
            const x = c * colW + offset;
            const y = row * rowH;
            const f = random.range(0.86, 1.1);
            const g = ctx.createLinearGradient(0, y, 0, y + rowH * 1.2);
            g.addColorStop(0, rgb(shade([238, 230, 222], f)));
            g.addColorStop(1, rgb(shade([176, 166, 158], f)));
            ctx.fillStyle = g;
            ctx.beginPath();
            // Rounded bottom edge of each tile, rows overlap downwards (v up = ridge at the top of the texture).
            ctx.moveTo(x + 1, y);
            ctx.lineTo(x + colW - 1, y);
            ctx.lineTo(x + colW - 1, y + rowH * 0.75);
            ctx.quadraticCurveTo(x + colW - 1, y + rowH * 1.15, x + colW / 2, y + rowH * 1.15);
            ctx.quadraticCurveTo(x + 1, y + rowH * 1.15, x + 1, y + rowH * 0.75);
            ctx.closePath();
            ctx.fill();
        }
    }
    noiseOverlay(ctx, { x: 0, y: 0, w: n, h: n }, { amount: 0.12, cell: 32, seed: 11, tile: true });
    return toTexture("roofTiles", canvas, scene);
}

/** Cobblestones: a tiling Voronoi pattern of rounded stones with dark joints. */
export function createCobbleTexture(scene: Scene): DynamicTexture {
    const n = 512;
    const cells = 10;
    const { canvas, ctx } = createCanvas(n, n);
    const random = new Random(21);
    const points: Array<{ x: number; y: number; c: number[] }> = [];
    for (let j = 0; j < cells; j++) {
        for (let i = 0; i < cells; i++) {
            const tint = random.range(0.86, 1.1);
            const warm = random.range(-10, 10);
            points.push({ x: (i + random.range(0.15, 0.85)) / cells, y: (j + random.range(0.15, 0.85)) / cells, c: [168 * tint + warm, 160 * tint, 148 * tint - warm] });
        }
    }
    const image = ctx.createImageData(n, n);
    const d = image.data;
    for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
            const u = x / n;
            const v = y / n;
            let d1 = Infinity;
            let d2 = Infinity;
            let nearest = points[0];
            const ci = Math.floor(u * cells);
            const cj = Math.floor(v * cells);
            for (let dj = -1; dj <= 1; dj++) {
                for (let di = -1; di <= 1; di++) {
                    const ii = (ci + di + cells) % cells;
                    const jj = (cj + dj + cells) % cells;
                    const p = points[jj * cells + ii];
                    const dx = u - (p.x + (ci + di - ii) / cells);
                    const dy = v - (p.y + (cj + dj - jj) / cells);
                    const dist = Math.hypot(dx, dy);
                    if (dist < d1) {
                        d2 = d1;
                        d1 = dist;
                        nearest = p;
                    } else if (dist < d2) {
                        d2 = dist;
                    }
                }
            }
            const edge = (d2 - d1) * cells; // 0 on a joint
            const stone = smoothstep(0.04, 0.16, edge);
            const dome = 0.82 + 0.3 * smoothstep(0, 0.5, edge);
            const grain = 0.92 + 0.16 * fbm(x / 6, y / 6, { seed: 4, octaves: 2, period: n / 6 });
            const i = (y * n + x) * 4;
            const joint = [70, 66, 58];
            for (let c = 0; c < 3; c++) {
                d[i + c] = clamp(joint[c] + (nearest.c[c] * dome * grain - joint[c]) * stone, 0, 255);
            }
            d[i + 3] = 255;
        }
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("cobbles", canvas, scene);
}

/** Grass, soil and pebble detail in grey (about 1 on average): multiplies the terrain's colour up close. */
export function createGroundDetailTexture(scene: Scene): DynamicTexture {
    const n = 256;
    const { canvas, ctx } = createCanvas(n, n);
    ctx.fillStyle = "rgb(222,222,222)";
    ctx.fillRect(0, 0, n, n);
    noiseOverlay(ctx, { x: 0, y: 0, w: n, h: n }, { amount: 0.12, cell: 16, seed: 8, tile: true });
    const random = new Random(77);
    for (let i = 0; i < 2600; i++) {
        const x = random.range(0, n);
        const y = random.range(0, n);
        const len = random.range(3, 8);
        const lean = random.range(-2, 2);
        const v = random.chance(0.5) ? random.int(150, 200) : random.int(235, 255);
        ctx.strokeStyle = `rgb(${v},${v},${v})`;
        ctx.lineWidth = 1.2;
        for (const ox of [0, n, -n]) {
            for (const oy of [0, n, -n]) {
                ctx.beginPath();
                ctx.moveTo(x + ox, y + oy);
                ctx.lineTo(x + ox + lean, y + oy - len);
                ctx.stroke();
            }
        }
    }
    return toTexture("groundDetail", canvas, scene);
}

/** Extent (metres, square centred on the fountain) that the terrain colour map covers. */
export const TerrainMapExtent = 150;

/** Large-scale colour of the ground: meadows, trampled earth in the village, dirt roads, the pond's muddy shore. */
export function createTerrainColorMap(scene: Scene): DynamicTexture {
    const n = 1024;
    const { canvas, ctx } = createCanvas(n, n);
    const image = ctx.createImageData(n, n);
    const d = image.data;
    const grassA = [96, 142, 62];
    const grassB = [138, 160, 72];
    const dirt = [150, 118, 82];
    const trampled = [128, 128, 78];
    const random = new Random(31);
    const roadBoxes = Roads.map((road) => {
        const xs = road.points.map((p) => p[0]);
        const zs = road.points.map((p) => p[1]);
        return { road, minX: Math.min(...xs) - 6, maxX: Math.max(...xs) + 6, minZ: Math.min(...zs) - 6, maxZ: Math.max(...zs) + 6 };
    });
    for (let py = 0; py < n; py++) {
        // Row 0 of the canvas is the top of the texture (v = 1), i.e. +z.
        const z = (0.5 - (py + 0.5) / n) * TerrainMapExtent;
        for (let px = 0; px < n; px++) {
            const x = ((px + 0.5) / n - 0.5) * TerrainMapExtent;
            const meadow = fbm(x * 0.05, z * 0.05, { seed: 2, octaves: 3 });
            const patch = fbm(x * 0.18, z * 0.18, { seed: 5, octaves: 2 });
            let c = [0, 1, 2].map((k) => grassA[k] + (grassB[k] - grassA[k]) * smoothstep(0.35, 0.7, meadow) + (patch - 0.5) * 30);
            const r = Math.hypot(x, z);
            const worn = (1 - smoothstep(PlazaRadius + 2, VillageFloorRadius + 2, r)) * (0.5 + 0.5 * patch);
            c = c.map((v, k) => v + (trampled[k] - v) * worn * 0.8);
            let road = Infinity;
            for (const box of roadBoxes) {
                if (x > box.minX && x < box.maxX && z > box.minZ && z < box.maxZ) {
                    road = Math.min(road, distanceToPolyline(x, z, box.road.points) - box.road.halfWidth);
                }
            }
            const ragged = (patch - 0.5) * 1.2;
            if (road < 1) {
                const onRoad = 1 - smoothstep(-0.3, 0.6, road + ragged);
                const ruts = 0.92 + 0.1 * Math.sin(road * 5); // wheel ruts along the road
                c = c.map((v, k) => v + (dirt[k] * ruts - v) * onRoad);
            }
            const shore = Math.hypot(x - Pond.x, z - Pond.z) - Pond.radius;
            const mud = 1 - smoothstep(-1, 2.5, shore + ragged);
            c = c.map((v, k) => v + ([120, 104, 78][k] - v) * mud);
            const i = (py * n + px) * 4;
            d[i] = clamp(c[0], 0, 255);
            d[i + 1] = clamp(c[1], 0, 255);
            d[i + 2] = clamp(c[2], 0, 255);
            d[i + 3] = 255;
        }
    }
    // Wild flowers in the meadows, away from roads and the square.
    for (let i = 0; i < 9000; i++) {
        const px = random.int(0, n - 1);
        const py = random.int(0, n - 1);
        const x = ((px + 0.5) / n - 0.5) * TerrainMapExtent;
        const z = (0.5 - (py + 0.5) / n) * TerrainMapExtent;
        const clump = fbm(x * 0.09, z * 0.09, { seed: 9, octaves: 2 });
        if (Math.hypot(x, z) < VillageFloorRadius + 1 || clump < 0.52) {
            continue;
        }
        const color = random.pick([[250, 250, 245], [250, 220, 60], [230, 110, 160], [160, 120, 230], [235, 70, 50]]);
        const k = (py * n + px) * 4;
        d[k] = color[0];
        d[k + 1] = color[1];
        d[k + 2] = color[2];
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("terrainColor", canvas, scene, { wrap: false });
}

/** Leaves: clusters of small blobs in light greens, tinted per tree by vertex colour. */
export function createFoliageTexture(scene: Scene): DynamicTexture {
    const n = 256;
    const { canvas, ctx } = createCanvas(n, n);
    const random = new Random(13);
    ctx.fillStyle = "rgb(150,170,130)";
    ctx.fillRect(0, 0, n, n);
    for (let i = 0; i < 1400; i++) {
        const x = random.range(0, n);
        const y = random.range(0, n);
        const f = random.range(0.62, 1.2);
        ctx.fillStyle = rgb(shade([190, 215, 170], f));
        for (const ox of [0, n, -n]) {
            for (const oy of [0, n, -n]) {
                ctx.beginPath();
                ctx.ellipse(x + ox, y + oy, random.range(3, 6), random.range(2, 3.5), random.range(0, Math.PI), 0, Math.PI * 2);
                ctx.fill();
            }
        }
    }
    return toTexture("foliage", canvas, scene);
}

/** Water ripples: soft light bands on transparent blue; scrolled over time. */
export function createWaterTexture(scene: Scene): DynamicTexture {
    const n = 256;
    const { canvas, ctx } = createCanvas(n, n);
    const image = ctx.createImageData(n, n);
    const d = image.data;
    for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
            const w = fbm(x / 32, y / 32, { seed: 12, octaves: 3, period: 8 });
            const band = Math.abs(Math.sin((w * 6 + y / n) * Math.PI * 2));
            const light = smoothstep(0.85, 1, band);
            const i = (y * n + x) * 4;
            d[i] = 60 + 180 * light;
            d[i + 1] = 120 + 125 * light;
            d[i + 2] = 150 + 100 * light;
            d[i + 3] = 255;
        }
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("water", canvas, scene);
}

/** Falling water: thin white streaks over nearly clear water, scrolled downwards. */
export function createFallingWaterTexture(scene: Scene): DynamicTexture {
    const w = 128;
    const h = 128;
    const { canvas, ctx } = createCanvas(w, h);
    const image = ctx.createImageData(w, h);
    const d = image.data;
    for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
            const streak = fbm(x / 2.5, y / 20, { seed: 19, octaves: 2, period: 0 });
            const foam = smoothstep(0.45, 0.8, streak);
            const i = (y * w + x) * 4;
            d[i] = 215 + 40 * foam;
            d[i + 1] = 235 + 20 * foam;
            d[i + 2] = 255;
            d[i + 3] = 18 + 200 * foam;
        }
    }
    ctx.putImageData(image, 0, 0);
    const texture = toTexture("fallingWater", canvas, scene);
    texture.hasAlpha = true;
    return texture;
}

/** The sky as an equirectangular image: a gradient with a warm glow towards the sun and fair-weather clouds. */
export function createSkyTexture(scene: Scene, sunAzimuth: number, sunElevation: number): DynamicTexture {
    const w = 1024;
    const h = 512;
    const { canvas, ctx } = createCanvas(w, h);
    const image = ctx.createImageData(w, h);
    const d = image.data;
    const zenith = [64, 128, 204];
    const horizon = [196, 222, 236];
    const sunDir = [Math.cos(sunElevation) * Math.cos(sunAzimuth), Math.sin(sunElevation), Math.cos(sunElevation) * Math.sin(sunAzimuth)];
    for (let y = 0; y < h; y++) {
        const elevation = (0.5 - (y + 0.5) / h) * Math.PI; // +pi/2 at the top row
        const up = Math.max(0, Math.sin(elevation));
        const base = [0, 1, 2].map((k) => horizon[k] + (zenith[k] - horizon[k]) * Math.pow(up, 0.55));
        for (let x = 0; x < w; x++) {
            const azimuth = ((x + 0.5) / w) * Math.PI * 2;
            const dir = [Math.cos(elevation) * Math.cos(azimuth), Math.sin(elevation), Math.cos(elevation) * Math.sin(azimuth)];
            const cosSun = dir[0] * sunDir[0] + dir[1] * sunDir[1] + dir[2] * sunDir[2];
            const glow = Math.pow(Math.max(0, cosSun), 12) * 0.45 + Math.pow(Math.max(0, cosSun), 600) * 2;
            let c = base.map((v, k) => v + ([255, 236, 200][k] - v) * Math.min(1, glow));
            if (elevation > 0.02) {
                // Clouds: fbm on a plane above the ground, thinning towards the horizon.
                const t = 1 / Math.max(0.08, Math.tan(elevation));
                const cx = Math.cos(azimuth) * t * 2.2;
                const cz = Math.sin(azimuth) * t * 2.2;
                const n = fbm(cx + 3, cz + 7, { seed: 40, octaves: 5 });
                const cover = smoothstep(0.5, 0.72, n) * smoothstep(0.03, 0.25, elevation);
                const lit = 0.86 + 0.14 * smoothstep(0.55, 0.8, n) + 0.12 * Math.max(0, cosSun);
                c = c.map((v, k) => v + ([250, 248, 244][k] * lit - v) * cover);
            }
            const i = (y * w + x) * 4;
            d[i] = clamp(c[0], 0, 255);
            d[i + 1] = clamp(c[1], 0, 255);
            d[i + 2] = clamp(c[2], 0, 255);
            d[i + 3] = 255;
        }
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("sky", canvas, scene);
}

/** Horizon colour of the sky texture, for the fog (so distant hills melt into the sky). */
export const HorizonColor = [196 / 255, 222 / 255, 236 / 255] as const;

/** A soft round shadow (black, alpha falling off from the centre) under things that move. */
export function createBlobShadowTexture(scene: Scene): DynamicTexture {
    const n = 64;
    const { canvas, ctx } = createCanvas(n, n);
    const g = ctx.createRadialGradient(n / 2, n / 2, 0, n / 2, n / 2, n / 2);
    g.addColorStop(0, "rgba(0,0,0,0.55)");
    g.addColorStop(0.6, "rgba(0,0,0,0.35)");
    g.addColorStop(1, "rgba(0,0,0,0)");
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, n, n);
    const texture = toTexture("blobShadow", canvas, scene, { wrap: false });
    texture.hasAlpha = true;
    return texture;
}
