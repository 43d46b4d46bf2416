/**
 * G-buffer guides: input channels after the RGB frame that a model declares in its metadata, fed from Babylon's
 * buffers in the same capture pass.
 *
 * - `stylize.guides`: the guides in channel order after R, G, B. Supported: `depth` (one channel).
 * - `stylize.depth_range`: `"near,far"` in scene units (view distance). The depth guide of a pixel is its view
 *   distance mapped to 0..1 over near..far (clamped; 1 where nothing was drawn), then taken into the tensor like the
 *   first image channel (the contract's input range: 2d - 1 for `[-1,1]`, d for `[0,1]`, 255d for `[0,255]`).
 *
 * The CPU formulas here are what the GPU capture reproduces (a browser test compares them).
 */
import { UnsupportedModelError } from "../errors.js";
import type { PreprocessParams } from "./preprocessConfig.js";

/** The guides a model declares; undefined for a plain RGB model. */
export interface GuideSpec {
    depth: { near: number; far: number };
}

export const GuideKeys = { guides: "stylize.guides", depthRange: "stylize.depth_range" } as const;
const Supported = ["depth"];

/** Channels the guides add after R, G, B. */
export function guideChannels(guides: GuideSpec | undefined): number {
    return guides ? 1 : 0;
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
    const unknown = names.filter((g) => !Supported.includes(g));
    if (unknown.length || names.length !== 1) {
        throw new UnsupportedModelError(
            `model ${model} declares ${GuideKeys.guides} = "${declared}"; the plugin feeds one guide, depth (${unknown.length ? `"${unknown[0]}" is not one it can feed` : "listed more than once"}). Export the generator with ${GuideKeys.guides} = "depth", or without guides.`
        );
    }
    const range = (metadata[GuideKeys.depthRange] ?? "").split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
    if (range.length !== 2 || !(range[0] >= 0) || !(range[1] > range[0]) || !Number.isFinite(range[1])) {
        throw new UnsupportedModelError(
            `model ${model} declares a depth guide but ${GuideKeys.depthRange} is ${JSON.stringify(metadata[GuideKeys.depthRange] ?? null)}; expected "near,far" in scene units (0 <= near < far), the range the depth was normalized over in training.`
        );
    }
    return { depth: { near: range[0], far: range[1] } };
}

/** The packed guide uniform (p5): [has depth guide, near, far, 0]. */
export function packGuides(guides: GuideSpec | undefined): number[] {
    return guides ? [1, guides.depth.near, guides.depth.far, 0] : [0, 0, 1, 0];
}

/** A view distance (0: nothing drawn) -> the depth guide's 0..1 value. */
export function depthGuideValue(z: number, near: number, far: number): number {
    const distance = Math.abs(z);
    return distance === 0 ? 1 : Math.min(1, Math.max(0, (distance - near) / (far - near)));
}

/**
 * The depth guide plane (`width` x `height`, rows top-down unless the contract flips) from a view-depth map of the
 * frame (`depth`, rows top-down, `depthWidth` x `depthHeight`), sampled nearest at each tensor pixel's centre.
 */
export function depthGuidePlane(
    depth: Float32Array,
    depthWidth: number,
    depthHeight: number,
    width: number,
    height: number,
    guides: GuideSpec,
    p: PreprocessParams
): Float32Array {
    const plane = new Float32Array(width * height);
    const { near, far } = guides.depth;
    for (let y = 0; y < height; y++) {
        const row = p.flipY ? height - 1 - y : y;
        const sy = Math.min(depthHeight - 1, Math.floor(((row + 0.5) / height) * depthHeight));
        for (let x = 0; x < width; x++) {
            const sx = Math.min(depthWidth - 1, Math.floor(((x + 0.5) / width) * depthWidth));
            plane[y * width + x] = depthGuideValue(depth[sy * depthWidth + sx], near, far) * p.inScale[0] + p.inBias[0];
        }
    }
    return plane;
}

/**
 * `rgb` (a 3-channel NCHW tensor) with flat guide planes appended: still images (diagnosis, stylizeImage) have no
 * depth, so the depth guide is everywhere the far end.
 */
export function withFlatGuides(rgb: Float32Array, plane: number, guides: GuideSpec | undefined, p: PreprocessParams): Float32Array {
    if (!guides) {
        return rgb;
    }
    const out = new Float32Array(rgb.length + plane);
    out.set(rgb);
    out.fill(p.inScale[0] + p.inBias[0], rgb.length);
    return out;
}
