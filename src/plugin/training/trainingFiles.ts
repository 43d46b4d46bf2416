/**
 * Recorded training frames as files: 8-bit RGB PNGs, 16-bit view distances in `depth/`, view-space normals in
 * `normal/` (8-bit RGB, as normal maps are kept), and `frames.json`, the layout
 * the training recipe reads (training/README.md). In a browser they download as one zip; in Node they are written out
 * by the caller (`babylon-stylize capture` does). The codecs are imported when first used, so a game that never
 * records frames does not load them.
 */
import type { ResizeFilter } from "../contract/preprocessConfig.js";
import type { GuideName } from "../contract/guides.js";

/** Where the camera was when a frame was recorded (world units; `forward` is the viewing direction). */
export interface CameraPose {
    position: number[];
    forward: number[];
    up: number[];
    /** Vertical field of view in radians (0 for an orthographic camera). */
    fov: number;
}

export interface TrainingFrame {
    /** Position in the recording, from 0. */
    index: number;
    /** File name of the frame (and of its guide maps in `depth/` and `normal/`): 00000.png, 00001.png, … */
    file: string;
    /** RGB, 8 bits per channel, sRGB, row 0 at the top. */
    png: Uint8Array;
    /** View distance per pixel as 16-bit grey in centimetres, 0 where nothing was drawn; with `guides: ["depth"]`. */
    depthPng?: Uint8Array;
    /**
     * View-space unit normal per pixel as 8-bit RGB, each component n * 0.5 + 0.5 over 0..255 (128 where nothing was
     * drawn), the normal guide's values; with `guides: ["normal"]`.
     */
    normalPng?: Uint8Array;
    width: number;
    height: number;
    /** The engine's frame counter when it was recorded. */
    frameId: number;
    /** Milliseconds since the first frame was recorded. */
    time: number;
    camera: CameraPose;
}

/** `frames.json`: what the frames are and where each was taken. */
export interface TrainingManifest {
    engine: "webgl" | "webgpu";
    width: number;
    height: number;
    stylized: false;
    /** What the pixel values are. */
    image: string;
    resize: ResizeFilter;
    /**
     * How the captured frame was mapped to what is displayed: "display" (taken as the post processes before it left
     * it), or the tone mapping it was taken through (before an image processing pass: see frameMapping.ts).
     */
    mapping: { mode: string; exposure: number };
    guides: string[];
    /** Rendered frames between two recorded frames. */
    every: number;
    frames: Array<Pick<TrainingFrame, "file" | "frameId" | "time" | "camera">>;
}

export const ImageDescription = "8-bit sRGB RGB, row 0 at the top: the frame as the capture pass resamples it for the network";

/** Encodes RGBA bytes (alpha ignored) as an RGB PNG. */
export async function encodeRgbPng(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
    const { encode } = await import("fast-png");
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
        rgb[i * 3] = rgba[i * 4];
        rgb[i * 3 + 1] = rgba[i * 4 + 1];
        rgb[i * 3 + 2] = rgba[i * 4 + 2];
    }
    return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}

/** The largest view distance a 16-bit depth map holds, in metres (centimetre steps). */
export const DepthLimit = 65535 / 100;

/**
 * The guide maps of a recorded tensor as PNGs. The tensor holds RGB, then the guide planes in `order`, each as the
 * [0,1] contract takes a guide in (contract/guides.ts): the depth guide over 0..DepthLimit (1 where nothing was drawn
 * or farther: 0 cm in the file), the normal guide's n * 0.5 + 0.5.
 */
export async function encodeGuidePngs(tensor: Float32Array, width: number, height: number, order: readonly GuideName[]): Promise<Pick<TrainingFrame, "depthPng" | "normalPng">> {
    const { encode } = await import("fast-png");
    const plane = width * height;
    const pngs: Pick<TrainingFrame, "depthPng" | "normalPng"> = {};
    let channel = 3;
    for (const guide of order) {
        const at = channel * plane;
        if (guide === "depth") {
            const centimetres = new Uint16Array(plane);
            for (let i = 0; i < plane; i++) {
                const d = tensor[at + i];
                centimetres[i] = d >= 1 ? 0 : Math.round(d * 65535);
            }
            pngs.depthPng = encode({ width, height, data: centimetres, channels: 1, depth: 16 });
            channel += 1;
        } else {
            const rgb = new Uint8Array(plane * 3);
            for (let i = 0; i < plane; i++) {
                for (let k = 0; k < 3; k++) {
                    rgb[i * 3 + k] = Math.round(Math.min(1, Math.max(0, tensor[at + k * plane + i])) * 255);
                }
            }
            pngs.normalPng = encode({ width, height, data: rgb, channels: 3, depth: 8 });
            channel += 3;
        }
    }
    return pngs;
}

/** A recording: its frames and manifest, as files, a zip, or a browser download. */
export class TrainingFrameSet {
    public constructor(
        public readonly frames: TrainingFrame[],
        public readonly manifest: TrainingManifest
    ) {}

    /** Relative path -> bytes: every frame, its guide maps when recorded, and `frames.json`. */
    public files(): Map<string, Uint8Array> {
        const files = new Map<string, Uint8Array>();
        for (const frame of this.frames) {
            files.set(frame.file, frame.png);
            if (frame.depthPng) {
                files.set(`depth/${frame.file}`, frame.depthPng);
            }
            if (frame.normalPng) {
                files.set(`normal/${frame.file}`, frame.normalPng);
            }
        }
        files.set("frames.json", new TextEncoder().encode(JSON.stringify(this.manifest, null, 1)));
        return files;
    }

    /** The files in one zip (PNGs stored as they are: they are compressed already). */
    public async zip(): Promise<Uint8Array> {
        const { zipSync } = await import("fflate");
        const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
        for (const [name, bytes] of this.files()) {
            entries[name] = [bytes, { level: name.endsWith(".png") ? 0 : 6 }];
        }
        return zipSync(entries);
    }

    /** Saves the zip through the browser's download (a page only). */
    public async download(fileName = "training-frames.zip"): Promise<void> {
        const zip = await this.zip();
        const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: "application/zip" }));
        const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
}
