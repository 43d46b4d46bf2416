/** Painters of the building atlas's wall tiles and gables, and the colour schemes of the houses. */
import { Random } from "./random.js";
import { type Ctx, type PixelRect, rgb, shade } from "./texturePainting.js";
import { TileH, TileW, type WallTile, WallTileColumn } from "./atlasLayout.js";

export interface Scheme {
    plaster: number[];
    timber: number[];
    shutters: number[];
    accent: number[];
}

export const Schemes: Scheme[] = [
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

export function diagonal(ctx: Ctx, color: number[], x0: number, y0: number, x1: number, y1: number, width: number): void {
    ctx.strokeStyle = rgb(color);
    ctx.lineWidth = width;
    ctx.lineCap = "butt";
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
}

export function stoneBlocks(ctx: Ctx, r: PixelRect, random: Random, base: number[] = [150, 146, 138], rows = 6): void {
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

function windowPane(
    ctx: Ctx,
    s: Scheme,
    cx: number,
    top: number,
    w: number,
    h: number,
    options: { shutters: boolean; flowers: boolean; stone: boolean }
): void {
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
            ctx.fillStyle = rgb(
                random.chance(0.45)
                    ? [60 + random.int(0, 40), 120 + random.int(0, 40), 50]
                    : random.pick([s.accent, [230, 60, 80], [250, 240, 240], [250, 170, 60]])
            );
            ctx.beginPath();
            ctx.arc(x, y, random.range(2, 3.6), 0, Math.PI * 2);
            ctx.fill();
        }
    }
}

export function door(ctx: Ctx, s: Scheme, cx: number, bottom: number, w: number, h: number, stone: boolean): void {
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

export function paintWallTile(ctx: Ctx, s: Scheme, schemeIndex: number, tile: WallTile): void {
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

export function paintGable(ctx: Ctx, s: Scheme, index: number): void {
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
