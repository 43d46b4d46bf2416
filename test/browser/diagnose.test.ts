/**
 * Diagnosis in the browser: the loaded model on its own execution provider finds the contract that reproduces a
 * reference pair made with onnxruntime-node, on both engines (zero-copy WebGPU session fed CPU tensors, and wasm).
 */
import * as ort from "onnxruntime-node";
import path from "node:path";
import { openBrowser, openDemo, type BrowserSession } from "./chromium";
import { waitForStylizedFrames } from "./pageTools";
import { postprocessTensor, preprocessFrame } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import type { DiagnosedContract } from "../../src/plugin/diagnose/diagnoseContract";

const W = 32;
const H = 20;
const truth = { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "BGR", colorSpace: "sRGB", flipY: false } as const;

/** Test models trained (built) with each convention the issue names, and the contract each was "trained" with. */
const Conventions: Array<[string, string, DiagnosedContract]> = [
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
    ["BGR (OpenCV-trained)", "diagnose-tanh.onnx", truth],
    ["linear colour", "diagnose-tanh.onnx", { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "linear", flipY: false }],
    [
        "flipped rows, ImageNet normalization",
        "diagnose-tanh.onnx",
        { inputRange: "imagenet", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: true },
    ],
];

let session: BrowserSession;
let input: number[];
let expected: number[];
/** The output each convention's model gives for `input`, computed with onnxruntime-node. */
const expectedByConvention: number[][] = [];

async function expectedOutput(modelFile: string, contract: DiagnosedContract, data: Uint8Array): Promise<number[]> {
    const config = resolvePreprocessConfig(contract);
    const model = await ort.InferenceSession.create(path.join(__dirname, "..", "models", modelFile));
    const out = await model.run({ input: new ort.Tensor("float32", preprocessFrame({ data, width: W, height: H }, W, H, config), [1, 3, H, W]) });
    await model.release();
    return Array.from(postprocessTensor(out.output.data as Float32Array, W, H, config));
}

beforeAll(async () => {
    session = await openBrowser();
    const data = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) {
        const x = i % W;
        const y = Math.floor(i / W);
        data.set([(x * 8) % 256, 40 + y * 9, x > 20 && y < 8 ? 240 : 60, 255], i * 4);
    }
    input = Array.from(data);
    expected = await expectedOutput("diagnose-tanh.onnx", truth, data);
    for (const [, model, contract] of Conventions) {
        expectedByConvention.push(await expectedOutput(model, contract, data));
    }
});
afterAll(async () => {
    await session?.close();
});

test.each([
    ["webgpu", "webgpu"],
    ["webgl", "wasm"],
] as const)("%s engine, %s provider: stylization.diagnose ranks the training contract first", async (engine, ep) => {
    const demo = await openDemo(session, { engine, ep, scene: "test", size: "64x64", hud: "0", height: "64", model: "test/models/diagnose-tanh.onnx" });
    await waitForStylizedFrames(demo.page, 1);
    const result = await demo.page.evaluate(
        async ({ input, expected, W, H }) => {
            const st = (window as any).demo.stylization;
            const ranking = await st.diagnose({ data: Uint8Array.from(input), width: W, height: H }, { data: Uint8Array.from(expected), width: W, height: H });
            return { best: ranking[0], second: ranking[1], count: ranking.length, frozenAfter: st.frozen };
        },
        { input, expected, W, H }
    );
    expect(result.count).toBe(96);
    expect(result.best.contract).toEqual(truth);
    // wasm reproduces onnxruntime-node bit for bit; the WebGPU EP differs in float rounding only (8-bit images).
    expect(result.best.psnr ?? Infinity).toBeGreaterThan(45);
    expect(result.second.psnr).toBeLessThan(40);
    expect(result.frozenAfter).toBe(false);
    await waitForStylizedFrames(demo.page, 1); // stylizing resumed
    expect(demo.errors).toEqual([]);
    await demo.page.close();
});

test("webgl engine, wasm provider: stylization.diagnose finds the contract of a test model built with each convention", async () => {
    const demo = await openDemo(session, {
        engine: "webgl",
        ep: "wasm",
        scene: "test",
        size: "64x64",
        hud: "0",
        height: "64",
        model: "test/models/diagnose-tanh.onnx",
    });
    await waitForStylizedFrames(demo.page, 1);
    for (const [index, [label, model, contract]] of Conventions.entries()) {
        const result = await demo.page.evaluate(
            async ({ input, expected, W, H, model }) => {
                const st = (window as any).demo.stylization;
                await st.setModel(`test/models/${model}`);
                const ranking = await st.diagnose(
                    { data: Uint8Array.from(input), width: W, height: H },
                    { data: Uint8Array.from(expected), width: W, height: H }
                );
                return { best: ranking[0], second: ranking[1] };
            },
            { input, expected: expectedByConvention[index], W, H, model }
        );
        expect({ label, best: result.best.contract }).toEqual({ label, best: contract });
        expect(result.best.psnr ?? Infinity).toBeGreaterThan(45); // Infinity (bit-identical) serializes as null
        expect(result.second.psnr).toBeLessThan(40);
    }
    expect(demo.errors).toEqual([]);
    await demo.page.close();
});
