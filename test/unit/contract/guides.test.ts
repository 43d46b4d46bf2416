/** The depth guide's CPU reference (what the GPU captures reproduce: test/browser/guides.test.ts). */
import {
    depthGuidePlane,
    depthGuideValue,
    guideChannel,
    guideChannels,
    guideLabels,
    normalGuidePlanes,
    packGuides,
    readGuides,
    withFlatGuides,
} from "../../../src/plugin/contract/guides";
import { derivePreprocessParams, resolvePreprocessConfig } from "../../../src/plugin/contract/preprocessConfig";

const guides = { order: ["depth" as const], depth: { near: 2, far: 10 } };

test("a view distance maps to 0..1 over near..far, clamped; nothing drawn is the far end", () => {
    expect([1, 2, 6, 10, 30].map((z) => depthGuideValue(z, 2, 10))).toEqual([0, 0, 0.5, 1, 1]);
    expect(depthGuideValue(-6, 2, 10)).toBe(0.5); // right-handed scenes store negative z
    expect(depthGuideValue(0, 2, 10)).toBe(1);
});

test("the plane samples the depth map nearest at each tensor pixel and takes the guide into the tensor like channel 0", () => {
    // A 4x2 depth map (rows top-down): left half at 6 (d = 0.5), right half at 10 (d = 1); a 2x1 tensor.
    const depth = new Float32Array([6, 6, 10, 10, 6, 6, 10, 10]);
    const minusOne = derivePreprocessParams(resolvePreprocessConfig({ inputRange: "[-1,1]" }));
    expect(Array.from(depthGuidePlane(depth, 4, 2, 2, 1, guides, minusOne))).toEqual([0, 1]);
    const bytes = derivePreprocessParams(resolvePreprocessConfig({ inputRange: "[0,255]" }));
    expect(Array.from(depthGuidePlane(depth, 4, 2, 2, 1, guides, bytes))).toEqual([127.5, 255]);
    // Rows flip with the contract: a top row at 2 (d = 0) and a bottom row at 10.
    const rows = new Float32Array([2, 10]);
    const flipped = derivePreprocessParams(resolvePreprocessConfig({ inputRange: "[0,1]", flipY: true }));
    expect(Array.from(depthGuidePlane(rows, 1, 2, 1, 2, guides, flipped))).toEqual([1, 0]);
});

test("still images get a flat guide at the far end; an RGB model's tensor is left as it is", () => {
    const p = derivePreprocessParams(resolvePreprocessConfig({ inputRange: "[-1,1]" }));
    const rgb = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(Array.from(withFlatGuides(rgb, 2, guides, p))).toEqual([...Array.from(rgb), 1, 1]);
    expect(withFlatGuides(rgb, 2, undefined, p)).toBe(rgb);
    // Normals: the zero vector (0.5 -> 0 in [-1,1]), in declared order.
    const both = { order: ["normal" as const, "depth" as const], depth: guides.depth, normal: { space: "view" as const } };
    expect(Array.from(withFlatGuides(rgb, 2, both, p))).toEqual([...Array.from(rgb), 0, 0, 0, 0, 0, 0, 1, 1]);
});

test("the declaration: order, channels, packing, labels; what cannot be fed is named", () => {
    const read = (guides: string, extra: Record<string, string> = {}) =>
        readGuides({ "stylize.guides": guides, "stylize.depth_range": "1,9", ...extra }, "m.onnx");
    const both = read("Depth, normal");
    expect(both).toEqual({ order: ["depth", "normal"], depth: { near: 1, far: 9 }, normal: { space: "view" } });
    expect([guideChannels(both), guideChannel(both, "depth"), guideChannel(both, "normal")]).toEqual([4, 3, 4]);
    expect(packGuides(both)).toEqual([3, 1, 9, 4]);
    expect(guideLabels(both)).toEqual(["depth", "normal x", "normal y", "normal z"]);
    const reversed = read("normal,depth");
    expect([guideChannel(reversed, "normal"), guideChannel(reversed, "depth"), guideChannels(reversed)]).toEqual([3, 6, 4]);
    expect(readGuides({ "stylize.guides": "normal" }, "m.onnx")).toEqual({ order: ["normal"], normal: { space: "view" } }); // no depth range needed
    expect(packGuides(undefined)).toEqual([0, 0, 1, 0]);
    expect(readGuides({}, "m.onnx")).toBeUndefined();
    expect(() => read("depth,albedo")).toThrow(/"albedo" is not one it can feed/);
    expect(() => read("normal,normal")).toThrow(/"normal" is listed twice/);
    expect(() => read("normal", { "stylize.normal_space": "world" })).toThrow(/normal_space = "world"; the plugin feeds view-space normals/);
    expect(() => readGuides({ "stylize.guides": "depth" }, "m.onnx")).toThrow(/depth_range is null/);
});

test("normal planes sample the map nearest (any stride) and take n * 0.5 + 0.5 in like channel 0", () => {
    // A 2x1 RGBA normal map: left facing the camera (0, 0, -1), right nothing drawn (0); a 2x1 tensor in [-1,1].
    const normals = new Float32Array([0, 0, -1, 1, 0, 0, 0, 0]);
    const p = derivePreprocessParams(resolvePreprocessConfig({ inputRange: "[-1,1]" }));
    expect(Array.from(normalGuidePlanes(normals, 2, 1, 4, 2, 1, p))).toEqual([0, 0, 0, 0, -1, 0]);
});
