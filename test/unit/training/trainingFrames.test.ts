/**
 * captureTrainingFrames without a GPU: the options it refuses (before anything is attached to the scene), and the
 * files a recording becomes (PNG codecs, zip, manifest). The frames themselves are checked in a browser
 * (test/browser/trainingCapture.test.ts).
 */
import { NullEngine } from "@babylonjs/core/Engines/nullEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import { Logger } from "@babylonjs/core/Misc/logger.js";
import { unzipSync } from "fflate";
import { PNG } from "pngjs";
import "../../../src/plugin/index";
import { captureTrainingFrames, StylizationOptionsError, TrainingFrameSet, type TrainingCaptureOptions, type TrainingManifest } from "../../../src/plugin/pure";
import { DepthLimit, encodeGuidePngs, encodeRgbPng } from "../../../src/plugin/training/trainingFiles";

Logger.LogLevels = Logger.WarningLogLevel | Logger.ErrorLogLevel;

let engine: NullEngine;
let scene: Scene;
let camera: FreeCamera;

beforeEach(() => {
    engine = new NullEngine();
    scene = new Scene(engine);
    camera = new FreeCamera("camera", new Vector3(0, 0, -5), scene);
    scene.activeCamera = camera;
});
afterEach(() => {
    scene.dispose();
    engine.dispose();
});

describe("options it refuses", () => {
    const cases: Array<[string, TrainingCaptureOptions | (() => TrainingCaptureOptions), RegExp]> = [
        ["count 0", { count: 0 }, /count is 0; expected a whole number >= 1/],
        ["a fractional every", { every: 2.5 }, /every is 2.5/],
        ["an unknown guide", { guides: ["albedo" as "depth"] }, /guides is \["albedo"\]; it records "depth" and "normal", each once/],
        ["a guide twice", { guides: ["depth", "depth"] }, /guides is \["depth","depth"\]/],
        ["an unknown filter", { resize: "cubic" as "bilinear" }, /resize is "cubic"/],
        ["a tiny size", { size: 4 }, /size is 4; a height of at least 8 pixels/],
        ["a size over the limit", { size: { width: 100_000, height: 64 } }, /width of 100000 pixels is outside/],
        ["a camera of another scene", () => ({ camera: new FreeCamera("other", Vector3.Zero(), new Scene(engine)) }), /not a camera of this scene/],
        ["a prepare that is not a function", { prepare: 3 as unknown as () => void }, /prepare must be a function/],
    ];
    test.each(cases)("%s", async (_, options, message) => {
        const chain = [...camera._postProcesses];
        const error = await scene.captureTrainingFrames(typeof options === "function" ? options() : options).catch((e: Error) => e);
        expect(error).toBeInstanceOf(StylizationOptionsError);
        expect((error as Error).message).toMatch(message);
        expect(camera._postProcesses).toEqual(chain); // nothing attached
    });

    test("a scene without an active camera", async () => {
        scene.activeCamera = null;
        await expect(captureTrainingFrames(scene, { count: 1 })).rejects.toThrow(/the scene has no active camera; pass options.camera/);
    });

    test("an aborted signal", async () => {
        const controller = new AbortController();
        controller.abort(new Error("stopped by the test"));
        await expect(captureTrainingFrames(scene, { signal: controller.signal })).rejects.toThrow("stopped by the test");
        expect(camera._postProcesses.filter(Boolean)).toHaveLength(0);
    });
});

test("a scene that renders nothing fails the recording after stallMs, and leaves the camera as it was", async () => {
    await expect(captureTrainingFrames(scene, { count: 2, stallMs: 50 })).rejects.toThrow(/the scene rendered no frame for 50 ms; is its render loop running\?/);
    expect(camera._postProcesses.filter(Boolean)).toHaveLength(0); // Babylon leaves a null where a detached one was
    expect(camera.customRenderTargets).toHaveLength(0);
});

test("disposing the scene while recording fails it with a clear error", async () => {
    const recording = captureTrainingFrames(scene, { count: 2, guides: ["depth"] });
    scene.dispose();
    await expect(recording).rejects.toThrow("captureTrainingFrames: the scene was disposed while recording");
});

describe("recording files", () => {
    const [W, H] = [5, 3];
    const rgba = new Uint8Array(W * H * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    const plane = W * H;
    const centimetres = new Uint16Array(plane).map((_, i) => (i === 0 ? 0 : 400 + i * 1001));
    /** A recorded tensor as the capture writes it with guides ["normal", "depth"]: RGB, normal x y z, depth. */
    const tensor = new Float32Array(7 * plane);
    const normal = (i: number, k: number) => (i === 1 ? 0.5 : [0.25, 0.6, 1][k] - i / 100); // pixel 1: nothing drawn
    for (let i = 0; i < plane; i++) {
        [0, 1, 2].forEach((k) => (tensor[(3 + k) * plane + i] = normal(i, k)));
        tensor[6 * plane + i] = centimetres[i] === 0 ? 1 : centimetres[i] / 100 / DepthLimit;
    }
    /** Component k of each pixel: pngjs widens PNGs to RGBA; its reader keeps 16 bits with skipRescale. */
    const component = (png: Uint8Array | undefined, k: number, depth: 8 | 16) => {
        const image = PNG.sync.read(Buffer.from(png!), { skipRescale: true });
        expect(image.depth).toBe(depth);
        return Array.from({ length: plane }, (_, i) => (image.data as unknown as Uint16Array)[i * 4 + k]);
    };

    test("frames are RGB PNGs; depth maps 16-bit grey centimetres, normals 8-bit RGB, each from its planes in the tensor", async () => {
        const rgb = PNG.sync.read(Buffer.from(await encodeRgbPng(rgba, W, H)));
        expect([rgb.width, rgb.height]).toEqual([W, H]);
        expect(Array.from(rgb.data)).toEqual(Array.from(rgba));
        const pngs = await encodeGuidePngs(tensor, W, H, ["normal", "depth"]);
        expect(component(pngs.depthPng, 0, 16)).toEqual(Array.from(centimetres));
        [0, 1, 2].forEach((k) => expect(component(pngs.normalPng, k, 8)).toEqual(Array.from({ length: plane }, (_, i) => Math.round(Math.fround(normal(i, k)) * 255))));
        expect(component(pngs.normalPng, 0, 8)[1]).toBe(128); // nothing drawn: the zero normal
        const depthOnly = await encodeGuidePngs(tensor.subarray(0, 4 * plane).map((v, i) => (i < 3 * plane ? v : tensor[6 * plane + i - 3 * plane])), W, H, ["depth"]);
        expect(depthOnly.normalPng).toBeUndefined();
        expect(Buffer.from(depthOnly.depthPng!).equals(Buffer.from(pngs.depthPng!))).toBe(true);
    });

    test("files(), zip() and frames.json", async () => {
        const png = await encodeRgbPng(rgba, W, H);
        const { depthPng } = await encodeGuidePngs(tensor, W, H, ["normal", "depth"]);
        const camera = { position: [0, 1, 2], forward: [0, 0, 1], up: [0, 1, 0], fov: 0.8 };
        const frames = [0, 1].map((index) => ({ index, file: `0000${index}.png`, png, depthPng, width: W, height: H, frameId: 10 + index, time: index * 16, camera }));
        const manifest: TrainingManifest = {
            engine: "webgl",
            width: W,
            height: H,
            stylized: false,
            image: "test",
            resize: "bilinear",
            mapping: { mode: "display", exposure: 1 },
            guides: ["depth"],
            every: 1,
            frames: frames.map(({ file, frameId, time }) => ({ file, frameId, time, camera })),
        };
        const set = new TrainingFrameSet(frames, manifest);
        expect([...set.files().keys()]).toEqual(["00000.png", "depth/00000.png", "00001.png", "depth/00001.png", "frames.json"]);
        const unzipped = unzipSync(await set.zip());
        expect(Object.keys(unzipped).sort()).toEqual(["00000.png", "00001.png", "depth/00000.png", "depth/00001.png", "frames.json"]);
        expect(Buffer.from(unzipped["depth/00001.png"]).equals(Buffer.from(depthPng!))).toBe(true);
        expect(JSON.parse(new TextDecoder().decode(unzipped["frames.json"]))).toEqual(manifest);
    });
});
