/** Textures of the buildings: the building atlas (wall tiles, gables, prop swatches) and the roof tiles. */
import type { Scene } from "@babylonjs/core/scene.js";
import type { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture.js";
import { Random } from "./random.js";
import { type Ctx, type PixelRect, createCanvas, noiseOverlay, rgb, shade, toTexture } from "./texturePainting.js";
import { AtlasSize, Swatches, type WallTile, WallTileColumn } from "./atlasLayout.js";
import { Schemes, diagonal, door, paintGable, paintWallTile, stoneBlocks } from "./wallPainting.js";

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
        ctx.fillStyle = rgb(
            random.pick([
                [200, 40, 40],
                [230, 140, 30],
                [120, 170, 60],
                [220, 200, 60],
                [150, 40, 90],
            ])
        );
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
