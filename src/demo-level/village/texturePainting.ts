/**
 * Shared helpers of the village's texture painters. Every texture of the village is painted at start-up with Canvas 2D
 * and seeded noise (nothing is downloaded). The painters are deterministic: the same code paints the same pixels, so
 * frames are repeatable.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture.js";
import { Texture } from "@babylonjs/core/Materials/Textures/texture.js";
import { fbm, clamp } from "./random.js";

export type Ctx = CanvasRenderingContext2D;

/** A rectangle of a texture in pixels (canvas coordinates, y down). */
export interface PixelRect {
    x: number;
    y: number;
    w: number;
    h: number;
}

export function createCanvas(width: number, height: number): { canvas: HTMLCanvasElement; ctx: Ctx } {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    return { canvas, ctx };
}

export function toTexture(name: string, canvas: HTMLCanvasElement, scene: Scene, options: { wrap?: boolean } = {}): DynamicTexture {
    const texture = new DynamicTexture(name, canvas, scene, true, Texture.TRILINEAR_SAMPLINGMODE);
    texture.update(true);
    texture.wrapU = texture.wrapV = options.wrap === false ? Texture.CLAMP_ADDRESSMODE : Texture.WRAP_ADDRESSMODE;
    texture.anisotropicFilteringLevel = 1; // anisotropic taps cost dearly on software rasterizers
    return texture;
}

export const rgb = (c: readonly number[], a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

export function shade(c: readonly number[], f: number): number[] {
    return c.map((v) => clamp(Math.round(v * f), 0, 255));
}

/** Multiplies a region's pixels by noise: 1 - amount .. 1 + amount, at a scale of `cell` pixels per noise cell. */
export function noiseOverlay(ctx: Ctx, r: PixelRect, options: { amount: number; cell: number; seed: number; octaves?: number; tile?: boolean }): void {
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
