import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { StylizationOptionsError, StylizationError } from "../../src/plugin/errors";
import {
    checkDepthRange,
    checkExclusion,
    checkTargetHeight,
    checkTemporal,
    checkUnit,
    checkView,
    resolveStylizationOptions,
    StylizationViews,
    type StylizationOptions,
} from "../../src/plugin/options";
import { inferenceSize } from "../../src/plugin/capture/inferenceSize";

// resolveStylizationOptions only passes the camera through, so a stand-in object is enough here.
const active = { name: "active" } as unknown as Camera;
const other = { name: "other" } as unknown as Camera;

function optionsError(options: StylizationOptions, camera: Camera | null = active): Error {
    try {
        resolveStylizationOptions(options, camera);
    } catch (e) {
        expect(e).toBeInstanceOf(StylizationOptionsError);
        expect(e).toBeInstanceOf(StylizationError);
        expect((e as Error).name).toBe("StylizationOptionsError");
        return e as Error;
    }
    throw new Error("expected StylizationOptionsError");
}

describe("resolveStylizationOptions", () => {
    test("defaults", () => {
        expect(resolveStylizationOptions({}, active)).toEqual({
            camera: active,
            executionProvider: "auto",
            targetHeight: 540,
            targetFps: 0,
            minTargetHeight: 64,
            preprocess: {},
            blend: 1,
            view: "stylized",
            splitPosition: 0.5,
            enabled: true,
            temporal: { reproject: true, history: 0 },
            stylizeLayers: false,
            exclude: null,
            depthRange: null,
            placement: "after",
            download: { onProgress: undefined, maxModelBytes: undefined, downloadStallMs: undefined },
        });
    });

    test("the camera comes from activeCamera unless options.camera is given", () => {
        expect(resolveStylizationOptions({}, active).camera).toBe(active);
        expect(resolveStylizationOptions({ camera: other }, active).camera).toBe(other);
        expect(resolveStylizationOptions({ camera: other }, null).camera).toBe(other);
    });

    test("given values are kept", () => {
        const onProgress = () => {};
        const preprocess = { inputRange: "[0,255]" as const };
        const r = resolveStylizationOptions(
            {
                executionProvider: "wasm",
                targetHeight: 360,
                targetFps: 30,
                minTargetHeight: 96,
                preprocess,
                blend: 0,
                view: "split",
                splitPosition: 1,
                enabled: false,
                temporal: { reproject: false, history: 0.75 },
                stylizeLayers: true,
                exclude: 0x10000000,
                depthRange: { near: 20 },
                placement: "before",
                onProgress,
                maxModelBytes: 1e6,
                downloadStallMs: 5000,
            },
            active
        );
        expect(r).toEqual({
            camera: active,
            executionProvider: "wasm",
            targetHeight: 360,
            targetFps: 30,
            minTargetHeight: 96,
            preprocess,
            blend: 0,
            view: "split",
            splitPosition: 1,
            enabled: false,
            temporal: { reproject: false, history: 0.75 },
            stylizeLayers: true,
            exclude: 0x10000000,
            depthRange: { near: 20, far: Infinity },
            placement: "before",
            download: { onProgress, maxModelBytes: 1e6, downloadStallMs: 5000 },
        });
        for (const ep of ["auto", "webgpu", "webgl", "wasm"] as const) {
            expect(resolveStylizationOptions({ executionProvider: ep }, active).executionProvider).toBe(ep);
        }
    });

    test("no camera", () => {
        expect(optionsError({}, null).message).toContain("needs a camera");
    });

    test("bad values name the option", () => {
        expect(optionsError({ executionProvider: "cuda" as never }).message).toContain('executionProvider is "cuda"');
        expect(optionsError({ blend: 2 }).message).toBe("blend is 2; expected a number from 0 to 1");
        expect(optionsError({ blend: -0.01 }).message).toContain("blend");
        expect(optionsError({ blend: NaN }).message).toContain("blend");
        expect(optionsError({ blend: "1" as never }).message).toContain("blend");
        expect(optionsError({ view: "foo" as never }).message).toBe('view is "foo"; expected one of stylized, original, split, difference, mask');
        expect(optionsError({ splitPosition: 1.5 }).message).toContain("splitPosition");
        expect(optionsError({ targetHeight: 4 }).message).toBe("targetHeight is 4; expected a number of pixels from 8 to 4096");
        expect(optionsError({ targetHeight: 4097 }).message).toContain("targetHeight");
        expect(optionsError({ targetHeight: Infinity }).message).toContain("targetHeight");
        expect(optionsError({ temporal: { reproject: "yes" as never } }).message).toBe('temporal.reproject is "yes"; expected true or false');
        expect(optionsError({ temporal: { reprojct: false } as never }).message).toBe('temporal has unknown field "reprojct"; expected reproject or history');
        expect(optionsError({ temporal: { history: 1.5 } }).message).toBe("temporal.history is 1.5; expected a number from 0 to 1");
        expect(optionsError({ temporal: null as never }).message).toContain("temporal is null");
        expect(optionsError({ stylizeLayers: "no" as never }).message).toBe('stylizeLayers is "no"; expected true or false');
        expect(optionsError({ targetFps: -1 }).message).toBe("targetFps is -1; expected frames per second from 0 (off) to 1000");
        expect(optionsError({ exclude: "hands" as never }).message).toBe(
            'exclude is "hands"; expected a predicate (mesh) => boolean, an array of meshes or a layer mask (an integer from 0 to 0xFFFFFFFF)'
        );
        expect(optionsError({ exclude: 1.5 }).message).toContain("exclude is 1.5");
        expect(optionsError({ depthRange: { near: -1 } }).message).toBe("depthRange.near is -1; expected a distance of 0 or more");
        expect(optionsError({ depthRange: { near: 10, far: 10 } }).message).toBe("depthRange.far is 10; expected a distance beyond near (10), or Infinity");
        expect(optionsError({ depthRange: { softness: NaN } }).message).toBe("depthRange.softness is NaN; expected a distance of 0 or more");
        expect(optionsError({ depthRange: 20 as never }).message).toContain("depthRange is 20; expected an object");
        expect(optionsError({ placement: "first" as never }).message).toBe(
            'placement is "first"; expected "before" or "after" (the camera\'s other post processes)'
        );
        expect(optionsError({ minTargetHeight: 2 }).message).toBe("minTargetHeight is 2; expected a number of pixels from 8 to 4096");
    });
});

describe("checkers", () => {
    test("checkUnit accepts 0..1 inclusive", () => {
        expect([checkUnit("x", 0), checkUnit("x", 0.25), checkUnit("x", 1)]).toEqual([0, 0.25, 1]);
        expect(() => checkUnit("x", 1.0001)).toThrow(StylizationOptionsError);
        expect(() => checkUnit("x", undefined)).toThrow("x is undefined; expected a number from 0 to 1");
    });

    test("checkTemporal takes the given fields over the current ones", () => {
        expect(checkTemporal({}, { reproject: false, history: 0.5 })).toEqual({ reproject: false, history: 0.5 });
        expect(checkTemporal({ reproject: true }, { reproject: false, history: 0.5 })).toEqual({ reproject: true, history: 0.5 });
        expect(checkTemporal({ history: 1 }, { reproject: false, history: 0.5 })).toEqual({ reproject: false, history: 1 });
    });

    test("checkExclusion takes a predicate, a mesh list or a 32-bit layer mask; null or undefined is none", () => {
        const predicate = () => true;
        expect([checkExclusion(predicate), checkExclusion([]), checkExclusion(0xffffffff), checkExclusion(null), checkExclusion(undefined)]).toEqual([
            predicate,
            [],
            0xffffffff,
            null,
            null,
        ]);
        expect(() => checkExclusion(2 ** 32)).toThrow(StylizationOptionsError);
        expect(() => checkExclusion({ name: "hand" })).toThrow(StylizationOptionsError);
    });

    test("checkDepthRange fills near and far, keeps softness only when given", () => {
        expect(checkDepthRange({ far: 50 })).toEqual({ near: 0, far: 50 });
        expect(checkDepthRange({ near: 5, softness: 0 })).toEqual({ near: 5, far: Infinity, softness: 0 });
        expect(checkDepthRange(null)).toBeNull();
        expect(() => checkDepthRange({ near: Infinity })).toThrow("depthRange.near is Infinity");
    });

    test("checkView accepts exactly the five views", () => {
        expect(StylizationViews).toEqual(["stylized", "original", "split", "difference", "mask"]);
        for (const v of StylizationViews) expect(checkView(v)).toBe(v);
        expect(() => checkView("Stylized")).toThrow(StylizationOptionsError);
    });

    test("checkTargetHeight accepts 8..4096 and returns the value unrounded", () => {
        expect([checkTargetHeight(8), checkTargetHeight(4096), checkTargetHeight(361)]).toEqual([8, 4096, 361]);
        expect(() => checkTargetHeight(7.9)).toThrow(StylizationOptionsError);
        expect(() => checkTargetHeight(NaN)).toThrow(StylizationOptionsError);
        // Messages show the value as it was (JSON would print NaN and Infinity as null).
        expect(() => checkTargetHeight(NaN)).toThrow("targetHeight is NaN; expected a number of pixels from 8 to 4096");
        expect(() => checkTargetHeight(Infinity)).toThrow("targetHeight is Infinity");
        expect(() => checkTargetHeight("360")).toThrow('targetHeight is "360"');
    });
});

describe("inferenceSize", () => {
    test("exact sizes from the rounding rule (height to the nearest multiple of 8, width from the aspect)", () => {
        // 540 / 8 = 67.5 rounds up to 68 -> 544; 544 * 16/9 = 967.1 -> 121 * 8 = 968.
        expect(inferenceSize(1920, 1080, 540)).toEqual({ width: 968, height: 544 });
        expect(inferenceSize(1280, 720, 360)).toEqual({ width: 640, height: 360 });
        expect(inferenceSize(1024, 768, 256)).toEqual({ width: 344, height: 256 }); // 341.33 -> 42.67 -> 43 * 8
        expect(inferenceSize(720, 1280, 540)).toEqual({ width: 304, height: 544 }); // portrait: 306 -> 38.25 -> 38 * 8
        expect(inferenceSize(500, 500, 123)).toEqual({ width: 120, height: 120 });
    });

    test("never below 8", () => {
        expect(inferenceSize(100, 100, 3)).toEqual({ width: 8, height: 8 });
        expect(inferenceSize(10, 1000, 64)).toEqual({ width: 8, height: 64 });
        expect(inferenceSize(0, 0, 64)).toEqual({ width: 8, height: 64 });
    });

    test("multiples of 8 and aspect preserved within one step of 8, over many sizes", () => {
        for (const [w, h] of [
            [1920, 1080],
            [1366, 768],
            [1000, 1000],
            [640, 480],
            [2560, 1080],
            [375, 812],
            [333, 777],
        ]) {
            for (let target = 8; target <= 1100; target += 13) {
                const s = inferenceSize(w, h, target);
                expect(s.height % 8).toBe(0);
                expect(s.width % 8).toBe(0);
                expect(Math.abs(s.height - target)).toBeLessThanOrEqual(4);
                const ideal = (s.height * w) / h;
                expect(Math.abs(s.width - Math.max(8, ideal))).toBeLessThanOrEqual(Math.max(4, 8 - ideal));
            }
        }
    });

    test("fixed model dimensions win", () => {
        expect(inferenceSize(1920, 1080, 540, { width: 64, height: 64 })).toEqual({ width: 64, height: 64 });
        // A fixed height drives the width; fixed values are not rounded.
        expect(inferenceSize(1920, 1080, 540, { height: 256 })).toEqual({ width: 456, height: 256 });
        expect(inferenceSize(1920, 1080, 540, { width: 100 })).toEqual({ width: 100, height: 544 });
        expect(inferenceSize(1920, 1080, 540, { width: undefined, height: undefined })).toEqual({ width: 968, height: 544 });
    });
});
