/**
 * Reading the reference pairs that training/recipe.py exports next to each trained model (models/reference/): the
 * manifest `<name>.json`, the input PNG (and, for a guided model, its guide maps), the PyTorch output tensor (raw
 * float32 NCHW) and the output PNG.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import type { RgbaFrame } from "../src/plugin/contract/cpuReference";
import { depthGuidePlane, normalGuidePlanes, type GuideSpec } from "../src/plugin/contract/guides";
import type { PreprocessParams } from "../src/plugin/contract/preprocessConfig";

export const ModelsDir = path.join(__dirname, "..", "models");

export interface ReferenceEntry {
    width: number;
    height: number;
    frame: string;
    input: string;
    output: string;
    output_tensor: string;
    /** A depth-guided model's reference depth map: 16-bit grey centimetres. */
    depth?: string;
    /** A normal-guided model's reference normal map: 8-bit RGB, n * 0.5 + 0.5. */
    normal?: string;
}

export interface ReferenceManifest {
    name: string;
    file: string;
    bytes: number;
    parameters: number;
    gmacs_720x540: number;
    architecture: { filters: number[]; resnet_blocks: number; norm: string; family?: string };
    metadata: Record<string, string>;
    references: ReferenceEntry[];
    /** The fp16 twin (`recipe.py half`), beside the model. */
    fp16_twin?: { file: string; bytes: number };
}

/** Every manifest in `dir/reference/`, sorted by model name. */
export function readManifests(dir = ModelsDir): ReferenceManifest[] {
    const refDir = path.join(dir, "reference");
    return readdirSync(refDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => JSON.parse(readFileSync(path.join(refDir, f), "utf8")) as ReferenceManifest);
}

export function readPng(file: string): RgbaFrame & { data: Uint8Array } {
    const png = PNG.sync.read(readFileSync(file));
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
}

/**
 * The guide planes a guided model was given with its reference input (in `guides.order`), as the plugin computes them
 * from the depth and normal maps (contract/guides.ts); empty for an RGB model.
 */
export function referenceGuides(ref: ReferenceEntry, guides: GuideSpec | undefined, p: PreprocessParams, dir = ModelsDir): Float32Array[] {
    const { width, height } = ref;
    return (guides?.order ?? []).map((guide) => {
        const file = path.join(dir, ref[guide] ?? "");
        if (!ref[guide]) {
            throw new Error(`reference ${ref.input} has no ${guide} map; re-export it with training/recipe.py export`);
        }
        if (guide === "depth") {
            const png = PNG.sync.read(readFileSync(file), { skipRescale: true }); // 16-bit grey, widened to RGBA
            const metres = Float32Array.from({ length: width * height }, (_, i) => (png.data as unknown as Uint16Array)[i * 4] / 100);
            return depthGuidePlane(metres, width, height, width, height, guides!, p);
        }
        const normals = Float32Array.from(readPng(file).data, (v, i) => (i % 4 === 3 ? 0 : (v / 255) * 2 - 1));
        return normalGuidePlanes(normals, width, height, 4, width, height, p);
    });
}

/** The PyTorch output tensor, NCHW float32 little-endian. */
export function readTensor(file: string): Float32Array {
    const bytes = readFileSync(file);
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Float32Array(copy.buffer);
}

/**
 * PSNR in dB between two [-1,1] tensors measured on the displayed [0,1] scale (value * 0.5 + 0.5), so 45 dB means an
 * RMS error of about 0.0056 of full brightness (~1.4 of 255 levels).
 */
export function tensorPsnr(a: Float32Array, b: Float32Array): number {
    if (a.length !== b.length) {
        throw new RangeError(`tensors differ in length (${a.length} vs ${b.length})`);
    }
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
        const d = (a[i] - b[i]) * 0.5;
        sum += d * d;
    }
    const mse = sum / a.length;
    return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}
