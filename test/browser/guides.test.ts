/**
 * Guided models on both engines. First a depth-guided one (test/models/guide-depth.onnx: RGB + a depth guide over 3..7
 * scene units, out = rgb + 0.5 * guide): WebGL2 with the wasm provider (the guide in the float target's alpha, read back), WebGPU
 * with the wasm provider (the compute pass's fourth plane, mapped back) and WebGPU zero-copy (that plane fed to
 * onnxruntime on the GPU). The guide plane equals the CPU reference (contract/guides.ts) computed from the test scene's
 * depth: the orthographic camera sees the quadrant plane 5 units away (guide 0.5) and a second plane 4 units away
 * (0.25) over canvas columns 32..63, rows 36..59. The output equals onnxruntime-node's on the same 4-channel input.
 * Then normal and depth guides (test/models/guide-normal-depth.onnx, 7 channels, normals first): the same scene with
 * the near plane turned about the vertical axis, so its view-space normal is known exactly.
 */
import path from "node:path";
import * as ort from "onnxruntime-node";
import { openDemo, type DemoPage, sharedBrowser, EveryCapturePath } from "./chromium";
import { maxAbsDiff, readTensors, screenPixels, stylizeWith, waitForFrames } from "./pageTools";
import { depthGuidePlane, normalGuideValue } from "../../src/plugin/contract/guides";
import { derivePreprocessParams, resolvePreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { postprocessTensor } from "../../src/plugin/contract/cpuReference";

const [Width, Height] = [128, 96];
const Near = { left: 32, right: 64, top: 36, bottom: 60 };
const Contract = resolvePreprocessConfig({ inputRange: "[0,1]", outputRange: "[0,1]" });
/** Output vs onnxruntime-node: as in pipeline.test.ts (wasm runs the same kernels; the WebGPU EP reorders sums). */
const OutputTolerance = { wasm: 1e-4, webgpu: 1e-3 } as const;

const session = sharedBrowser();

/** The test scene's view depth, rows top-down. */
function sceneDepth(): Float32Array {
    const depth = new Float32Array(Width * Height).fill(5);
    for (let y = Near.top; y < Near.bottom; y++) {
        depth.fill(4, y * Width + Near.left, y * Width + Near.right);
    }
    return depth;
}

async function runNode(input: Float32Array, model = "guide-depth.onnx", channels = 4): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(path.join(__dirname, "..", "models", model));
    const result = await session.run({ input: new ort.Tensor("float32", input, [1, channels, Height, Width]) });
    await session.release();
    return result.output.data as Float32Array;
}

describe.each(EveryCapturePath)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    beforeAll(async () => {
        const query = { engine, ep, scene: "test", size: `${Width}x${Height}`, height: `${Height}`, hud: "0", model: "test/models/guide-depth.onnx" };
        demo = await openDemo(session, query);
        await demo.page.evaluate(() => {
            const { scene } = (window as any).demo;
            const plane = scene.getMeshByName("quadrants");
            const near = plane.clone("near");
            near.scaling.set(0.25, 0.25, 1);
            near.position.set(-0.25, 0, -1);
        });
        await stylizeWith(demo.page, {});
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("the model declares its guide; the fourth tensor channel is the depth guide of the CPU reference", async () => {
        const model = await demo.page.evaluate(() => {
            const st = (window as any).demo.stylization;
            return { guides: st.model.guides, channels: st.model.inputChannels, provider: st.stats.executionProvider, error: st.lastError?.message };
        });
        expect(model).toEqual({ guides: { order: ["depth"], depth: { near: 3, far: 7 } }, channels: 4, provider: ep, error: undefined });
        const { input } = await readTensors(demo.page);
        const plane = Width * Height;
        expect(input.length).toBe(4 * plane);
        const expected = depthGuidePlane(sceneDepth(), Width, Height, Width, Height, { depth: { near: 3, far: 7 } }, derivePreprocessParams(Contract));
        expect(maxAbsDiff(input.subarray(3 * plane), expected)).toBeLessThan(1e-6); // exact: a distance, a subtraction, a division
    });

    test("the output equals onnxruntime-node's on the same input, and the screen shows it", async () => {
        const { input, output } = await readTensors(demo.page);
        const reference = await runNode(input);
        expect(maxAbsDiff(output, reference)).toBeLessThan(OutputTolerance[ep]);
        const screen = await screenPixels(demo.page, Width, Height);
        expect(maxAbsDiff(screen, postprocessTensor(reference, Width, Height, Contract), true)).toBeLessThanOrEqual(1);
    });

    test("the inspector shows the guide channel's statistics as a fourth row; diagnosis still runs", async () => {
        const shown = await demo.page.evaluate(async () => {
            const st = (window as any).demo.stylization;
            const inspector = await st.showInspector();
            await inspector.updateStats();
            const root = document.querySelector("[data-babylon-stylize-inspector]")!.shadowRoot!;
            const row = root.querySelector('[data-field="inputStats"] tr[data-channel="3"]')!;
            const cell = (stat: string) => row.querySelector(`td[data-stat="${stat}"]`)!.textContent!;
            const result = { label: row.querySelector("td")!.textContent, min: Number(cell("min")), max: Number(cell("max")), mean: Number(cell("mean")) };
            st.hideInspector();
            return result;
        });
        // The plane (guide 0.5) everywhere but the near plane's 32x24 pixels (0.25).
        const mean = 0.5 - (0.25 * (32 * 24)) / (Width * Height);
        expect(shown).toEqual({ label: "3 depth", min: 0.25, max: 0.5, mean: Number(mean.toFixed(3)) });
        // A still image has no depth: the diagnosis runs the guided model with a flat guide and ranks contracts.
        const ranking = await demo.page.evaluate(async () => {
            const st = (window as any).demo.stylization;
            const frame = { data: new Uint8Array(16 * 16 * 4).fill(60), width: 16, height: 16 };
            const out = await st.stylizeImage(frame);
            const candidates = await st.diagnose(frame, { data: out, width: 16, height: 16 });
            return { first: candidates[0].contract.inputRange as string, pixel: Array.from(out.slice(0, 3)) as number[] };
        });
        expect(ranking.first).toBe("[0,1]");
        // 60/255 + 0.5 x a guide at the far end (1): 187.5 levels, rounded either way.
        ranking.pixel.forEach((v) => expect(Math.abs(v - 187.5)).toBeLessThanOrEqual(0.5));
    });

    test("an RGB model swapped in stops the guide; the guided one again resumes it", async () => {
        const swap = (model: string) =>
            demo.page.evaluate(async (model) => {
                const { stylization: st, scene } = (window as any).demo;
                await st.setModel(model);
                return { channels: st.model.inputChannels, targets: scene.activeCamera.customRenderTargets.length };
            }, model);
        // The temporal filter keeps the one geometry pass either way; the model decides the tensor.
        expect(await swap("test/models/identity.onnx")).toEqual({ channels: 3, targets: 1 });
        await stylizeWith(demo.page, {});
        expect((await readTensors(demo.page)).input.length).toBe(3 * Width * Height);
        expect(await swap("test/models/guide-depth.onnx")).toEqual({ channels: 4, targets: 1 });
        await stylizeWith(demo.page, {});
        await waitForFrames(demo.page, 2);
        expect((await readTensors(demo.page)).input.length).toBe(4 * Width * Height);
    });

    test("off, the guides' geometry pass stops rendering; on again, the guide channel is the CPU reference's", async () => {
        const targets = (enabled: boolean) =>
            demo.page.evaluate((enabled) => {
                const { stylization: st, scene } = (window as any).demo;
                st.temporal = { reproject: false, history: 0 }; // the guides alone hold the pass
                st.enabled = enabled;
                return scene.activeCamera.customRenderTargets.length;
            }, enabled);
        expect(await targets(false)).toBe(0);
        await waitForFrames(demo.page, 3);
        expect(await targets(true)).toBe(1);
        await stylizeWith(demo.page, {});
        const { input } = await readTensors(demo.page);
        const plane = Width * Height;
        const expected = depthGuidePlane(sceneDepth(), Width, Height, Width, Height, { depth: { near: 3, far: 7 } }, derivePreprocessParams(Contract));
        expect(maxAbsDiff(input.subarray(3 * plane), expected)).toBeLessThan(1e-6);
        expect(demo.errors).toEqual([]);
    });
});

/** The near plane's turn about the vertical axis: its normal (0, 0, -1) becomes (-sin, 0, -cos) in view space. */
const Turn = 0.6;

describe.each(EveryCapturePath)("normal and depth guides: $engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    beforeAll(async () => {
        const query = { engine, ep, scene: "test", size: `${Width}x${Height}`, height: `${Height}`, hud: "0", model: "test/models/guide-normal-depth.onnx" };
        demo = await openDemo(session, query);
        await demo.page.evaluate((turn) => {
            const { scene } = (window as any).demo;
            const near = scene.getMeshByName("quadrants").clone("near");
            near.scaling.set(0.25, 0.25, 1);
            near.position.set(-0.25, 0.3, -1);
            near.rotation.y = turn;
        }, Turn);
        await stylizeWith(demo.page, {});
        await waitForFrames(demo.page, 2);
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("channels 3-5 are the view-space normals (n * 0.5 + 0.5), channel 6 the depth guide; the output equals onnxruntime-node's", async () => {
        const model = await demo.page.evaluate(() => {
            const st = (window as any).demo.stylization;
            return { guides: st.model.guides, channels: st.model.inputChannels, error: st.lastError?.message };
        });
        expect(model).toEqual({ guides: { order: ["normal", "depth"], depth: { near: 3, far: 7 }, normal: { space: "view" } }, channels: 7, error: undefined });
        const { input, output } = await readTensors(demo.page);
        const plane = Width * Height;
        expect(input.length).toBe(7 * plane);
        const [nx, ny, nz, depth] = [3, 4, 5, 6].map((c) => input.subarray(c * plane, (c + 1) * plane));
        // The far plane: guide 0.5 at 5 units, normal (0, 0, -1). The turned near plane: guides between 0.2 and 0.3
        // (4 units, +-0.14 across its width), normal (-sin, 0, -cos). Half-float normals: within 1e-3.
        const far = [0, 0, -1].map(normalGuideValue);
        const near = [-Math.sin(Turn), 0, -Math.cos(Turn)].map(normalGuideValue);
        let nearPixels = 0;
        let worst = 0;
        for (let i = 0; i < plane; i++) {
            const isNear = depth[i] < 0.4;
            if (!isNear) {
                expect(depth[i]).toBe(0.5);
            } else {
                expect(depth[i]).toBeGreaterThan(0.2);
                expect(depth[i]).toBeLessThan(0.3);
                nearPixels++;
            }
            const expected = isNear ? near : far;
            worst = Math.max(worst, Math.abs(nx[i] - expected[0]), Math.abs(ny[i] - expected[1]), Math.abs(nz[i] - expected[2]));
        }
        expect(worst).toBeLessThan(1e-3);
        // Turned by 0.6 rad, the 32x24-pixel plane covers about cos(0.6) of its width, above the centre row.
        expect(nearPixels).toBeGreaterThan(0.75 * 32 * 24);
        expect(nearPixels).toBeLessThan(0.9 * 32 * 24);
        const rows = Array.from({ length: Height }, (_, y) => depth.subarray(y * Width, (y + 1) * Width).some((d) => d < 0.4));
        expect(rows.indexOf(true)).toBeLessThan(Height / 2 - 12); // tensor row 0 is the top: the plane was moved up
        const reference = await runNode(input, "guide-normal-depth.onnx", 7);
        expect(maxAbsDiff(output, reference)).toBeLessThan(OutputTolerance[ep]);
    });

    test("the inspector labels the normal rows; a still image gets the zero normal; swapping to a depth-only model drops the normal buffer", async () => {
        const labels = await demo.page.evaluate(async () => {
            const st = (window as any).demo.stylization;
            const inspector = await st.showInspector();
            await inspector.updateStats();
            const root = document.querySelector("[data-babylon-stylize-inspector]")!.shadowRoot!;
            const cells = Array.from(root.querySelectorAll('[data-field="inputStats"] tr[data-channel] td:first-child')).map((td) => td.textContent);
            st.hideInspector();
            const frame = { data: new Uint8Array(16 * 16 * 4).fill(60), width: 16, height: 16 };
            return { cells, pixel: Array.from((await st.stylizeImage(frame)).slice(0, 3)) as number[] };
        });
        expect(labels.cells).toEqual(["0 R", "1 G", "2 B", "3 normal x", "4 normal y", "5 normal z", "6 depth"]);
        // 0.5 x 60/255 + 0.5 x 0.5 (the zero normal) + 0.25 x 1 (depth at the far end): 157.5 levels, rounded either way.
        labels.pixel.forEach((v) => expect(Math.abs(v - 157.5)).toBeLessThanOrEqual(0.5));
        const attachments = (model: string) =>
            demo.page.evaluate(async (model) => {
                const { stylization: st, scene } = (window as any).demo;
                await st.setModel(model);
                const targets = scene.activeCamera.customRenderTargets;
                const normals = targets[0].textures.some((t: { name: string }) => t.name.includes("Normal"));
                return { channels: st.model.inputChannels, targets: targets.length, normals };
            }, model);
        // One geometry pass (the temporal filter's), with a normal buffer only for a normal guide (its target replaced).
        expect(await attachments("test/models/guide-depth.onnx")).toEqual({ channels: 4, targets: 1, normals: false });
        expect(await attachments("test/models/guide-normal-depth.onnx")).toEqual({ channels: 7, targets: 1, normals: true });
        await stylizeWith(demo.page, {});
        await waitForFrames(demo.page, 2);
        const { input } = await readTensors(demo.page);
        expect(input.length).toBe(7 * Width * Height);
        expect(input[3 * Width * Height]).toBeCloseTo(0.5, 3); // a far-plane pixel's normal x, after the swap back
    });
});
