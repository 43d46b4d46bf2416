/**
 * Reference pairs for diagnosis in the browser: an input frame and the output the training framework produced for
 * it, from the model's sidecar (`<model folder>/reference/<model name>.json`, written by the training recipe's
 * export) or from two image files the user drops in.
 */
import type { RgbaFrame } from "../contract/cpuReference.js";
import { StylizationError } from "../errors.js";

export interface ReferencePair {
    label: string;
    input: RgbaFrame;
    expected: RgbaFrame;
}

/** A pair not yet decoded: where its images are. */
export interface ReferencePairSource {
    label: string;
    input: string;
    expected: string;
}

/**
 * Decodes an image to its stored RGBA bytes: no colour-space conversion and no premultiplication, so that the values
 * are the ones the training framework read from the same file.
 */
export async function decodeImage(source: Blob | string): Promise<RgbaFrame> {
    let blob: Blob;
    if (typeof source === "string") {
        const response = await fetch(source);
        if (!response.ok) {
            throw new StylizationError(`could not load ${source}: HTTP ${response.status}`);
        }
        blob = await response.blob();
    } else {
        blob = source;
    }
    let bitmap: ImageBitmap;
    try {
        bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
    } catch (error) {
        const name = typeof source === "string" ? source : ((source as File).name ?? "the file");
        throw new StylizationError(`${name} is not an image the browser can decode (${(error as Error).message})`);
    }
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    const data = context.getImageData(0, 0, width, height).data;
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/**
 * Reads the reference pairs a sidecar lists (image paths are relative to the model's URL, as the recipe writes them).
 * @throws StylizationError naming the sidecar when it cannot be fetched or read
 */
export async function loadSidecar(sidecar: string, modelUrl: string): Promise<ReferencePairSource[]> {
    const response = await fetch(sidecar);
    if (!response.ok) {
        throw new StylizationError(`${sidecar}: HTTP ${response.status}`);
    }
    let json: { references?: Array<{ width: number; height: number; frame?: string; input: string; output: string }> };
    try {
        json = await response.json();
    } catch {
        throw new StylizationError(`${sidecar} is not JSON`);
    }
    const modelBase = new URL(modelUrl, location.href);
    return (json.references ?? []).map((r) => ({
        label: `${r.width}x${r.height}${r.frame ? ` of ${r.frame}` : ""}`,
        input: new URL(r.input, modelBase).href,
        expected: new URL(r.output, modelBase).href,
    }));
}

export async function loadPair(source: ReferencePairSource): Promise<ReferencePair> {
    const [input, expected] = await Promise.all([decodeImage(source.input), decodeImage(source.expected)]);
    return { label: source.label, input, expected };
}
