/**
 * The CPU reference of the contract: what the GPU paths must reproduce, what the readback paths run, and what tests
 * and tools use to predict a network's input and output. Frames are RGBA, rows top-down (image order), values either
 * bytes (0..255) or floats (0..1).
 */
import { applyConversion, derivePreprocessParams, type PreprocessConfig, type PreprocessParams } from "./preprocessConfig.js";

/** An RGBA image, rows top-down. Byte arrays hold 0..255, `Float32Array` holds 0..1. */
export interface RgbaFrame {
    data: Uint8Array | Uint8ClampedArray | Float32Array;
    width: number;
    height: number;
}

/** A frame's RGBA bytes: byte frames as they are, float frames (0..1) rounded to the nearest level. */
export function frameBytes(frame: RgbaFrame): Uint8Array | Uint8ClampedArray {
    return frame.data instanceof Float32Array ? Uint8Array.from(frame.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)) : frame.data;
}

function texel(frame: RgbaFrame, x: number, y: number, channel: number): number {
    const v = frame.data[(y * frame.width + x) * 4 + channel];
    return frame.data instanceof Float32Array ? v : v / 255;
}

/**
 * Samples channel `channel` of `frame` at normalized (u, v) like a GPU sampler with clamp-to-edge addressing:
 * texel centres at (i + 0.5) / size.
 */
export function sampleFrame(frame: RgbaFrame, u: number, v: number, channel: number, nearest: boolean): number {
    const fx = u * frame.width - 0.5;
    const fy = v * frame.height - 0.5;
    const clampX = (x: number) => Math.min(frame.width - 1, Math.max(0, x));
    const clampY = (y: number) => Math.min(frame.height - 1, Math.max(0, y));
    if (nearest) {
        return texel(frame, clampX(Math.floor(u * frame.width)), clampY(Math.floor(v * frame.height)), channel);
    }
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const tx = fx - x0;
    const ty = fy - y0;
    const a = texel(frame, clampX(x0), clampY(y0), channel);
    const b = texel(frame, clampX(x0 + 1), clampY(y0), channel);
    const c = texel(frame, clampX(x0), clampY(y0 + 1), channel);
    const d = texel(frame, clampX(x0 + 1), clampY(y0 + 1), channel);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

/**
 * Frame -> NCHW float32 tensor data (batch 1, 3 channels) of size `width` x `height`, resampling when the frame has
 * another size. `out` may be passed to avoid an allocation.
 */
export function preprocessFrame(
    frame: RgbaFrame,
    width: number,
    height: number,
    config: PreprocessConfig | PreprocessParams,
    out?: Float32Array
): Float32Array {
    const p = "source" in config ? config : derivePreprocessParams(config);
    const plane = width * height;
    const result = out ?? new Float32Array(3 * plane);
    if (result.length !== 3 * plane) {
        throw new RangeError(`output holds ${result.length} values; a 3x${height}x${width} tensor needs ${3 * plane}`);
    }
    const sameSize = frame.width === width && frame.height === height;
    for (let y = 0; y < height; y++) {
        const frameRow = p.flipY ? height - 1 - y : y;
        for (let x = 0; x < width; x++) {
            const u = (x + 0.5) / width;
            const v = (frameRow + 0.5) / height;
            for (let c = 0; c < 3; c++) {
                const s = p.source[c];
                const pixel = sameSize ? texel(frame, x, frameRow, s) : sampleFrame(frame, u, v, s, p.nearest === 1);
                result[c * plane + y * width + x] = applyConversion(pixel, p.inConversion) * p.inScale[c] + p.inBias[c];
            }
        }
    }
    return result;
}

/** One output value -> display value in 0..1 (unclamped when the contract says so and no conversion applies). */
export function postprocessValue(value: number, p: PreprocessParams): number {
    let v = value * p.outScale + p.outBias;
    if (p.clamp) {
        v = Math.min(1, Math.max(0, v));
    }
    return applyConversion(v, p.outConversion);
}

/**
 * NCHW float32 output (batch 1, 3 channels) -> RGBA bytes, rows top-down (flipped back when the contract flips),
 * alpha 255. Bytes round to nearest, as a GPU writing a unorm8 target does.
 */
export function postprocessTensor(
    tensor: Float32Array,
    width: number,
    height: number,
    config: PreprocessConfig | PreprocessParams,
    out?: Uint8Array
): Uint8Array {
    const p = "source" in config ? config : derivePreprocessParams(config);
    const plane = width * height;
    if (tensor.length < 3 * plane) {
        throw new RangeError(`tensor holds ${tensor.length} values; a 3x${height}x${width} output needs ${3 * plane}`);
    }
    const result = out ?? new Uint8Array(plane * 4);
    if (result.length !== plane * 4) {
        throw new RangeError(`output holds ${result.length} bytes; a ${width}x${height} RGBA image needs ${plane * 4}`);
    }
    for (let y = 0; y < height; y++) {
        const row = p.flipY ? height - 1 - y : y;
        for (let x = 0; x < width; x++) {
            const o = (y * width + x) * 4;
            for (let ch = 0; ch < 3; ch++) {
                const v = postprocessValue(tensor[p.source[ch] * plane + row * width + x], p);
                result[o + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
            }
            result[o + 3] = 255;
        }
    }
    return result;
}
