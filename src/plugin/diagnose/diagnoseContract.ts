/**
 * Automatic diagnosis of a training-vs-engine mismatch: given a reference pair (an input frame and the output the
 * training framework produced for it), run the network under every candidate contract and rank the candidates by
 * PSNR of the resulting image against the expected one. Output-side choices (range) are evaluated on each network
 * output, so the network runs once per input-side combination (input range x channel order x colour space x flip).
 */
import { frameBytes, postprocessTensor, preprocessFrame, type RgbaFrame } from "../contract/cpuReference.js";
import { ReferencePairError } from "../errors.js";
import {
    ChannelOrders,
    ColorSpaces,
    NamedInputRanges,
    OutputRanges,
    resolvePreprocessConfig,
    type ChannelOrder,
    type ColorSpace,
    type InputRange,
    type OutputRange,
    type PreprocessConfig,
} from "../contract/preprocessConfig.js";

/** Runs the network on an NCHW float32 input of `width` x `height` and returns its NCHW output of the same size. */
export type RunNetwork = (input: Float32Array, width: number, height: number) => Promise<Float32Array>;

/** The fields diagnosis searches over. */
export type DiagnosedContract = Pick<PreprocessConfig, "inputRange" | "outputRange" | "channelOrder" | "colorSpace" | "flipY">;

export interface DiagnosisCandidate {
    contract: DiagnosedContract;
    /** PSNR in dB of the engine's image against the expected one (Infinity when identical). */
    psnr: number;
}

/** Which values to try; every field defaults to all values the contract knows (custom mean/std excluded). */
export interface DiagnosisOptions {
    inputRanges?: readonly Exclude<InputRange, "custom">[];
    outputRanges?: readonly OutputRange[];
    channelOrders?: readonly ChannelOrder[];
    colorSpaces?: readonly ColorSpace[];
    flipYs?: readonly boolean[];
    /** Colour space of the input frame's values. @defaultValue `"sRGB"` (PNG files) */
    frameColorSpace?: ColorSpace;
    /** Called after each network run with (done, total). */
    onProgress?: (done: number, total: number) => void;
}

/** PSNR in dB between two RGBA byte images over R, G, B. */
export function psnrRgba(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): number {
    if (a.length !== b.length) {
        throw new RangeError(`images differ in size (${a.length} vs ${b.length} bytes)`);
    }
    let sum = 0;
    let count = 0;
    for (let i = 0; i < a.length; i++) {
        if (i % 4 === 3) {
            continue;
        }
        const d = a[i] - b[i];
        sum += d * d;
        count++;
    }
    const mse = sum / count;
    return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/**
 * Ranks every candidate contract by how well the engine then reproduces `expected` from `input`, best first.
 * `input` and `expected` must have the same size; the network runs at that size.
 */
export async function diagnoseContract(run: RunNetwork, input: RgbaFrame, expected: RgbaFrame, options: DiagnosisOptions = {}): Promise<DiagnosisCandidate[]> {
    if (input.width !== expected.width || input.height !== expected.height) {
        throw new ReferencePairError(
            `the reference input is ${input.width}x${input.height} but the expected output is ${expected.width}x${expected.height}; they must match`
        );
    }
    const expectedBytes = frameBytes(expected);
    const { width, height } = input;
    const inputRanges = options.inputRanges ?? NamedInputRanges;
    const outputRanges = options.outputRanges ?? OutputRanges;
    const channelOrders = options.channelOrders ?? ChannelOrders;
    const colorSpaces = options.colorSpaces ?? ColorSpaces;
    const flipYs = options.flipYs ?? [false, true];
    const frameColorSpace = options.frameColorSpace ?? "sRGB";
    const total = inputRanges.length * channelOrders.length * colorSpaces.length * flipYs.length;
    const results: DiagnosisCandidate[] = [];
    const image = new Uint8Array(width * height * 4);
    let done = 0;
    for (const inputRange of inputRanges) {
        for (const channelOrder of channelOrders) {
            for (const colorSpace of colorSpaces) {
                for (const flipY of flipYs) {
                    const inputSide = { inputRange, channelOrder, colorSpace, flipY, frameColorSpace };
                    const output = await run(preprocessFrame(input, width, height, resolvePreprocessConfig(inputSide)), width, height);
                    for (const outputRange of outputRanges) {
                        postprocessTensor(output, width, height, resolvePreprocessConfig(inputSide, { outputRange }), image);
                        results.push({ contract: { inputRange, outputRange, channelOrder, colorSpace, flipY }, psnr: psnrRgba(image, expectedBytes) });
                    }
                    options.onProgress?.(++done, total);
                }
            }
        }
    }
    return results.sort((a, b) => b.psnr - a.psnr);
}
