/**
 * The preprocessing contract: how a rendered frame becomes the network's input tensor and how the network's output
 * becomes pixels again. It exists once, as data. {@link derivePreprocessParams} turns it into the few numbers that the
 * CPU reference (`cpuReference.ts`), the WGSL compute shaders and the GLSL capture shader all apply the same way.
 */
import { PreprocessConfigError } from "../errors.js";

/** Value range the network was trained on. `imagenet` and `custom` subtract a mean and divide by a std per channel. */
export type InputRange = "[-1,1]" | "[0,1]" | "[0,255]" | "imagenet" | "custom";
/** Value range the network produces (a Tanh head gives `[-1,1]`, fast_neural_style gives `[0,255]`). */
export type OutputRange = "[-1,1]" | "[0,1]" | "[0,255]";
/** Order of the three channels in the tensor, for both input and output. */
export type ChannelOrder = "RGB" | "BGR";
/** `sRGB`: gamma-encoded values as stored in 8-bit images. `linear`: linear light. */
export type ColorSpace = "sRGB" | "linear";
/** How the frame is resampled to the inference size. */
export type ResizeFilter = "bilinear" | "nearest";

export type Vec3 = readonly [number, number, number];

/** The full contract. Every field has a default in {@link DefaultPreprocessConfig}. */
export interface PreprocessConfig {
    /** Value range of the input tensor. @defaultValue `"[-1,1]"` */
    inputRange: InputRange;
    /** Per-channel mean (R, G, B, in 0..1 pixel units) used when `inputRange` is `"custom"`. @defaultValue `[0.5, 0.5, 0.5]` */
    mean: Vec3;
    /** Per-channel std (R, G, B, in 0..1 pixel units) used when `inputRange` is `"custom"`. @defaultValue `[0.5, 0.5, 0.5]` */
    std: Vec3;
    /** Channel order of input and output tensors. @defaultValue `"RGB"` */
    channelOrder: ChannelOrder;
    /** Colour space the network was trained in (PIL/ToTensor images are sRGB). @defaultValue `"sRGB"` */
    colorSpace: ColorSpace;
    /** Colour space of the values in the render target that is captured. Babylon's default 8-bit pipeline holds sRGB. @defaultValue `"sRGB"` */
    frameColorSpace: ColorSpace;
    /** Flip rows: tensor row 0 becomes the bottom of the frame instead of the top. @defaultValue `false` */
    flipY: boolean;
    /** Resampling filter from the frame to the inference size. @defaultValue `"bilinear"` */
    resize: ResizeFilter;
    /** Value range of the output tensor. @defaultValue `"[-1,1]"` */
    outputRange: OutputRange;
    /** Clamp the output to its declared range before colour conversion. @defaultValue `true` */
    clamp: boolean;
}

export const DefaultPreprocessConfig: Readonly<PreprocessConfig> = Object.freeze({
    inputRange: "[-1,1]",
    mean: [0.5, 0.5, 0.5] as Vec3,
    std: [0.5, 0.5, 0.5] as Vec3,
    channelOrder: "RGB",
    colorSpace: "sRGB",
    frameColorSpace: "sRGB",
    flipY: false,
    resize: "bilinear",
    outputRange: "[-1,1]",
    clamp: true,
});

export const InputRanges: readonly InputRange[] = ["[-1,1]", "[0,1]", "[0,255]", "imagenet", "custom"];
export const OutputRanges: readonly OutputRange[] = ["[-1,1]", "[0,1]", "[0,255]"];
export const ChannelOrders: readonly ChannelOrder[] = ["RGB", "BGR"];
export const ColorSpaces: readonly ColorSpace[] = ["sRGB", "linear"];
export const ResizeFilters: readonly ResizeFilter[] = ["bilinear", "nearest"];
/** The input ranges a diagnosis or a mismatch warning can suggest: every named one (a custom mean/std is not guessed). */
export const NamedInputRanges = InputRanges.filter((r): r is Exclude<InputRange, "custom"> => r !== "custom");

const ImageNetMean: Vec3 = [0.485, 0.456, 0.406];
const ImageNetStd: Vec3 = [0.229, 0.224, 0.225];

function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) {
        throw new PreprocessConfigError(`preprocess.${field} is ${JSON.stringify(value)}; expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    }
    return value as T;
}

function checkVec3(field: string, value: unknown, positive: boolean): Vec3 {
    const ok = Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "number" && Number.isFinite(v) && (!positive || v > 0));
    if (!ok) {
        throw new PreprocessConfigError(`preprocess.${field} is ${JSON.stringify(value)}; expected three finite numbers${positive ? " > 0" : ""} (R, G, B)`);
    }
    return [value[0], value[1], value[2]];
}

function checkBoolean(field: string, value: unknown): boolean {
    if (typeof value !== "boolean") {
        throw new PreprocessConfigError(`preprocess.${field} is ${JSON.stringify(value)}; expected true or false`);
    }
    return value;
}

/**
 * Merges partial configs over the defaults (later ones win) and validates every field.
 * This is the one place where a contract is normalized; everything downstream may trust its result.
 */
export function resolvePreprocessConfig(...layers: Array<Partial<PreprocessConfig> | undefined>): PreprocessConfig {
    const merged: Record<string, unknown> = { ...DefaultPreprocessConfig };
    for (const layer of layers) {
        if (!layer) {
            continue;
        }
        for (const [key, value] of Object.entries(layer)) {
            if (!Object.hasOwn(DefaultPreprocessConfig, key)) {
                throw new PreprocessConfigError(
                    `preprocess.${key} is not a preprocessing option; known options: ${Object.keys(DefaultPreprocessConfig).join(", ")}`
                );
            }
            if (value !== undefined) {
                merged[key] = value;
            }
        }
    }
    return {
        inputRange: checkOneOf("inputRange", merged.inputRange, InputRanges),
        mean: checkVec3("mean", merged.mean, false),
        std: checkVec3("std", merged.std, true),
        channelOrder: checkOneOf("channelOrder", merged.channelOrder, ChannelOrders),
        colorSpace: checkOneOf("colorSpace", merged.colorSpace, ColorSpaces),
        frameColorSpace: checkOneOf("frameColorSpace", merged.frameColorSpace, ColorSpaces),
        flipY: checkBoolean("flipY", merged.flipY),
        resize: checkOneOf("resize", merged.resize, ResizeFilters),
        outputRange: checkOneOf("outputRange", merged.outputRange, OutputRanges),
        clamp: checkBoolean("clamp", merged.clamp),
    };
}

/** Colour conversion applied on the way in (frame -> network) and reversed on the way out. */
export enum ColorConversion {
    None = 0,
    SrgbToLinear = 1,
    LinearToSrgb = 2,
}

/**
 * The contract reduced to numbers. Input, per tensor channel c (0..2):
 * `tensor[c] = convert(pixel[source[c]]) * inScale[c] + inBias[c]` where pixel is in 0..1.
 * Output, per pixel channel p (R, G, B): `pixel[p] = convertBack(clampOut(tensor[source[p]] * outScale + outBias))`.
 * The channel permutation is its own inverse (RGB<->BGR), so `source` serves both directions.
 */
export interface PreprocessParams {
    /** For tensor channel c, which RGB channel of the frame feeds it (and for pixel channel p, which tensor channel). */
    source: Vec3;
    inScale: Vec3;
    inBias: Vec3;
    inConversion: ColorConversion;
    outScale: number;
    outBias: number;
    outConversion: ColorConversion;
    /** 1 to clamp the output value to 0..1 (after scale and bias), 0 to pass it through. */
    clamp: number;
    /** 1 when tensor row 0 is the bottom frame row. */
    flipY: number;
    /** 1 for nearest resampling, 0 for bilinear. */
    nearest: number;
}

/** Reduces a config to the numbers every implementation applies; the single source of the contract's math. */
export function derivePreprocessParams(config: PreprocessConfig): PreprocessParams {
    const source: Vec3 = config.channelOrder === "RGB" ? [0, 1, 2] : [2, 1, 0];
    let mean: Vec3;
    let std: Vec3;
    switch (config.inputRange) {
        case "[-1,1]":
            mean = [0.5, 0.5, 0.5];
            std = [0.5, 0.5, 0.5];
            break;
        case "[0,1]":
            mean = [0, 0, 0];
            std = [1, 1, 1];
            break;
        case "[0,255]":
            mean = [0, 0, 0];
            std = [1 / 255, 1 / 255, 1 / 255];
            break;
        case "imagenet":
            mean = ImageNetMean;
            std = ImageNetStd;
            break;
        case "custom":
            mean = config.mean;
            std = config.std;
            break;
    }
    // mean/std are given per R, G, B; the tensor's channel c holds RGB channel source[c].
    const inScale = source.map((s) => 1 / std[s]) as unknown as Vec3;
    const inBias = source.map((s) => -mean[s] / std[s]) as unknown as Vec3;
    const [outScale, outBias] = config.outputRange === "[-1,1]" ? [0.5, 0.5] : config.outputRange === "[0,1]" ? [1, 0] : [1 / 255, 0];
    const conversion =
        config.frameColorSpace === config.colorSpace
            ? ColorConversion.None
            : config.frameColorSpace === "sRGB"
              ? ColorConversion.SrgbToLinear
              : ColorConversion.LinearToSrgb;
    const back =
        conversion === ColorConversion.None
            ? ColorConversion.None
            : conversion === ColorConversion.SrgbToLinear
              ? ColorConversion.LinearToSrgb
              : ColorConversion.SrgbToLinear;
    return {
        source,
        inScale,
        inBias,
        inConversion: conversion,
        outScale,
        outBias,
        outConversion: back,
        clamp: config.clamp ? 1 : 0,
        flipY: config.flipY ? 1 : 0,
        nearest: config.resize === "nearest" ? 1 : 0,
    };
}

/** The expected value interval of each input tensor channel for this config (what 0..1 pixels map to). */
export function inputInterval(config: PreprocessConfig): Array<[number, number]> {
    const p = derivePreprocessParams(config);
    return [0, 1, 2].map((c) => [p.inBias[c], p.inScale[c] + p.inBias[c]] as [number, number]);
}

/** The declared output value interval. */
export function outputInterval(range: OutputRange): [number, number] {
    return range === "[-1,1]" ? [-1, 1] : range === "[0,1]" ? [0, 1] : [0, 255];
}

/** IEC 61966-2-1 sRGB transfer functions, the same formulas as in the shaders. */
export function srgbToLinear(v: number): number {
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

export function linearToSrgb(v: number): number {
    return v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

export function applyConversion(v: number, conversion: ColorConversion): number {
    // Conversions are only defined on 0..1; clamp first so unclamped outputs cannot produce NaN.
    if (conversion === ColorConversion.None) {
        return v;
    }
    const c = Math.min(1, Math.max(0, v));
    return conversion === ColorConversion.SrgbToLinear ? srgbToLinear(c) : linearToSrgb(c);
}
