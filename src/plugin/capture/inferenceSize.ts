/**
 * The inference size: from the frame's size and `targetHeight`, or fixed by the model; and the limits every size is
 * checked against before anything of that size is allocated (the plugin's range, the engine's texture limits, WebGPU's
 * storage-buffer limits).
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { StylizationOptionsError, UnsupportedModelError } from "../errors.js";
import type { ModelDescription } from "../model/modelContract.js";
import { AdaptiveHeight, type AdaptiveHeightState } from "./adaptiveHeight.js";

/** The smallest and largest inference side the plugin allocates (per dimension, before the engine's own limits). */
export const MinInferenceSide = 8;
export const MaxInferenceSide = 4096;

/** What the engine can hold: a side within the plugin's range and the engine's texture limits, a tensor within WebGPU's storage-buffer limits. */
export interface InferenceLimits {
    maxSide: number;
    /** Bytes of one [1, 3, H, W] float32 tensor. */
    maxTensorBytes: number;
}

export function inferenceLimits(engine: AbstractEngine): InferenceLimits {
    const caps = engine.getCaps();
    const maxSide = Math.min(MaxInferenceSide, caps.maxTextureSize || MaxInferenceSide, caps.maxRenderTextureSize || MaxInferenceSide);
    const limits = engine.isWebGPU ? (engine as WebGPUEngine)._device?.limits : undefined;
    return { maxSide, maxTensorBytes: limits ? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) : Infinity };
}

/**
 * Checks a size before anything of that size is allocated; `describe` says where it came from (a model's fixed input,
 * or the option; called only on a failure, as this runs on every capture) and `error` makes the error to throw.
 */
export function checkInferenceSize(
    size: { width: number; height: number },
    limits: InferenceLimits,
    describe: () => string,
    error: (message: string) => Error = (message) => new StylizationOptionsError(message)
): void {
    for (const side of ["width", "height"] as const) {
        const value = size[side];
        if (!Number.isInteger(value) || value < MinInferenceSide || value > limits.maxSide) {
            throw error(
                `${describe()}: an inference ${side} of ${value} pixels is outside ${MinInferenceSide}..${limits.maxSide} (the plugin's and this engine's limit)`
            );
        }
    }
    const bytes = 3 * size.width * size.height * 4;
    if (bytes > limits.maxTensorBytes) {
        throw error(
            `${describe()}: a ${size.width}x${size.height} tensor needs ${bytes} bytes, over this GPU's storage-buffer limit of ${limits.maxTensorBytes}`
        );
    }
}

/**
 * Inference size for a frame: height rounded to a multiple of 8 (at least 8), width from the aspect ratio, also a
 * multiple of 8. Fixed model dimensions win.
 */
export function inferenceSize(
    frameWidth: number,
    frameHeight: number,
    targetHeight: number,
    fixed?: { width?: number; height?: number }
): { width: number; height: number } {
    const round8 = (v: number) => Math.max(8, Math.round(v / 8) * 8);
    const height = fixed?.height ?? round8(targetHeight);
    const width = fixed?.width ?? round8((height * frameWidth) / Math.max(1, frameHeight));
    return { width, height };
}

/** The inference size of one stylization: its engine's limits, its `targetHeight`, its model's fixed dimensions. */
export class InferenceSizing {
    public readonly limits: InferenceLimits;
    private _targetHeight: number;
    private _adaptive: AdaptiveHeight | undefined;

    public constructor(
        private readonly _engine: AbstractEngine,
        /** Validated by the caller (`checkTargetHeight`, `checkTargetFps`). */
        targetHeight: number,
        targetFps = 0,
        private readonly _minTargetHeight = 64
    ) {
        this.limits = inferenceLimits(_engine);
        this._targetHeight = targetHeight;
        this._adapt(targetFps);
    }

    /** The height asked for; with a target frame rate, the most the adaptive height goes to. */
    public get targetHeight(): number {
        return this._targetHeight;
    }
    public set targetHeight(value: number) {
        this._targetHeight = value;
        this._adapt(this.targetFps); // new bounds
    }

    /** The frame rate the adaptive height holds (0: off, the height is `targetHeight`). */
    public get targetFps(): number {
        return this._adaptive?.targetFps ?? 0;
    }
    public set targetFps(value: number) {
        this._adapt(value);
    }

    private _adapt(targetFps: number): void {
        const min = Math.min(this._minTargetHeight, this._targetHeight);
        const start = this._adaptive?.height; // a new target or new bounds go on from the height chosen so far
        this._adaptive = targetFps > 0 ? new AdaptiveHeight(targetFps, min, this._targetHeight, start) : undefined;
    }

    /** The adaptive height's state, when a target frame rate is set. */
    public get adaptive(): AdaptiveHeightState | undefined {
        return this._adaptive?.state;
    }

    /** Counts a rendered frame (only while frames are being stylized) for the adaptive height. */
    public frame(deltaMs: number): void {
        this._adaptive?.frame(deltaMs);
    }

    /** The size for the current frame and `model`. */
    public sizeFor(model: ModelDescription | undefined): { width: number; height: number } {
        const fixed = { width: model?.fixedWidth, height: model?.fixedHeight };
        const height = this._adaptive?.height ?? this._targetHeight;
        return inferenceSize(this._engine.getRenderWidth(), this._engine.getRenderHeight(), height, fixed);
    }

    /** {@link sizeFor}, checked: a StylizationOptionsError when the option and the frame give a size the engine cannot hold. */
    public checkedSizeFor(model: ModelDescription | undefined): { width: number; height: number } {
        const size = this.sizeFor(model);
        const describe = () =>
            `targetHeight ${this._adaptive?.height ?? this._targetHeight} on a ${this._engine.getRenderWidth()}x${this._engine.getRenderHeight()} frame`;
        checkInferenceSize(size, this.limits, describe);
        return size;
    }

    /** Refuses a model whose fixed input the engine cannot hold (an UnsupportedModelError naming the model). */
    public checkModel(model: ModelDescription): void {
        if (model.fixedWidth !== undefined || model.fixedHeight !== undefined) {
            const fixed = `${model.fixedHeight ?? "H"}x${model.fixedWidth ?? "W"}`;
            const describe = () => `model ${model.name} (input fixed to ${fixed})`;
            checkInferenceSize(this.sizeFor(model), this.limits, describe, (message) => new UnsupportedModelError(message));
        }
    }
}
