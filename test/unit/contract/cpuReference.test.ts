import { postprocessTensor, postprocessValue, preprocessFrame, sampleFrame, type RgbaFrame } from "../../../src/plugin/contract/cpuReference";
import {
    derivePreprocessParams,
    resolvePreprocessConfig,
    srgbToLinear,
    type ChannelOrder,
    type ColorSpace,
    type OutputRange,
    type PreprocessConfig,
} from "../../../src/plugin/contract/preprocessConfig";

const cfg = (p: Partial<PreprocessConfig> = {}) => resolvePreprocessConfig(p);

/**
 * 2x2, rows top-down; every value a multiple of 51 so that v / 255 is a short decimal.
 *   (0,0) = (1.0, 0.0, 0.2)   (1,0) = (0.0, 1.0, 0.4)
 *   (0,1) = (0.6, 0.8, 0.0)   (1,1) = (0.2, 0.4, 1.0)
 */
const frame2x2: RgbaFrame = {
    width: 2,
    height: 2,
    data: Uint8Array.from([255, 0, 51, 255, 0, 255, 102, 255, 153, 204, 0, 255, 51, 102, 255, 255]),
};
/** Per channel, the four pixels in 0..1 in row-major order. */
const R = [1, 0, 0.6, 0.2];
const G = [0, 1, 0.8, 0.4];
const B = [0.2, 0.4, 0, 1];

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 5): void {
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
        if (Math.abs(actual[i] - expected[i]) > 0.5 * 10 ** -digits) {
            throw new Error(
                `index ${i}: got ${actual[i]}, expected ${expected[i]}\nactual:   ${Array.from(actual).join(", ")}\nexpected: ${expected.join(", ")}`
            );
        }
    }
}

const planes = (r: number[], g: number[], b: number[], f: (v: number) => number) => [...r.map(f), ...g.map(f), ...b.map(f)];
/** Row-swap of a 2x2 plane: [a, b, c, d] -> [c, d, a, b]. */
const flip = (p: number[]) => [p[2], p[3], p[0], p[1]];

describe("preprocessFrame on a 2x2 byte frame", () => {
    test("[-1,1]", () => {
        expectClose(preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[-1,1]" })), [1, -1, 0.2, -0.6, -1, 1, 0.6, -0.2, -0.6, -0.2, -1, 1]);
    });

    test("[0,1]", () => {
        expectClose(preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]" })), [...R, ...G, ...B]);
    });

    test("[0,255]", () => {
        expectClose(preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,255]" })), [255, 0, 153, 51, 0, 255, 204, 102, 51, 102, 0, 255], 3);
    });

    test("imagenet", () => {
        const mean = [0.485, 0.456, 0.406];
        const std = [0.229, 0.224, 0.225];
        const expected = [R, G, B].flatMap((plane, c) => plane.map((v) => (v - mean[c]) / std[c]));
        expectClose(preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "imagenet" })), expected);
    });

    test("BGR: channel 0 holds blue", () => {
        const t = preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]", channelOrder: "BGR" }));
        expectClose(t, [...B, ...G, ...R]);
    });

    test("flipY: row 0 holds the bottom row", () => {
        const t = preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]", flipY: true }));
        expectClose(t, [...flip(R), ...flip(G), ...flip(B)]);
    });

    test("network in linear light applies srgbToLinear", () => {
        const t = preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]", colorSpace: "linear" }));
        expectClose(t, planes(R, G, B, srgbToLinear), 6);
        expect(t[2]).toBeCloseTo(srgbToLinear(0.6), 6);
    });

    test("a linear frame for an sRGB network is converted the other way", () => {
        const t = preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]", frameColorSpace: "linear" }));
        expectClose(
            t,
            planes(R, G, B, (v) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055)),
            6
        );
    });

    test("Float32Array (0..1) and Uint8ClampedArray frames give the same as the byte frame", () => {
        const floats: RgbaFrame = { width: 2, height: 2, data: Float32Array.from(frame2x2.data, (v) => v / 255) };
        const clamped: RgbaFrame = { width: 2, height: 2, data: Uint8ClampedArray.from(frame2x2.data) };
        for (const c of [cfg(), cfg({ inputRange: "[0,255]", channelOrder: "BGR", flipY: true }), cfg({ colorSpace: "linear" })]) {
            const ref = Array.from(preprocessFrame(frame2x2, 2, 2, c));
            expectClose(preprocessFrame(floats, 2, 2, c), ref, 4);
            expect(Array.from(preprocessFrame(clamped, 2, 2, c))).toEqual(ref);
        }
    });

    test("accepts derived params as well as a config", () => {
        const c = cfg({ inputRange: "imagenet", channelOrder: "BGR", flipY: true });
        expect(preprocessFrame(frame2x2, 2, 2, derivePreprocessParams(c))).toEqual(preprocessFrame(frame2x2, 2, 2, c));
    });
});

describe("preprocessFrame resampling", () => {
    /** 4x4 frame whose texel (x, y) has R = 16y + x, G = 255 - R, B = 4 * R (mod 256). */
    const frame4x4: RgbaFrame = {
        width: 4,
        height: 4,
        data: Uint8Array.from({ length: 64 }, (_, i) => {
            const px = i >> 2;
            const ch = i & 3;
            return ch === 0
                ? 16 * (px >> 2) + (px & 3)
                : ch === 1
                  ? 255 - (16 * (px >> 2) + (px & 3))
                  : ch === 2
                    ? (4 * (16 * (px >> 2) + (px & 3))) % 256
                    : 255;
        }),
    };
    const at = (x: number, y: number, ch: number) => frame4x4.data[(y * 4 + x) * 4 + ch] / 255;

    test("4x4 -> 2x2 bilinear equals the 2x2 box average (sampling at texel centres)", () => {
        const t = preprocessFrame(frame4x4, 2, 2, cfg({ inputRange: "[0,1]" }));
        const expected: number[] = [];
        for (let ch = 0; ch < 3; ch++) {
            for (let y = 0; y < 2; y++) {
                for (let x = 0; x < 2; x++) {
                    expected.push((at(2 * x, 2 * y, ch) + at(2 * x + 1, 2 * y, ch) + at(2 * x, 2 * y + 1, ch) + at(2 * x + 1, 2 * y + 1, ch)) / 4);
                }
            }
        }
        expectClose(t, expected, 6);
        // R of the top-left output: texels R = 0, 1, 16, 17.
        expect(t[0]).toBeCloseTo(8.5 / 255, 6);
    });

    test("4x4 -> 2x2 nearest picks texels (1,1), (3,1), (1,3), (3,3)", () => {
        const t = preprocessFrame(frame4x4, 2, 2, cfg({ inputRange: "[0,255]", resize: "nearest" }));
        expectClose(t.subarray(0, 4), [17, 19, 49, 51], 3);
        expectClose(t.subarray(4, 8), [255 - 17, 255 - 19, 255 - 49, 255 - 51], 3);
        expectClose(t.subarray(8, 12), [68, 76, 196, 204], 3);
    });

    test("flipY with resampling reads the frame bottom-up", () => {
        const t = preprocessFrame(frame4x4, 2, 2, cfg({ inputRange: "[0,255]", resize: "nearest", flipY: true }));
        expectClose(t.subarray(0, 4), [49, 51, 17, 19], 3);
    });

    test("upsampling 2x2 -> 4x4 bilinear clamps at the edges and interpolates inside", () => {
        const t = preprocessFrame(frame2x2, 4, 4, cfg({ inputRange: "[0,1]" }));
        const r = t.subarray(0, 16);
        // Corner output texels sample beyond the outermost texel centres: clamp-to-edge gives the corner texel.
        expect(r[0]).toBeCloseTo(1, 6);
        expect(r[3]).toBeCloseTo(0, 6);
        expect(r[12]).toBeCloseTo(0.6, 6);
        expect(r[15]).toBeCloseTo(0.2, 6);
        // Output (1,0): u = 3/8 -> fx = 0.25: 0.75 * R(0,0) + 0.25 * R(1,0).
        expect(r[1]).toBeCloseTo(0.75, 6);
        // Output (1,1): 0.75/0.25 in both directions.
        expect(r[5]).toBeCloseTo(0.75 * (0.75 * 1 + 0.25 * 0) + 0.25 * (0.75 * 0.6 + 0.25 * 0.2), 6);
    });

    test("sampleFrame: texel centres return the texel, nearest and bilinear agree there", () => {
        for (let y = 0; y < 4; y++) {
            for (let x = 0; x < 4; x++) {
                const u = (x + 0.5) / 4;
                const v = (y + 0.5) / 4;
                expect(sampleFrame(frame4x4, u, v, 0, false)).toBeCloseTo(at(x, y, 0), 12);
                expect(sampleFrame(frame4x4, u, v, 0, true)).toBe(at(x, y, 0));
            }
        }
        expect(sampleFrame(frame4x4, 0.25, 0.25, 0, false)).toBeCloseTo(8.5 / 255, 12);
    });
});

describe("preprocessFrame output buffer", () => {
    test("fills and returns the `out` buffer it is given", () => {
        const out = new Float32Array(12).fill(99);
        const t = preprocessFrame(frame2x2, 2, 2, cfg({ inputRange: "[0,1]" }), out);
        expect(t).toBe(out);
        expectClose(out, [...R, ...G, ...B]);
    });

    test("a wrong-length `out` throws RangeError", () => {
        expect(() => preprocessFrame(frame2x2, 2, 2, cfg(), new Float32Array(11))).toThrow(RangeError);
        expect(() => preprocessFrame(frame2x2, 2, 2, cfg(), new Float32Array(13))).toThrow("a 3x2x2 tensor needs 12");
    });
});

describe("postprocessTensor", () => {
    /** A 2x1 output: pixel 0 = (c0, c1, c2)[0], pixel 1 = (c0, c1, c2)[1]. */
    const t2x1 = (c0: [number, number], c1: [number, number], c2: [number, number]) => Float32Array.from([...c0, ...c1, ...c2]);

    test("[-1,1] -> bytes", () => {
        const out = postprocessTensor(t2x1([-1, 1], [0, 0.2], [-0.6, 1]), 2, 1, cfg({ outputRange: "[-1,1]" }));
        expect(Array.from(out)).toEqual([0, 128, 51, 255, 255, 153, 255, 255]);
    });

    test("[0,1] -> bytes", () => {
        const out = postprocessTensor(t2x1([0, 1], [0.4, 0.2], [0.8, 0.6]), 2, 1, cfg({ outputRange: "[0,1]" }));
        expect(Array.from(out)).toEqual([0, 102, 204, 255, 255, 51, 153, 255]);
    });

    test("[0,255] -> bytes", () => {
        const out = postprocessTensor(t2x1([0, 255], [17, 128.4], [200, 254.6]), 2, 1, cfg({ outputRange: "[0,255]" }));
        expect(Array.from(out)).toEqual([0, 17, 200, 255, 255, 128, 255, 255]);
    });

    test("values beyond the range saturate at 0 and 255, with or without clamp", () => {
        const tensor = t2x1([3, -3], [1.0001, -1.0001], [100, -100]);
        for (const clamp of [true, false]) {
            expect(Array.from(postprocessTensor(tensor, 2, 1, cfg({ outputRange: "[-1,1]", clamp })))).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
        }
    });

    test("postprocessValue clamps only when the contract says so", () => {
        expect(postprocessValue(3, derivePreprocessParams(cfg({ outputRange: "[-1,1]" })))).toBe(1);
        expect(postprocessValue(3, derivePreprocessParams(cfg({ outputRange: "[-1,1]", clamp: false })))).toBe(2);
        expect(postprocessValue(-510, derivePreprocessParams(cfg({ outputRange: "[0,255]", clamp: false })))).toBeCloseTo(-2, 12);
        expect(postprocessValue(0, derivePreprocessParams(cfg({ outputRange: "[-1,1]", colorSpace: "linear" })))).toBeCloseTo(0.735356983, 8);
    });

    test("BGR: pixel R comes from tensor channel 2", () => {
        const out = postprocessTensor(t2x1([0, 0.2], [0.4, 0.6], [0.8, 1]), 2, 1, cfg({ outputRange: "[0,1]", channelOrder: "BGR" }));
        expect(Array.from(out)).toEqual([204, 102, 0, 255, 255, 153, 51, 255]);
    });

    test("flipY: pixel row 0 comes from the last tensor row", () => {
        // 1x2 tensor: row 0 = 0.2, row 1 = 0.8 in every channel.
        const tensor = Float32Array.from([0.2, 0.8, 0.2, 0.8, 0.2, 0.8]);
        expect(Array.from(postprocessTensor(tensor, 1, 2, cfg({ outputRange: "[0,1]", flipY: true })))).toEqual([204, 204, 204, 255, 51, 51, 51, 255]);
        expect(Array.from(postprocessTensor(tensor, 1, 2, cfg({ outputRange: "[0,1]", flipY: false })))).toEqual([51, 51, 51, 255, 204, 204, 204, 255]);
    });

    test("network in linear light: output goes through linearToSrgb", () => {
        const out = postprocessTensor(t2x1([0.31854678, 0], [1, 0.5], [0.0031308, 0.001]), 2, 1, cfg({ outputRange: "[0,1]", colorSpace: "linear" }));
        // linearToSrgb(0.31854678) = 0.6, linearToSrgb(0.5) = 0.735357, linearToSrgb(0.0031308) = 0.04045, linearToSrgb(0.001) = 0.01292.
        expect(Array.from(out)).toEqual([153, 255, 10, 255, 0, 188, 3, 255]);
    });

    test("fills `out` when given; a short tensor throws RangeError", () => {
        const out = new Uint8Array(8).fill(7);
        expect(postprocessTensor(t2x1([0, 1], [0, 1], [0, 1]), 2, 1, cfg({ outputRange: "[0,1]" }), out)).toBe(out);
        expect(Array.from(out)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
        expect(() => postprocessTensor(new Float32Array(5), 2, 1, cfg())).toThrow(RangeError);
    });
});

describe("identity network round trip: postprocessTensor(preprocessFrame(frame)) reproduces the frame", () => {
    // 32x8 = 256 pixels: R runs through every level, G backwards, B in a scrambled order.
    const W = 32;
    const H = 8;
    const frame: RgbaFrame = {
        width: W,
        height: H,
        data: Uint8Array.from({ length: W * H * 4 }, (_, i) => {
            const px = i >> 2;
            return [px, 255 - px, (px * 37 + 11) % 256, 255][i & 3];
        }),
    };

    type Case = { name: string; input: Partial<PreprocessConfig>; outputRange: OutputRange };
    const ranges: Case[] = [
        { name: "[-1,1]", input: { inputRange: "[-1,1]" }, outputRange: "[-1,1]" },
        { name: "[0,1]", input: { inputRange: "[0,1]" }, outputRange: "[0,1]" },
        { name: "[0,255]", input: { inputRange: "[0,255]" }, outputRange: "[0,255]" },
        // custom mean/std chosen to be equivalent to each output range (imagenet has no matching output range).
        { name: "custom~[-1,1]", input: { inputRange: "custom", mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, outputRange: "[-1,1]" },
        { name: "custom~[0,1]", input: { inputRange: "custom", mean: [0, 0, 0], std: [1, 1, 1] }, outputRange: "[0,1]" },
        { name: "custom~[0,255]", input: { inputRange: "custom", mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }, outputRange: "[0,255]" },
    ];
    const combos: Array<[string, Partial<PreprocessConfig>]> = [];
    for (const r of ranges) {
        for (const channelOrder of ["RGB", "BGR"] as ChannelOrder[]) {
            for (const colorSpace of ["sRGB", "linear"] as ColorSpace[]) {
                for (const frameColorSpace of ["sRGB", "linear"] as ColorSpace[]) {
                    for (const flipY of [false, true]) {
                        combos.push([
                            `${r.name} ${channelOrder} net:${colorSpace} frame:${frameColorSpace} flipY:${flipY}`,
                            { ...r.input, outputRange: r.outputRange, channelOrder, colorSpace, frameColorSpace, flipY },
                        ]);
                    }
                }
            }
        }
    }

    test(`${combos.length} combinations`, () => {
        expect(combos).toHaveLength(96);
        for (const [name, partial] of combos) {
            const c = cfg(partial);
            const tensor = preprocessFrame(frame, W, H, c);
            const bytes = postprocessTensor(tensor, W, H, c);
            let worst = 0;
            for (let i = 0; i < bytes.length; i++) {
                worst = Math.max(worst, Math.abs(bytes[i] - frame.data[i]));
            }
            if (worst > 1) throw new Error(`${name}: worst error ${worst} levels`);
            expect(worst).toBeLessThanOrEqual(1);
        }
    });

    test("without colour conversion the round trip is exact", () => {
        for (const inputRange of ["[-1,1]", "[0,1]", "[0,255]"] as const) {
            const c = cfg({ inputRange, outputRange: inputRange, channelOrder: "BGR", flipY: true });
            expect(Array.from(postprocessTensor(preprocessFrame(frame, W, H, c), W, H, c))).toEqual(Array.from(frame.data));
        }
    });
});
