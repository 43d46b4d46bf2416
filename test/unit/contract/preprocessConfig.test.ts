import {
    ColorConversion,
    DefaultPreprocessConfig,
    applyConversion,
    derivePreprocessParams,
    inputInterval,
    linearToSrgb,
    outputInterval,
    resolvePreprocessConfig,
    srgbToLinear,
    type PreprocessConfig,
} from "../../../src/plugin/contract/preprocessConfig";
import { PreprocessConfigError } from "../../../src/plugin/errors";

const cfg = (p: Partial<PreprocessConfig> = {}) => resolvePreprocessConfig(p);

function expectConfigError(layer: unknown, field: string): void {
    let caught: unknown;
    try {
        resolvePreprocessConfig(layer as Partial<PreprocessConfig>);
    } catch (e) {
        caught = e;
    }
    expect(caught).toBeInstanceOf(PreprocessConfigError);
    expect((caught as Error).name).toBe("PreprocessConfigError");
    expect((caught as Error).message).toContain(`preprocess.${field}`);
}

function expectVec3Close(actual: readonly number[], expected: readonly number[], digits = 10): void {
    expect(actual).toHaveLength(3);
    expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe("resolvePreprocessConfig", () => {
    test("no layers gives the defaults", () => {
        expect(resolvePreprocessConfig()).toEqual({
            inputRange: "[-1,1]",
            mean: [0.5, 0.5, 0.5],
            std: [0.5, 0.5, 0.5],
            channelOrder: "RGB",
            colorSpace: "sRGB",
            frameColorSpace: "sRGB",
            flipY: false,
            resize: "bilinear",
            outputRange: "[-1,1]",
            clamp: true,
        });
        expect(resolvePreprocessConfig()).toEqual({ ...DefaultPreprocessConfig });
    });

    test("returns a fresh object, never the frozen defaults", () => {
        const a = resolvePreprocessConfig();
        expect(a).not.toBe(DefaultPreprocessConfig);
        expect(Object.isFrozen(a)).toBe(false);
        expect(a.mean).not.toBe(DefaultPreprocessConfig.mean);
    });

    test("later layers win, undefined layers and undefined values are ignored", () => {
        const c = resolvePreprocessConfig(
            { inputRange: "[0,255]", channelOrder: "BGR", flipY: true },
            undefined,
            { inputRange: "[0,1]", channelOrder: undefined },
            { outputRange: "[0,255]", flipY: undefined }
        );
        expect(c.inputRange).toBe("[0,1]");
        expect(c.channelOrder).toBe("BGR");
        expect(c.flipY).toBe(true);
        expect(c.outputRange).toBe("[0,255]");
        expect(c.resize).toBe("bilinear");
    });

    test("vectors are copied", () => {
        const mean = [0.1, 0.2, 0.3] as const;
        const c = resolvePreprocessConfig({ inputRange: "custom", mean, std: [1, 2, 3] });
        expect(c.mean).toEqual([0.1, 0.2, 0.3]);
        expect(c.mean).not.toBe(mean);
        expect(c.std).toEqual([1, 2, 3]);
    });

    test("an unknown key names itself", () => {
        expectConfigError({ inputrange: "[0,1]" }, "inputrange");
        expectConfigError({ gamma: 2.2 }, "gamma");
    });

    test("bad enum values name the field", () => {
        expectConfigError({ inputRange: "[0,2]" }, "inputRange");
        expectConfigError({ outputRange: "imagenet" }, "outputRange");
        expectConfigError({ channelOrder: "rgb" }, "channelOrder");
        expectConfigError({ colorSpace: "srgb" }, "colorSpace");
        expectConfigError({ frameColorSpace: "P3" }, "frameColorSpace");
        expectConfigError({ resize: "bicubic" }, "resize");
        expectConfigError({ inputRange: null }, "inputRange");
    });

    test("bad vec3 values name the field", () => {
        expectConfigError({ mean: [0.5, 0.5] }, "mean");
        expectConfigError({ mean: [0.5, 0.5, 0.5, 0.5] }, "mean");
        expectConfigError({ mean: [0.5, "0.5", 0.5] }, "mean");
        expectConfigError({ mean: [0.5, NaN, 0.5] }, "mean");
        expectConfigError({ mean: [0.5, 0.5, Infinity] }, "mean");
        expectConfigError({ mean: "0.5,0.5,0.5" }, "mean");
        expectConfigError({ std: [0.5, 0.5] }, "std");
    });

    test("mean may be zero or negative, std must be > 0", () => {
        expect(resolvePreprocessConfig({ mean: [0, -1, 2] }).mean).toEqual([0, -1, 2]);
        expectConfigError({ std: [0.5, 0, 0.5] }, "std");
        expectConfigError({ std: [0.5, 0.5, -0.1] }, "std");
    });

    test("non-boolean flipY and clamp name the field", () => {
        expectConfigError({ flipY: "true" }, "flipY");
        expectConfigError({ flipY: 1 }, "flipY");
        expectConfigError({ clamp: 0 }, "clamp");
    });

    test("the message quotes the bad value and lists the allowed ones", () => {
        expect(() => resolvePreprocessConfig({ inputRange: "[0,2]" as never })).toThrow(
            'preprocess.inputRange is "[0,2]"; expected one of "[-1,1]", "[0,1]", "[0,255]", "imagenet", "custom"'
        );
    });
});

describe("derivePreprocessParams: input", () => {
    test("[-1,1]: scale 2, bias -1", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "[-1,1]" }));
        expect(p.source).toEqual([0, 1, 2]);
        expect(p.inScale).toEqual([2, 2, 2]);
        expect(p.inBias).toEqual([-1, -1, -1]);
    });

    test("[0,1]: scale 1, bias 0", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "[0,1]" }));
        expect(p.inScale).toEqual([1, 1, 1]);
        expect(p.inBias.map((b) => b + 0)).toEqual([0, 0, 0]);
    });

    test("[0,255]: scale 255, bias 0", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "[0,255]" }));
        expectVec3Close(p.inScale, [255, 255, 255]);
        expect(p.inBias.map((b) => b + 0)).toEqual([0, 0, 0]);
    });

    test("imagenet: 1/std and -mean/std per channel", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "imagenet" }));
        expectVec3Close(p.inScale, [1 / 0.229, 1 / 0.224, 1 / 0.225]);
        expectVec3Close(p.inBias, [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225]);
    });

    test("imagenet ignores config mean/std", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "imagenet", mean: [0, 0, 0], std: [1, 1, 1] }));
        expect(p.inScale[0]).toBeCloseTo(1 / 0.229, 10);
    });

    test("custom uses config mean/std", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "custom", mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2] }));
        expectVec3Close(p.inScale, [2, 4, 0.5]);
        expectVec3Close(p.inBias, [-0.2, -0.8, -0.15]);
    });

    test("non-custom ranges ignore config mean/std", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "[-1,1]", mean: [0.1, 0.2, 0.3], std: [0.7, 0.8, 0.9] }));
        expect(p.inScale).toEqual([2, 2, 2]);
    });

    test("BGR permutes the channels and mean/std with them", () => {
        const p = derivePreprocessParams(cfg({ inputRange: "imagenet", channelOrder: "BGR" }));
        expect(p.source).toEqual([2, 1, 0]);
        // tensor channel 0 holds blue, so it uses blue's statistics.
        expectVec3Close(p.inScale, [1 / 0.225, 1 / 0.224, 1 / 0.229]);
        expectVec3Close(p.inBias, [-0.406 / 0.225, -0.456 / 0.224, -0.485 / 0.229]);

        const c = derivePreprocessParams(cfg({ inputRange: "custom", channelOrder: "BGR", mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2] }));
        expectVec3Close(c.inScale, [0.5, 4, 2]);
        expectVec3Close(c.inBias, [-0.15, -0.8, -0.2]);
    });
});

describe("derivePreprocessParams: output and flags", () => {
    test.each([
        ["[-1,1]", 0.5, 0.5],
        ["[0,1]", 1, 0],
        ["[0,255]", 1 / 255, 0],
    ] as const)("outputRange %s -> scale %d, bias %d", (outputRange, scale, bias) => {
        const p = derivePreprocessParams(cfg({ outputRange }));
        expect(p.outScale).toBeCloseTo(scale, 12);
        expect(p.outBias).toBe(bias);
    });

    test("output scale/bias map the declared interval onto 0..1", () => {
        for (const range of ["[-1,1]", "[0,1]", "[0,255]"] as const) {
            const p = derivePreprocessParams(cfg({ outputRange: range }));
            const [lo, hi] = outputInterval(range);
            expect(lo * p.outScale + p.outBias).toBeCloseTo(0, 12);
            expect(hi * p.outScale + p.outBias).toBeCloseTo(1, 12);
        }
    });

    test.each([
        ["sRGB", "sRGB", ColorConversion.None, ColorConversion.None],
        ["linear", "linear", ColorConversion.None, ColorConversion.None],
        ["sRGB", "linear", ColorConversion.SrgbToLinear, ColorConversion.LinearToSrgb],
        ["linear", "sRGB", ColorConversion.LinearToSrgb, ColorConversion.SrgbToLinear],
    ] as const)("frame %s + network %s -> in %s, out %s", (frameColorSpace, colorSpace, inConv, outConv) => {
        const p = derivePreprocessParams(cfg({ frameColorSpace, colorSpace }));
        expect(p.inConversion).toBe(inConv);
        expect(p.outConversion).toBe(outConv);
    });

    test("clamp, flipY, nearest become 0/1", () => {
        const d = derivePreprocessParams(cfg());
        expect([d.clamp, d.flipY, d.nearest]).toEqual([1, 0, 0]);
        const p = derivePreprocessParams(cfg({ clamp: false, flipY: true, resize: "nearest" }));
        expect([p.clamp, p.flipY, p.nearest]).toEqual([0, 1, 1]);
    });
});

describe("sRGB transfer functions", () => {
    test("known values", () => {
        expect(srgbToLinear(0)).toBe(0);
        expect(srgbToLinear(1)).toBeCloseTo(1, 12);
        expect(srgbToLinear(0.5)).toBeCloseTo(0.21404114, 8);
        expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 12);
        expect(linearToSrgb(0)).toBe(0);
        expect(linearToSrgb(1)).toBeCloseTo(1, 12);
        expect(linearToSrgb(0.21404114)).toBeCloseTo(0.5, 7);
        expect(linearToSrgb(0.0031308)).toBeCloseTo(0.0031308 * 12.92, 12);
    });

    test("the two pieces meet at the breakpoints (continuous)", () => {
        const e = 1e-9;
        expect(Math.abs(srgbToLinear(0.04045 + e) - srgbToLinear(0.04045))).toBeLessThan(1e-6);
        expect(Math.abs(linearToSrgb(0.0031308 + e) - linearToSrgb(0.0031308))).toBeLessThan(1e-6);
    });

    test("round trip error < 1e-6 over 0..1, both ways; monotonic", () => {
        let worst = 0;
        let prev = -1;
        for (let i = 0; i <= 1000; i++) {
            const v = i / 1000;
            worst = Math.max(worst, Math.abs(linearToSrgb(srgbToLinear(v)) - v), Math.abs(srgbToLinear(linearToSrgb(v)) - v));
            const l = srgbToLinear(v);
            expect(l).toBeGreaterThan(prev);
            prev = l;
        }
        expect(worst).toBeLessThan(1e-6);
    });

    test("applyConversion clamps to 0..1 before converting, None passes through", () => {
        expect(applyConversion(1.5, ColorConversion.None)).toBe(1.5);
        expect(applyConversion(-0.5, ColorConversion.None)).toBe(-0.5);
        expect(applyConversion(1.5, ColorConversion.SrgbToLinear)).toBeCloseTo(1, 12);
        expect(applyConversion(-0.5, ColorConversion.LinearToSrgb)).toBe(0);
        expect(applyConversion(0.5, ColorConversion.SrgbToLinear)).toBeCloseTo(0.21404114, 8);
        expect(applyConversion(0.21404114, ColorConversion.LinearToSrgb)).toBeCloseTo(0.5, 7);
    });
});

describe("intervals", () => {
    const close = (actual: Array<[number, number]>, expected: Array<[number, number]>) => {
        expect(actual).toHaveLength(3);
        actual.forEach(([lo, hi], i) => {
            expect(lo).toBeCloseTo(expected[i][0], 10);
            expect(hi).toBeCloseTo(expected[i][1], 10);
        });
    };

    test("inputInterval per inputRange", () => {
        close(inputInterval(cfg({ inputRange: "[-1,1]" })), [
            [-1, 1],
            [-1, 1],
            [-1, 1],
        ]);
        close(inputInterval(cfg({ inputRange: "[0,1]" })), [
            [0, 1],
            [0, 1],
            [0, 1],
        ]);
        close(inputInterval(cfg({ inputRange: "[0,255]" })), [
            [0, 255],
            [0, 255],
            [0, 255],
        ]);
        close(inputInterval(cfg({ inputRange: "imagenet" })), [
            [-0.485 / 0.229, (1 - 0.485) / 0.229],
            [-0.456 / 0.224, (1 - 0.456) / 0.224],
            [-0.406 / 0.225, (1 - 0.406) / 0.225],
        ]);
        close(inputInterval(cfg({ inputRange: "custom", mean: [0.5, 0, 1], std: [0.5, 1, 0.25] })), [
            [-1, 1],
            [0, 1],
            [-4, 0],
        ]);
    });

    test("inputInterval follows the channel order", () => {
        close(inputInterval(cfg({ inputRange: "custom", channelOrder: "BGR", mean: [0.5, 0, 1], std: [0.5, 1, 0.25] })), [
            [-4, 0],
            [0, 1],
            [-1, 1],
        ]);
    });

    test("outputInterval", () => {
        expect(outputInterval("[-1,1]")).toEqual([-1, 1]);
        expect(outputInterval("[0,1]")).toEqual([0, 1]);
        expect(outputInterval("[0,255]")).toEqual([0, 255]);
    });
});
