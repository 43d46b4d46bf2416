import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { PreprocessConfig } from "./contract/preprocessConfig.js";
import type { ModelLoadProgress } from "./model/loadModel.js";
import { StylizationOptionsError } from "./errors.js";
import { MaxInferenceSide, MinInferenceSide } from "./capture/inferenceSize.js";
import { ExecutionProviderOptions, type ExecutionProviderOption } from "./infer/executionProvider.js";

export type { ExecutionProviderOption };

/** What the composite shows. `split` shows the original left of `splitPosition`. */
export type StylizationView = "stylized" | "original" | "split" | "difference";
export const StylizationViews: readonly StylizationView[] = ["stylized", "original", "split", "difference"];

/** Options of `scene.enableStylization(model, options)`. */
export interface StylizationOptions extends ModelDownloadOptions {
    /** Camera whose frames are stylized. @defaultValue the scene's active camera */
    camera?: Camera;
    /** Execution provider; `"auto"` picks zero-copy WebGPU on a WebGPU engine, and on WebGL2 the fastest provider that does not stall the loop. @defaultValue `"auto"` */
    executionProvider?: ExecutionProviderOption;
    /** Inference height in pixels, from 8 to 4096 (rounded to the nearest multiple of 8; width follows the aspect ratio). Ignored for fixed-size models. @defaultValue `540` */
    targetHeight?: number;
    /**
     * Adaptive resolution: the frame rate the render loop should hold while stylizing. The inference height then moves
     * between `minTargetHeight` and `targetHeight`, lowered while the loop runs clearly slower, raised again with
     * headroom (`stats.adaptive` says what it chose and why). 0 keeps `targetHeight`. @defaultValue `0`
     */
    targetFps?: number;
    /** The lowest inference height the adaptive resolution goes to, in pixels. @defaultValue `64` */
    minTargetHeight?: number;
    /** Preprocessing overrides; they win over what the model declares. @defaultValue `{}` */
    preprocess?: Partial<PreprocessConfig>;
    /** Blend between original (0) and stylized (1). @defaultValue `1` */
    blend?: number;
    /** What the composite shows. @defaultValue `"stylized"` */
    view?: StylizationView;
    /** Position of the split divider, 0..1 from the left. @defaultValue `0.5` */
    splitPosition?: number;
    /** Whether frames are stylized. @defaultValue `true` */
    enabled?: boolean;
    /** How results follow the camera between inferences and over time. @defaultValue `{ reproject: true, history: 0 }` */
    temporal?: TemporalOptions;
    /**
     * Whether the camera's foreground layers (a Babylon GUI fullscreen UI, a HUD `Layer`) are stylized with the scene.
     * @defaultValue `false`: they are drawn after the stylization (their `applyPostProcess` is turned off while it runs)
     */
    stylizeLayers?: boolean;
}

/** How the stylized image follows the camera (option `temporal`, and `stylization.temporal`). */
export interface TemporalOptions {
    /**
     * Warp the shown result to the camera of every rendered frame, using the depth of the frame it was captured from
     * (one depth pass per frame and one full-screen composite pass); surfaces the result did not see show the current
     * frame. Off, the result shows as captured until the next one arrives. @defaultValue `true`
     */
    reproject?: boolean;
    /**
     * Temporal stabilizer, 0..1: the weight of the last shown frame, warped to the camera, in each new one (as temporal
     * anti-aliasing does), clamped to the new result's neighbourhood so moving content does not ghost. Reduces flicker
     * between results; a still camera over a still scene converges to one image. 0 turns it off. @defaultValue `0`
     */
    history?: number;
}

/** How a model is downloaded (options of `enableStylization` and `setModel`). */
export interface ModelDownloadOptions {
    /** Download progress of the model. */
    onProgress?: (progress: ModelLoadProgress) => void;
    /** The largest model accepted, in bytes: a larger one is refused with a ModelDownloadError. @defaultValue no cap */
    maxModelBytes?: number;
    /** A download that receives nothing for this long fails with a ModelDownloadError, in ms. @defaultValue `30000` */
    downloadStallMs?: number;
}

/** Options of `stylization.setModel(model, options)`. */
export interface SetModelOptions extends ModelDownloadOptions {
    /** Execution provider for this model and the next ones. @defaultValue the one asked for until now */
    executionProvider?: ExecutionProviderOption;
    /** Name used in messages. @defaultValue the URL's file name */
    name?: string;
}

export interface ResolvedStylizationOptions {
    camera: Camera;
    executionProvider: ExecutionProviderOption;
    targetHeight: number;
    targetFps: number;
    minTargetHeight: number;
    preprocess: Partial<PreprocessConfig>;
    blend: number;
    view: StylizationView;
    splitPosition: number;
    enabled: boolean;
    temporal: Required<TemporalOptions>;
    stylizeLayers: boolean;
    download: ModelDownloadOptions;
}

export function checkUnit(name: string, value: unknown): number {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
        throw new StylizationOptionsError(`${name} is ${shown(value)}; expected a number from 0 to 1`);
    }
    return value;
}

/** An optional positive number (a byte count, a duration). */
function checkPositive(name: string, value: unknown): number | undefined {
    if (value !== undefined && (typeof value !== "number" || !(value > 0))) {
        throw new StylizationOptionsError(`${name} is ${shown(value)}; expected a positive number`);
    }
    return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
    if (typeof value !== "boolean") {
        throw new StylizationOptionsError(`${name} is ${shown(value)}; expected true or false`);
    }
    return value;
}

export function checkView(value: unknown): StylizationView {
    if (!StylizationViews.includes(value as StylizationView)) {
        throw new StylizationOptionsError(`view is ${JSON.stringify(value)}; expected one of ${StylizationViews.join(", ")}`);
    }
    return value as StylizationView;
}

/** What a value was, for messages: `JSON.stringify` would print NaN and Infinity as "null". */
function shown(value: unknown): string {
    return typeof value === "number" ? String(value) : JSON.stringify(value);
}

export function checkTargetHeight(value: unknown, name = "targetHeight"): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < MinInferenceSide || value > MaxInferenceSide) {
        throw new StylizationOptionsError(`${name} is ${shown(value)}; expected a number of pixels from ${MinInferenceSide} to ${MaxInferenceSide}`);
    }
    return value;
}

export function checkTargetFps(value: unknown): number {
    if (typeof value !== "number" || !(value >= 0 && value <= 1000)) {
        throw new StylizationOptionsError(`targetFps is ${shown(value)}; expected frames per second from 0 (off) to 1000`);
    }
    return value;
}

/** Temporal settings: `value`'s fields over `current`'s, checked. */
export function checkTemporal(value: unknown, current: Required<TemporalOptions>): Required<TemporalOptions> {
    if (typeof value !== "object" || value === null) {
        throw new StylizationOptionsError(`temporal is ${shown(value)}; expected an object such as { reproject: true, history: 0.5 }`);
    }
    const { reproject = current.reproject, history = current.history, ...unknown } = value as TemporalOptions;
    const extra = Object.keys(unknown);
    if (extra.length) {
        throw new StylizationOptionsError(`temporal has unknown field ${JSON.stringify(extra[0])}; expected reproject or history`);
    }
    return { reproject: checkBoolean("temporal.reproject", reproject), history: checkUnit("temporal.history", history) };
}

/** Resolves every default in one place. */
export function resolveStylizationOptions(options: StylizationOptions, activeCamera: Camera | null): ResolvedStylizationOptions {
    const camera = options.camera ?? activeCamera;
    if (!camera) {
        throw new StylizationOptionsError("enableStylization needs a camera: pass options.camera or set scene.activeCamera first");
    }
    const ep = options.executionProvider ?? "auto";
    if (!ExecutionProviderOptions.includes(ep)) {
        throw new StylizationOptionsError(
            `executionProvider is ${JSON.stringify(ep)}; expected one of ${ExecutionProviderOptions.map((p) => JSON.stringify(p)).join(", ")}`
        );
    }
    return {
        camera,
        executionProvider: ep,
        targetHeight: checkTargetHeight(options.targetHeight ?? 540),
        targetFps: checkTargetFps(options.targetFps ?? 0),
        minTargetHeight: checkTargetHeight(options.minTargetHeight ?? 64, "minTargetHeight"),
        preprocess: options.preprocess ?? {},
        blend: checkUnit("blend", options.blend ?? 1),
        view: checkView(options.view ?? "stylized"),
        splitPosition: checkUnit("splitPosition", options.splitPosition ?? 0.5),
        enabled: options.enabled ?? true,
        temporal: checkTemporal(options.temporal === undefined ? {} : options.temporal, { reproject: true, history: 0 }),
        stylizeLayers: checkBoolean("stylizeLayers", options.stylizeLayers ?? false),
        download: {
            onProgress: options.onProgress,
            maxModelBytes: checkPositive("maxModelBytes", options.maxModelBytes),
            downloadStallMs: checkPositive("downloadStallMs", options.downloadStallMs),
        },
    };
}
