/**
 * Temporal figures of a sequence of frames along the camera path, with the engine's own motion as ground truth: each
 * path frame's view-space depth and camera matrices say where every pixel of frame t was in frame t-1 (no optical flow).
 * Frames are RGBA, rows top-down; figures are in 8-bit levels (0..255).
 */
import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector.js";

/** One path frame's ground truth: view-space depth (rows top-down, 0 where nothing was drawn) and camera. */
export interface FrameTruth {
    width: number;
    height: number;
    depth: Float32Array;
    /** Babylon matrices as arrays (row-vector convention). */
    view: number[];
    viewProjection: number[];
    /** Far plane, the depth given to background pixels. */
    far: number;
}

/** For each pixel of frame t, the pixel of frame t-1 showing the same surface, or -1 (hidden, off screen). */
export function correspondence(now: FrameTruth, before: FrameTruth): Int32Array {
    const { width, height } = now;
    const out = new Int32Array(width * height).fill(-1);
    const inverse = Matrix.FromArray(now.viewProjection).invert();
    const view = Matrix.FromArray(now.view);
    const toBefore = Matrix.FromArray(before.viewProjection);
    const viewBefore = Matrix.FromArray(before.view);
    const [a, b, p] = [new Vector3(), new Vector3(), new Vector3()];
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const i = y * width + x;
            const ndcX = ((x + 0.5) / width) * 2 - 1;
            const ndcY = 1 - ((y + 0.5) / height) * 2;
            Vector3.TransformCoordinatesFromFloatsToRef(ndcX, ndcY, 0, inverse, a);
            Vector3.TransformCoordinatesFromFloatsToRef(ndcX, ndcY, 0.5, inverse, b);
            const za = Vector3.TransformCoordinates(a, view).z;
            const zb = Vector3.TransformCoordinates(b, view).z;
            const z = now.depth[i] || now.far;
            Vector3.LerpToRef(a, b, (z - za) / (zb - za), p);
            const clip = Vector3.TransformCoordinates(p, toBefore);
            const bx = Math.floor(((clip.x + 1) / 2) * width);
            const by = Math.floor(((1 - clip.y) / 2) * height);
            if (bx < 0 || by < 0 || bx >= width || by >= height) {
                continue;
            }
            const expected = Vector3.TransformCoordinates(p, viewBefore).z;
            const seen = before.depth[by * width + bx] || before.far;
            if (Math.abs(seen - expected) <= 0.01 * Math.abs(expected)) {
                out[i] = by * width + bx;
            }
        }
    }
    return out;
}

/** Mean absolute RGB difference of two frames, in levels. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
    let sum = 0;
    for (let i = 0; i < a.length; i += 4) {
        sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
    }
    return sum / ((a.length / 4) * 3);
}

/** Mean |S_t(p) - S_t-1(q(p))| over the pixels visible in both frames (q from {@link correspondence}). */
export function warpingError(now: Uint8Array, before: Uint8Array, match: Int32Array): number {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < match.length; i++) {
        const j = match[i];
        if (j >= 0) {
            for (let c = 0; c < 3; c++) {
                sum += Math.abs(now[i * 4 + c] - before[j * 4 + c]);
            }
            count += 3;
        }
    }
    return count ? sum / count : NaN;
}

export interface SequenceFigures {
    /** Mean |S_t - warp(S_t-1)| over pixels visible in both. */
    warpingError: number;
    /** mean|S_t - S_t-1| / mean|I_t - I_t-1|. */
    flickerRatio: number;
    /** Mean |S_t - S_t-1| where the input did not change at all. */
    changeWhereInputStill: number;
    /** Mean |(S_t - S_t-1) - (I_t - I_t-1)|. */
    changeMismatch: number;
    /** Mean |S_t - ideal_t| (when ideal frames are given). */
    lagError: number;
}

/** The figures of `frames` (index t = path frame start + t) against the input frames, motion and ideal frames. */
export function sequenceFigures(frames: Uint8Array[], inputs: Uint8Array[], matches: Int32Array[], ideal?: Uint8Array[]): SequenceFigures {
    let [warp, changeS, changeI, still, stillCount, mismatch, lag] = [0, 0, 0, 0, 0, 0, 0];
    const n = frames.length - 1;
    for (let t = 1; t < frames.length; t++) {
        const [s, sp, x, xp] = [frames[t], frames[t - 1], inputs[t], inputs[t - 1]];
        warp += warpingError(s, sp, matches[t]);
        changeS += meanAbsDiff(s, sp);
        changeI += meanAbsDiff(x, xp);
        let m = 0;
        for (let i = 0; i < s.length; i += 4) {
            const inputStill = x[i] === xp[i] && x[i + 1] === xp[i + 1] && x[i + 2] === xp[i + 2];
            for (let c = 0; c < 3; c++) {
                const ds = s[i + c] - sp[i + c];
                m += Math.abs(ds - (x[i + c] - xp[i + c]));
                if (inputStill) {
                    still += Math.abs(ds);
                    stillCount++;
                }
            }
        }
        mismatch += m / ((s.length / 4) * 3);
        lag += ideal ? meanAbsDiff(s, ideal[t]) : 0;
    }
    return {
        warpingError: warp / n,
        flickerRatio: changeS / changeI,
        changeWhereInputStill: stillCount ? still / stillCount : NaN,
        changeMismatch: mismatch / n,
        lagError: ideal ? lag / n : NaN,
    };
}
