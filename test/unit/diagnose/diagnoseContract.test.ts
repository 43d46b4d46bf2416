import * as ort from "onnxruntime-node";
import path from "node:path";
import { diagnoseContract, psnrRgba, type DiagnosedContract } from "../../../src/plugin/diagnose/diagnoseContract";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "../../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig } from "../../../src/plugin/contract/preprocessConfig";

const models = path.join(__dirname, "..", "..", "models");
const W = 40;
const H = 24;

/** A frame with no symmetry: gradients in different directions per channel plus a bright square off-centre. */
function testFrame(): RgbaFrame {
    const data = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
            const inSquare = x >= 5 && x < 14 && y >= 3 && y < 9;
            const o = (y * W + x) * 4;
            data[o] = inSquare ? 250 : Math.round((x / (W - 1)) * 200);
            data[o + 1] = Math.round((y / (H - 1)) * 180) + 20;
            data[o + 2] = inSquare ? 30 : Math.round(((x + y) / (W + H - 2)) * 120) + 60;
            data[o + 3] = 255;
        }
    }
    return { data, width: W, height: H };
}

async function runnerFor(model: string) {
    const session = await ort.InferenceSession.create(path.join(models, model));
    const run = async (input: Float32Array, width: number, height: number) => {
        const result = await session.run({ input: new ort.Tensor("float32", input, [1, 3, height, width]) });
        return result.output.data as Float32Array;
    };
    return { run, release: () => session.release() };
}

describe("diagnoseContract", () => {
    const cases: Array<[string, string, DiagnosedContract]> = [
        [
            "[-1,1] in, Tanh out (few-shot style)",
            "diagnose-tanh.onnx",
            { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false },
        ],
        [
            "[0,255] in and out (fast_neural_style style)",
            "diagnose-0-255.onnx",
            { inputRange: "[0,255]", outputRange: "[0,255]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false },
        ],
        ["BGR (OpenCV-trained)", "diagnose-tanh.onnx", { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "BGR", colorSpace: "sRGB", flipY: false }],
        ["linear colour", "diagnose-tanh.onnx", { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "linear", flipY: false }],
        [
            "flipped rows, ImageNet normalization",
            "diagnose-tanh.onnx",
            { inputRange: "imagenet", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: true },
        ],
    ];

    test.each(cases)("finds the contract of a model trained with %s", async (_label, model, truth) => {
        const { run, release } = await runnerFor(model);
        const input = testFrame();
        const config = resolvePreprocessConfig(truth);
        const expected = { data: postprocessTensor(await run(preprocessFrame(input, W, H, config), W, H), W, H, config), width: W, height: H };
        const progress: number[] = [];
        const ranking = await diagnoseContract(run, input, expected, { onProgress: (done) => progress.push(done) });
        await release();
        expect(ranking).toHaveLength(4 * 3 * 2 * 2 * 2);
        expect(progress).toEqual(Array.from({ length: 32 }, (_, i) => i + 1)); // one network run per input-side combination
        expect(ranking[0].contract).toEqual(truth);
        expect(ranking[0].psnr).toBe(Infinity);
        // The runner-up is clearly worse: the diagnosis discriminates, it does not pick among ties.
        expect(ranking[1].psnr).toBeLessThan(40);
    });

    test("rejects a reference pair whose sizes differ", async () => {
        const input = testFrame();
        await expect(diagnoseContract(async (x) => x, input, { ...input, width: W / 2 })).rejects.toThrow(/must match/);
    });
});

describe("psnrRgba", () => {
    test("ignores alpha, is infinite for equal images and 20 log10(255 / rmse) otherwise", () => {
        const a = new Uint8Array([10, 20, 30, 255, 40, 50, 60, 255]);
        const b = new Uint8Array([10, 20, 30, 0, 40, 50, 60, 7]);
        expect(psnrRgba(a, b)).toBe(Infinity);
        const c = new Uint8Array([11, 19, 30, 255, 40, 50, 62, 255]); // squared errors 1 + 1 + 4 over 6 values
        expect(psnrRgba(a, c)).toBeCloseTo(20 * Math.log10(255 / Math.sqrt(1)), 10);
    });
});
