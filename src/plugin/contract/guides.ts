/**
 * G-buffer guides: input channels after the RGB frame that a model declares in its metadata, fed from Babylon's
 * buffers in the same capture pass.
 *
 * - `stylize.guides`: the guides in channel order after R, G, B: `depth` (one channel), `normal` (three: x, y, z), or
 *   both in either order (`depth,normal`: 7 input channels).
 * - `stylize.depth_range`: `"near,far"` in scene units (view distance). The depth guide of a pixel is its view
 *   distance mapped to 0..1 over near..far (clamped; 1 where nothing was drawn).
 * - `stylize.normal_space`: `view` (the default, and the one the plugin feeds): the surface normal in the camera's
 *   view space as Babylon's geometry buffer writes it (unit length; x right, y up, z away from the camera in a
 *   left-handed scene), each component mapped to 0..1 as n * 0.5 + 0.5; 0.5 (the zero vector) where nothing was drawn.
 *
 * A guide's 0..1 value is taken into the tensor like the first image channel (the contract's input range: 2g - 1 for
 * `[-1,1]`, g for `[0,1]`, 255g for `[0,255]`). The CPU formulas here are what the GPU capture reproduces (a browser
 * test compares them).
 */
import { UnsupportedModelError } from "../errors.js";
import type { PreprocessParams } from "./preprocessConfig.js";

export type GuideName = "depth" | "normal";

/** The guides a model declares; undefined for a plain RGB model. */
export interface GuideSpec {
    /** The guides in tensor order after R, G, B. */
    order: GuideName[];
    depth?: { near: number; far: number };
    normal?: { space: "view" };
}

export const GuideKeys = { guides: "stylize.guides", depthRange: "stylize.depth_range", normalSpace: "stylize.normal_space" } as const;
const Width: Record<GuideName, number> = { depth: 1, normal: 3 };

/** Channels the guides add after R, G, B. */
export function guideChannels(guides: GuideSpec | undefined): number {
    return guides ? guides.order.reduce((n, g) => n + Width[g], 0) : 0;
}

/** The tensor channel a guide starts at (3 or more), or 0 when the model does not declare it. */
export function guideChannel(guides: GuideSpec | undefined, name: GuideName): number {
    if (!guides?.order.includes(name)) {
        return 0;
    }
    return 3 + guideChannels({ order: guides.order.slice(0, guides.order.indexOf(name)) });
}

/** Labels of the guide channels in tensor order ("depth", "normal x", ...), for the inspector. */
export function guideLabels(guides: GuideSpec | undefined): string[] {
    return (guides?.order ?? []).flatMap((g) => (g === "depth" ? ["depth"] : ["normal x", "normal y", "normal z"]));
}

/**
 * The guides declared in `metadata`, or undefined when none are.
 * @throws UnsupportedModelError naming what to fix when the declaration cannot be followed
 */
export function readGuides(metadata: Record<string, string>, model: string): GuideSpec | undefined {
    const declared = metadata[GuideKeys.guides];
    if (declared === undefined || declared.trim() === "") {
        return undefined;
    }
    const names = declared.split(",").map((g) => g.trim().toLowerCase());
    const unknown = names.find((g) => !(g in Width));
    const repeated = names.find((g, i) => names.indexOf(g) !== i);
    if (unknown !== undefined || repeated !== undefined) {
        throw new UnsupportedModelError(
            `model ${model} declares ${GuideKeys.guides} = "${declared}"; the plugin feeds depth and normal, each once (${unknown !== undefined ? `"${unknown}" is not one it can feed` : `"${repeated}" is listed twice`}). Export the generator with ${GuideKeys.guides} = "depth", "normal" or "depth,normal", or without guides.`
        );
    }
    const spec: GuideSpec = { order: names as GuideName[] };
    if (names.includes("depth")) {
        const range = (metadata[GuideKeys.depthRange] ?? "").split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
        if (range.length !== 2 || !(range[0] >= 0) || !(range[1] > range[0]) || !Number.isFinite(range[1])) {
            throw new UnsupportedModelError(
                `model ${model} declares a depth guide but ${GuideKeys.depthRange} is ${JSON.stringify(metadata[GuideKeys.depthRange] ?? null)}; expected "near,far" in scene units (0 <= near < far), the range the depth was normalized over in training.`
            );
        }
        spec.depth = { near: range[0], far: range[1] };
    }
    if (names.includes("normal")) {
        const space = (metadata[GuideKeys.normalSpace] ?? "view").trim().toLowerCase();
        if (space !== "view") {
            throw new UnsupportedModelError(
                `model ${model} declares ${GuideKeys.normalSpace} = "${metadata[GuideKeys.normalSpace]}"; the plugin feeds view-space normals ("view"). Train and export the generator on view-space normals (what captureTrainingFrames records).`
            );
        }
        spec.normal = { space: "view" };
    }
    return spec;
}

/** The packed guide uniform (p5): [depth channel (0: none), near, far, first normal channel (0: none)]. */
export function packGuides(guides: GuideSpec | undefined): number[] {
    return [guideChannel(guides, "depth"), guides?.depth?.near ?? 0, guides?.depth?.far ?? 1, guideChannel(guides, "normal")];
}

/** A view distance (0: nothing drawn) -> the depth guide's 0..1 value. */
export function depthGuideValue(z: number, near: number, far: number): number {
    const distance = Math.abs(z);
    return distance === 0 ? 1 : Math.min(1, Math.max(0, (distance - near) / (far - near)));
}

/** A normal component (-1..1; 0 where nothing was drawn) -> the normal guide's 0..1 value. */
export function normalGuideValue(n: number): number {
    return n * 0.5 + 0.5;
}

/**
 * Guide planes (`width` x `height` each, rows top-down unless the contract flips) from a map of the frame (`map`, rows
 * top-down, `mapWidth` x `mapHeight`, `stride` floats per pixel of which the first `components` are used), sampled
 * nearest at each tensor pixel's centre, each value mapped to 0..1 by `toGuide` and taken in like channel 0.
 */
function mapPlanes(
    map: Float32Array,
    [mapWidth, mapHeight, stride, components]: [number, number, number, number],
    width: number,
    height: number,
    p: PreprocessParams,
    toGuide: (v: number) => number
): Float32Array {
    const size = width * height;
    const planes = new Float32Array(components * size);
    for (let y = 0; y < height; y++) {
        const row = p.flipY ? height - 1 - y : y;
        const sy = Math.min(mapHeight - 1, Math.floor(((row + 0.5) / height) * mapHeight));
        for (let x = 0; x < width; x++) {
            const sx = Math.min(mapWidth - 1, Math.floor(((x + 0.5) / width) * mapWidth));
            for (let c = 0; c < components; c++) {
                planes[c * size + y * width + x] = toGuide(map[(sy * mapWidth + sx) * stride + c]) * p.inScale[0] + p.inBias[0];
            }
        }
    }
    return planes;
}

/** The depth guide plane from a view-depth map of the frame (`depth`: one float per pixel, rows top-down). */
export function depthGuidePlane(
    depth: Float32Array,
    depthWidth: number,
    depthHeight: number,
    width: number,
    height: number,
    guides: Pick<GuideSpec, "depth">,
    p: PreprocessParams
): Float32Array {
    const { near, far } = guides.depth!;
    return mapPlanes(depth, [depthWidth, depthHeight, 1, 1], width, height, p, (z) => depthGuideValue(z, near, far));
}

/**
 * The three normal guide planes (x, y, z) from a view-space normal map of the frame (`normals`: `stride` floats per
 * pixel, x y z first, rows top-down).
 */
export function normalGuidePlanes(
    normals: Float32Array,
    normalWidth: number,
    normalHeight: number,
    stride: number,
    width: number,
    height: number,
    p: PreprocessParams
): Float32Array {
    return mapPlanes(normals, [normalWidth, normalHeight, stride, 3], width, height, p, normalGuideValue);
}

/**
 * `rgb` (a 3-channel NCHW tensor) with flat guide planes appended: still images (diagnosis, stylizeImage) have no
 * geometry, so each guide is what "nothing drawn" gives: depth at the far end, the zero normal.
 */
export function withFlatGuides(rgb: Float32Array, plane: number, guides: GuideSpec | undefined, p: PreprocessParams): Float32Array {
    if (!guides) {
        return rgb;
    }
    const out = new Float32Array(rgb.length + guideChannels(guides) * plane);
    out.set(rgb);
    let at = rgb.length;
    for (const guide of guides.order) {
        const flat = guide === "depth" ? depthGuideValue(0, 0, 1) : normalGuideValue(0);
        const end = at + Width[guide] * plane;
        out.fill(flat * p.inScale[0] + p.inBias[0], at, end);
        at = end;
    }
    return out;
}
