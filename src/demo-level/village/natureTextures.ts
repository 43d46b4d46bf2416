/** Textures of nature and of things that move: foliage, still and falling water, the sky, and blob shadows. */
import type { Scene } from "@babylonjs/core/scene.js";
import type { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture.js";
import { Random, fbm, smoothstep, clamp } from "./random.js";
import { createCanvas, rgb, shade, toTexture } from "./texturePainting.js";

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
