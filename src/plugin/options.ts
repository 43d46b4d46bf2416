import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh.js";
import type { PreprocessConfig } from "./contract/preprocessConfig.js";
import type { ModelLoadProgress } from "./model/loadModel.js";
import { StylizationOptionsError } from "./errors.js";
import { MaxInferenceSide, MinInferenceSide } from "./capture/inferenceSize.js";
import { ExecutionProviderOptions, type ExecutionProviderOption } from "./infer/executionProvider.js";

export type { ExecutionProviderOption };

/** Where the stylization sits among the camera's post processes: see `StylizationOptions.placement`. */
export type StylizationPlacement = "before" | "after";
export const StylizationPlacements: readonly StylizationPlacement[] = ["before", "after"];

/** What the composite shows. `split` shows the original left of `splitPosition`. */
export type StylizationView = "stylized" | "original" | "split" | "difference" | "mask";
/** `mask` shows how much of the stylized image each pixel gets (white: all, black: none; see `exclude`, `depthRange`). */
export const StylizationViews: readonly StylizationView[] = ["stylized", "original", "split", "difference", "mask"];

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
    /**
     * Meshes left out of the stylization: where one is the visible surface the original frame shows, exactly, with a
     * soft edge of two pixels on the stylized side. A predicate, a list of meshes, or a layer mask (a mesh is excluded
     * when `mesh.layerMask & exclude` is not 0). Costs a depth pass over the excluded meshes. @defaultValue none
     */
    exclude?: StylizationExclusion | null;
    /**
     * Where the stylization sits among the camera's other post processes (a DefaultRenderingPipeline's included):
     * `"after"` them, stylizing the frame as displayed, or `"before"` them, so tone mapping, bloom, FXAA and grain apply
     * to the stylized image. Before the scene's image processing the frame is linear light (HDR with an HDR pipeline):
     * the network sees it mapped as the image processing would display it, and its output is mapped back.
     * @defaultValue `"after"`
     */
    placement?: StylizationPlacement;
    /** Stylize only a range of view distances, with a soft falloff (e.g. `{ near: 20 }` keeps the foreground crisp). @defaultValue everything */
    depthRange?: DepthRange | null;
}

/** A depth range with its defaults (softness stays unset when it follows the edges' distances). */
export type ResolvedDepthRange = Required<Pick<DepthRange, "near" | "far">> & Pick<DepthRange, "softness">;

/** Which meshes `exclude` leaves out: a predicate, a list, or a layer mask. */
export type StylizationExclusion = ((mesh: AbstractMesh) => boolean) | readonly AbstractMesh[] | number;

/** The view distances that are stylized (option `depthRange`, and `stylization.depthRange`), in scene units. */
export interface DepthRange {
    /** Nearer surfaces show the original frame. @defaultValue `0` */
    near?: number;
    /** Farther surfaces (and the background, where nothing was drawn) show the original frame. @defaultValue `Infinity` */
    far?: number;
    /** Width of the falloff at each finite edge, in scene units. @defaultValue a tenth of the edge's distance */
    softness?: number;
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
    exclude: StylizationExclusion | null;
    depthRange: ResolvedDepthRange | null;
    placement: StylizationPlacement;
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

export function checkPlacement(value: unknown): StylizationPlacement {
    if (!StylizationPlacements.includes(value as StylizationPlacement)) {
        throw new StylizationOptionsError(`placement is ${shown(value)}; expected "before" or "after" (the camera's other post processes)`);
    }
    return value as StylizationPlacement;
}

export function checkExclusion(value: unknown): StylizationExclusion | null {
    const layerMask = typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
    if (value === null || value === undefined || typeof value === "function" || Array.isArray(value) || layerMask) {
        return (value ?? null) as StylizationExclusion | null;
    }
    throw new StylizationOptionsError(
        `exclude is ${shown(value)}; expected a predicate (mesh) => boolean, an array of meshes or a layer mask (an integer from 0 to 0xFFFFFFFF)`
    );
}

/** A depth range with its defaults, or null for none (everything stylized). */
export function checkDepthRange(value: unknown): ResolvedDepthRange | null {
    if (value === null || value === undefined) {
        return null;
    }
    if (typeof value !== "object") {
        throw new StylizationOptionsError(`depthRange is ${shown(value)}; expected an object such as { near: 20, far: 200, softness: 5 }, or null`);
    }
    const { near = 0, far = Infinity, softness, ...unknown } = value as DepthRange;
    const extra = Object.keys(unknown);
    if (extra.length) {
        throw new StylizationOptionsError(`depthRange has unknown field ${JSON.stringify(extra[0])}; expected near, far or softness`);
    }
    if (typeof near !== "number" || !(near >= 0 && Number.isFinite(near))) {
        throw new StylizationOptionsError(`depthRange.near is ${shown(near)}; expected a distance of 0 or more`);
    }
    if (typeof far !== "number" || !(far > near)) {
        throw new StylizationOptionsError(`depthRange.far is ${shown(far)}; expected a distance beyond near (${near}), or Infinity`);
    }
    if (softness !== undefined && (typeof softness !== "number" || !(softness >= 0 && Number.isFinite(softness)))) {
        throw new StylizationOptionsError(`depthRange.softness is ${shown(softness)}; expected a distance of 0 or more`);
    }
    return softness === undefined ? { near, far } : { near, far, softness };
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
        exclude: checkExclusion(options.exclude),
        depthRange: checkDepthRange(options.depthRange),
        placement: checkPlacement(options.placement ?? "after"),
        download: {
            onProgress: options.onProgress,
            maxModelBytes: checkPositive("maxModelBytes", options.maxModelBytes),
            downloadStallMs: checkPositive("downloadStallMs", options.downloadStallMs),
        },
    };
}
