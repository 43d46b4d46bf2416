import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig, type PreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { describeModel } from "../../src/plugin/model/modelContract";

const modelsDir = join(__dirname, "..", "models");
const load = (name: string) => new Uint8Array(readFileSync(join(modelsDir, name)));

const sessions = new Map<string, ort.InferenceSession>();
async function session(name: string): Promise<ort.InferenceSession> {
    let s = sessions.get(name);
    if (!s) {
        s = await ort.InferenceSession.create(load(name));
        sessions.set(name, s);
    }
    return s;
}

afterAll(async () => {
    for (const s of sessions.values()) await s.release();
});

/** Runs a model on an NCHW [1, 3, height, width] input. */
async function run(name: string, input: Float32Array, width: number, height: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const s = await session(name);
    const feeds = { [s.inputNames[0]]: new ort.Tensor("float32", input, [1, 3, height, width]) };
    const out = (await s.run(feeds))[s.outputNames[0]];
    return { data: out.data as Float32Array, dims: out.dims };
}

function seededFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(n);
    let x = seed >>> 0;
    for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        out[i] = lo + (x / 2 ** 32) * (hi - lo);
    }
    return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
}

describe("onnxruntime-node runs the generated models", () => {
    test("identity.onnx returns its input exactly at 48x40 (dynamic H/W)", async () => {
        const input = seededFloats(3 * 40 * 48, 1);
        const { data, dims } = await run("identity.onnx", input, 48, 40);
        expect(dims).toEqual([1, 3, 40, 48]);
        expect(Array.from(data)).toEqual(Array.from(input));
    });

    test("swap-rb.onnx swaps channels 0 and 2 exactly", async () => {
        const plane = 16 * 8;
        const input = seededFloats(3 * plane, 2);
        const { data } = await run("swap-rb.onnx", input, 16, 8);
        expect(Array.from(data.subarray(0, plane))).toEqual(Array.from(input.subarray(2 * plane)));
        expect(Array.from(data.subarray(plane, 2 * plane))).toEqual(Array.from(input.subarray(plane, 2 * plane)));
        expect(Array.from(data.subarray(2 * plane))).toEqual(Array.from(input.subarray(0, plane)));
    });

    test.each([
        [64, 64],
        [96, 40],
    ])("generator-dynamic.onnx runs at %ix%i: shape [1,3,H,W], values in [-1,1] (Tanh)", async (width, height) => {
        const input = seededFloats(3 * width * height, 3);
        const { data, dims } = await run("generator-dynamic.onnx", input, width, height);
        expect(dims).toEqual([1, 3, height, width]);
        expect(data.length).toBe(3 * width * height);
        let min = Infinity;
        let max = -Infinity;
        for (const v of data) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        expect(min).toBeGreaterThanOrEqual(-1);
        expect(max).toBeLessThanOrEqual(1);
        // Not a constant or pass-through: it actually computes something.
        expect(max - min).toBeGreaterThan(0.05);
        expect(maxAbsDiff(data, input)).toBeGreaterThan(0.01);
    });

    test("generator-64.onnx equals generator-dynamic.onnx at 64x64 within 1e-6", async () => {
        const input = seededFloats(3 * 64 * 64, 4);
        const fixed = await run("generator-64.onnx", input, 64, 64);
        const dynamic = await run("generator-dynamic.onnx", input, 64, 64);
        expect(fixed.dims).toEqual([1, 3, 64, 64]);
        expect(maxAbsDiff(fixed.data, dynamic.data)).toBeLessThan(1e-6);
    });

    test("generator-64.onnx rejects another size", async () => {
        await expect(run("generator-64.onnx", seededFloats(3 * 32 * 32, 5), 32, 32)).rejects.toThrow();
    });
});

describe("end-to-end contract on the CPU: preprocessFrame -> identity model -> postprocessTensor", () => {
    const W = 48;
    const H = 40;
    // Every byte level appears; rows differ so a missed flip would show.
    const frame: RgbaFrame = {
        width: W,
        height: H,
        data: Uint8Array.from({ length: W * H * 4 }, (_, i) => {
            const px = i >> 2;
            return [px % 256, (px * 7 + 3) % 256, (px * 13 + (px >> 5)) % 256, 255][i & 3];
        }),
    };

    async function roundTrip(model: string, config: PreprocessConfig): Promise<number> {
        const input = preprocessFrame(frame, W, H, config);
        const { data } = await run(model, input, W, H);
        const bytes = postprocessTensor(data, W, H, config);
        return maxAbsDiff(bytes, frame.data);
    }

    test.each<[string, Partial<PreprocessConfig>]>([
        ["[-1,1]", { inputRange: "[-1,1]", outputRange: "[-1,1]" }],
        ["[0,255]", { inputRange: "[0,255]", outputRange: "[0,255]" }],
        ["[0,1] BGR flipY", { inputRange: "[0,1]", outputRange: "[0,1]", channelOrder: "BGR", flipY: true }],
        ["[-1,1] linear network", { inputRange: "[-1,1]", outputRange: "[-1,1]", colorSpace: "linear" }],
    ])("%s reproduces the frame bytes within 1", async (_name, partial) => {
        expect(await roundTrip("identity.onnx", resolvePreprocessConfig(partial))).toBeLessThanOrEqual(1);
    });

    test("a mismatched contract does not round trip (the test can fail)", async () => {
        const wrong = { ...resolvePreprocessConfig({ inputRange: "[0,255]" }), outputRange: "[-1,1]" as const };
        expect(await roundTrip("identity.onnx", wrong)).toBeGreaterThan(100);
    });

    test("swap-rb.onnx under RGB contract swaps R and B in the bytes", async () => {
        const config = resolvePreprocessConfig({ inputRange: "[-1,1]", outputRange: "[-1,1]" });
        const { data } = await run("swap-rb.onnx", preprocessFrame(frame, W, H, config), W, H);
        const bytes = postprocessTensor(data, W, H, config);
        let worst = 0;
        for (let p = 0; p < W * H; p++) {
            worst = Math.max(
                worst,
                Math.abs(bytes[p * 4] - frame.data[p * 4 + 2]),
                Math.abs(bytes[p * 4 + 2] - frame.data[p * 4]),
                Math.abs(bytes[p * 4 + 1] - frame.data[p * 4 + 1])
            );
        }
        expect(worst).toBeLessThanOrEqual(1);
    });

    test("identity-declared-0-255-bgr.onnx with its declared contract round trips", async () => {
        const described = describeModel(load("identity-declared-0-255-bgr.onnx"), "declared");
        const config = resolvePreprocessConfig(described.declared);
        expect([config.inputRange, config.outputRange, config.channelOrder]).toEqual(["[0,255]", "[0,255]", "BGR"]);
        const input = preprocessFrame(frame, W, H, config);
        expect(input[0]).toBeCloseTo(frame.data[2], 3); // tensor channel 0, pixel 0 holds blue in 0..255
        expect(await roundTrip("identity-declared-0-255-bgr.onnx", config)).toBeLessThanOrEqual(1);
    });
});
