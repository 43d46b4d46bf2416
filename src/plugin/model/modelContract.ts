/**
 * What a model promises: one NCHW float input with 3 channels (plus the guide channels it declares: see
 * contract/guides.ts), one NCHW float output with 3 channels, fixed or dynamic height/width, and (optionally) its
 * preprocessing declared in ONNX `metadata_props` under the `stylize.` prefix.
 */
import { InvalidModelError, UnsupportedModelError } from "../errors.js";
import { ChannelOrders, ColorSpaces, InputRanges, OutputRanges, ResizeFilters, type PreprocessConfig, type Vec3 } from "../contract/preprocessConfig.js";
import { guideChannels, readGuides, type GuideSpec } from "../contract/guides.js";
import { looksLikeHtmlOrText, OnnxParseError, readOnnxModelInfo, type OnnxModelInfo, type OnnxValueInfo } from "./onnxModelInfo.js";

/** Prefix of the metadata keys the plugin reads. */
export const MetadataPrefix = "stylize.";

/**
 * The metadata keys (all values are strings):
 * - `stylize.input_range`: `[-1,1]` | `[0,1]` | `[0,255]` | `imagenet` | `custom`
 * - `stylize.input_mean`, `stylize.input_std`: `"r,g,b"` in 0..1 pixel units, used with `custom`
 * - `stylize.channel_order`: `RGB` | `BGR`
 * - `stylize.color_space`: `sRGB` | `linear` (what the network was trained on)
 * - `stylize.flip_y`: `true` | `false`
 * - `stylize.resize`: `bilinear` | `nearest`
 * - `stylize.output_range`: `[-1,1]` | `[0,1]` | `[0,255]`
 * - `stylize.clamp`: `true` | `false`
 * - `stylize.train_mean`, `stylize.train_std`: `"c0,c1,c2"` statistics of the training input tensors, per tensor channel
 * - `stylize.guides`, `stylize.depth_range`: G-buffer guides fed after the RGB channels (contract/guides.ts)
 */
export const MetadataKeys = {
    inputRange: "stylize.input_range",
    mean: "stylize.input_mean",
    std: "stylize.input_std",
    channelOrder: "stylize.channel_order",
    colorSpace: "stylize.color_space",
    flipY: "stylize.flip_y",
    resize: "stylize.resize",
    outputRange: "stylize.output_range",
    clamp: "stylize.clamp",
    trainMean: "stylize.train_mean",
    trainStd: "stylize.train_std",
} as const;

/** Training input statistics a model may declare, per tensor channel. */
export interface TrainingStatistics {
    mean: Vec3;
    std: Vec3;
}

/** Everything the plugin learned from a model file before creating a session. */
export interface ModelDescription {
    name: string;
    bytes: Uint8Array;
    info: OnnxModelInfo;
    inputName: string;
    outputName: string;
    /** Fixed input height, or undefined when the height is dynamic. */
    fixedHeight: number | undefined;
    /** Fixed input width, or undefined when the width is dynamic. */
    fixedWidth: number | undefined;
    /** Preprocessing the model declares in its metadata or implies by its structure. */
    declared: Partial<PreprocessConfig>;
    trainingStatistics: TrainingStatistics | undefined;
    /** The G-buffer guides the model declares (fed after R, G, B); undefined for an RGB model. */
    guides: GuideSpec | undefined;
    /** Input channels: 3 plus the guides'. */
    inputChannels: number;
    /** Things the user should know (no declared contract, ignored metadata values). */
    warnings: string[];
}

function parseVec3(text: string | undefined): Vec3 | undefined {
    if (text === undefined) {
        return undefined;
    }
    const parts = text.replace(/[[\]()\s]/g, "").split(",");
    const values = parts.map(Number);
    // Number("") is 0: an empty part ("0.5,,0.5") is a typo, not a zero.
    return parts.length === 3 && parts.every((p) => p !== "") && values.every(Number.isFinite) ? [values[0], values[1], values[2]] : undefined;
}

function parseBool(text: string | undefined): boolean | undefined {
    if (text === undefined) {
        return undefined;
    }
    const t = text.trim().toLowerCase();
    return t === "true" || t === "1" ? true : t === "false" || t === "0" ? false : undefined;
}

function parseEnum<T extends string>(text: string | undefined, allowed: readonly T[]): T | undefined {
    if (text === undefined) {
        return undefined;
    }
    const compact = text.replace(/\s/g, "");
    return allowed.find((a) => a.toLowerCase() === compact.toLowerCase());
}

/**
 * Reads the preprocessing declared under `stylize.*`. Values that cannot be parsed are reported in `warnings` and
 * ignored, so that a typo in metadata never stops the game.
 */
export function readDeclaredContract(
    metadata: Record<string, string>,
    warnings: string[] = []
): { declared: Partial<PreprocessConfig>; trainingStatistics: TrainingStatistics | undefined } {
    const declared: Partial<PreprocessConfig> = {};
    const take = <K extends keyof PreprocessConfig>(field: K, key: string, parse: (text: string | undefined) => PreprocessConfig[K] | undefined) => {
        const text = metadata[key];
        if (text === undefined) {
            return;
        }
        const value = parse(text);
        if (value === undefined) {
            warnings.push(`metadata ${key}=${JSON.stringify(text)} is not understood and was ignored`);
        } else {
            declared[field] = value;
        }
    };
    take("inputRange", MetadataKeys.inputRange, (t) => parseEnum(t, InputRanges));
    take("mean", MetadataKeys.mean, parseVec3);
    take("std", MetadataKeys.std, (t) => {
        const std = parseVec3(t);
        return std?.every((v) => v > 0) ? std : undefined;
    });
    take("channelOrder", MetadataKeys.channelOrder, (t) => parseEnum(t, ChannelOrders));
    take("colorSpace", MetadataKeys.colorSpace, (t) => parseEnum(t, ColorSpaces));
    take("flipY", MetadataKeys.flipY, parseBool);
    take("resize", MetadataKeys.resize, (t) => parseEnum(t, ResizeFilters));
    take("outputRange", MetadataKeys.outputRange, (t) => parseEnum(t, OutputRanges));
    take("clamp", MetadataKeys.clamp, parseBool);
    const mean = parseVec3(metadata[MetadataKeys.trainMean]);
    const std = parseVec3(metadata[MetadataKeys.trainStd]);
    return { declared, trainingStatistics: mean && std ? { mean, std } : undefined };
}

/** Writes a contract as metadata entries, the inverse of {@link readDeclaredContract}. */
export function contractToMetadata(config: Partial<PreprocessConfig>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, key] of Object.entries(MetadataKeys)) {
        const value = (config as Record<string, unknown>)[field];
        if (value !== undefined) {
            out[key] = Array.isArray(value) ? value.join(",") : String(value);
        }
    }
    return out;
}

const FloatType = 1;
const ElementTypeNames: Record<number, string> = { 1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 10: "float16", 11: "float64" };

function describeShape(v: OnnxValueInfo): string {
    return v.dims ? `[${v.dims.map((d) => d.value ?? d.param ?? "?").join(", ")}]` : "(no shape)";
}

function checkImageTensor(model: string, role: "input" | "output", v: OnnxValueInfo, expected = 3): void {
    if (v.elemType !== FloatType) {
        throw new UnsupportedModelError(
            `model ${model}: ${role} "${v.name}" is ${ElementTypeNames[v.elemType] ?? `element type ${v.elemType}`}; the plugin feeds and reads float32 tensors. Export the model in float32.`
        );
    }
    if (!v.dims) {
        return; // no declared shape: checked when the session runs
    }
    if (v.dims.length !== 4) {
        throw new UnsupportedModelError(
            `model ${model}: ${role} "${v.name}" has shape ${describeShape(v)}; expected an NCHW image tensor of rank 4 [1, 3, H, W].`
        );
    }
    const [batch, channels] = v.dims;
    if (batch.value !== undefined && batch.value !== 1) {
        throw new UnsupportedModelError(
            `model ${model}: ${role} "${v.name}" has a fixed batch of ${batch.value}; the plugin runs one frame at a time (batch 1 or dynamic).`
        );
    }
    if (channels.value !== undefined && channels.value !== expected) {
        const guide =
            role === "input" && expected > 3
                ? ` It declares ${expected - 3} guide channel(s) (stylize.guides) after RGB: export the generator with ${expected} input channels.`
                : role === "input" && channels.value > 3
                  ? ` It looks like a generator with guide channels (${channels.value} = RGB + ${channels.value - 3} more) that declares none. The plugin can feed a depth guide (1 channel) and view-space normals (3): declare them in the metadata (stylize.guides = "depth", "normal" or "depth,normal" in channel order, and stylize.depth_range = "near,far" with depth); otherwise export the generator with a 3-channel input, or bake the guides into the model.`
                  : "";
        throw new UnsupportedModelError(
            `model ${model}: ${role} "${v.name}" has ${channels.value} channels (shape ${describeShape(v)}); expected ${expected === 3 ? "3 (RGB or BGR)" : expected}.${guide}`
        );
    }
}

/**
 * Parses and validates a model's bytes.
 * @throws InvalidModelError when the bytes are not ONNX; UnsupportedModelError when the model is not a 3-channel
 * image-to-image generator.
 */
export function describeModel(bytes: Uint8Array, name: string): ModelDescription {
    if (bytes.byteLength === 0) {
        throw new InvalidModelError(`model ${name} is empty (0 bytes). Check that the file was exported completely.`);
    }
    if (looksLikeHtmlOrText(bytes)) {
        const start = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, " ").trim();
        throw new InvalidModelError(
            `model ${name} is text, not an ONNX file (it starts with "${start}"). A server usually answers this way for a wrong URL (an HTML 404 page); check the path.`
        );
    }
    let info: OnnxModelInfo;
    try {
        info = readOnnxModelInfo(bytes);
    } catch (error) {
        if (error instanceof OnnxParseError) {
            throw new InvalidModelError(
                `model ${name} could not be read as ONNX (${error.message}). The file may be truncated or another format; re-export it.`,
                { cause: error }
            );
        }
        throw error;
    }
    if (info.externalData.length > 0) {
        const [first] = info.externalData;
        const others = info.externalData.length > 1 ? ` and ${info.externalData.length - 1} more` : "";
        throw new UnsupportedModelError(
            `model ${name} keeps weights in external data files (tensor "${first.tensor}" in "${first.location}"${others}); the plugin loads one self-contained .onnx file and never reads a path a model names. Re-export with the weights inside: onnx.save(model, path, save_as_external_data=False).`
        );
    }
    if (info.inputs.length !== 1) {
        throw new UnsupportedModelError(
            `model ${name} has ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(", ")}); the plugin drives generators with one image input.`
        );
    }
    if (info.outputs.length < 1) {
        throw new UnsupportedModelError(`model ${name} has no outputs.`);
    }
    const [input] = info.inputs;
    const [output] = info.outputs;
    const guides = readGuides(info.metadata, name);
    const inputChannels = 3 + guideChannels(guides);
    checkImageTensor(name, "input", input, inputChannels);
    checkImageTensor(name, "output", output);

    const warnings: string[] = [];
    const { declared, trainingStatistics } = readDeclaredContract(info.metadata, warnings);
    const declaresAny = Object.keys(info.metadata).some((k) => k.startsWith(MetadataPrefix));
    if (!declaresAny) {
        const last = info.nodes[info.nodes.length - 1]?.opType;
        if (last === "Tanh") {
            declared.outputRange = "[-1,1]";
        }
        warnings.push(
            `model ${name} declares no preprocessing (no ${MetadataPrefix}* metadata); using the options and defaults` +
                (last === "Tanh" ? ", and output range [-1,1] because the network ends with Tanh" : "") +
                ". If the output looks wrong, check inputRange/outputRange/channelOrder."
        );
    }
    const dim = (v: OnnxValueInfo, i: number) => v.dims?.[i]?.value;
    return {
        name,
        bytes,
        info,
        inputName: input.name,
        outputName: output.name,
        fixedHeight: dim(input, 2),
        fixedWidth: dim(input, 3),
        declared,
        trainingStatistics,
        guides,
        inputChannels,
        warnings,
    };
}
