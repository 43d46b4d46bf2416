/**
 * The frame pipeline in a real Chromium, on both engines and with every execution provider each engine offers.
 * The test scene is static with exactly known colours; canvas and inference size are both 64x64, so the captured
 * tensor holds the rendered texels without resampling and the composite shows the stylized texels 1:1.
 */
import * as ort from "onnxruntime-node";
import path from "node:path";
import { openDemo, type DemoPage, sharedBrowser } from "./chromium";
import { frameFromPlanar, maxAbsDiff, readTensors, screenPixels, stylizeWith, waitForFrames, waitForStylizedFrames } from "./pageTools";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig, type PreprocessConfig } from "../../src/plugin/contract/preprocessConfig";

const Size = 64;
const models = path.join(__dirname, "..", "models");

/** The engines and, for each, the execution providers it offers. */
const Combos: Array<{ engine: "webgpu" | "webgl"; ep: "webgpu" | "webgl" | "wasm" }> = [
    { engine: "webgpu", ep: "webgpu" },
    { engine: "webgpu", ep: "wasm" },
    { engine: "webgpu", ep: "webgl" },
    { engine: "webgl", ep: "wasm" },
    { engine: "webgl", ep: "webgpu" },
    { engine: "webgl", ep: "webgl" },
];

/**
 * Tolerances, justified:
 * - captured tensor vs CPU reference: both compute in float32 from the same texels; 2e-6 covers float rounding of
 *   scale/bias, colour conversion uses pow() whose GPU precision is ~1e-6 relative on values up to 1 (times the
 *   largest scale, 255 or 1/0.225), so 1e-4 absolute there.
 * - output vs onnxruntime-node: wasm runs the same CPU kernels in float32 (1e-5); the WebGPU EP reorders sums and
 *   SwiftShader's float32 fma differ (1e-3 on a Tanh output); the WebGL EP packs float textures (1e-2 measured ~3e-3).
 * - screen vs CPU postprocess: 8-bit quantization, ±1 level (rounding vs truncation, unorm conversion on the GPU).
 */
const OutputTolerance = { wasm: 1e-4, webgpu: 1e-3, webgl: 1e-2 } as const;

async function runNode(modelFile: string, input: Float32Array): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(path.join(models, modelFile));
    const result = await session.run({ input: new ort.Tensor("float32", input, [1, 3, Size, Size]) });
    const data = result.output.data as Float32Array;
    await session.release();
    return data;
}

const ModeCases: Array<Partial<PreprocessConfig>> = [
    { inputRange: "[-1,1]", outputRange: "[-1,1]" },
    { inputRange: "[0,1]", outputRange: "[-1,1]" },
    { inputRange: "[0,255]", outputRange: "[0,1]" },
    { inputRange: "imagenet", outputRange: "[0,1]" },
    { inputRange: "custom", mean: [0.2, 0.4, 0.6], std: [0.5, 0.25, 0.125], outputRange: "[0,1]" },
    { inputRange: "[0,1]", outputRange: "[0,1]", channelOrder: "BGR" },
    { inputRange: "[0,1]", outputRange: "[0,1]", colorSpace: "linear" },
    { inputRange: "[0,1]", outputRange: "[0,1]", flipY: true },
    { inputRange: "[-1,1]", outputRange: "[0,255]", channelOrder: "BGR", flipY: true, colorSpace: "linear" },
];

const session = sharedBrowser();

describe.each(Combos)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    let frame: RgbaFrame;
    let identityCapture: Float32Array;
    const generator = ep === "webgl" ? "generator-linear-upsample.onnx" : "generator-dynamic.onnx";

    beforeAll(async () => {
        demo = await openDemo(session, { engine, ep, scene: "test", size: `${Size}x${Size}`, height: `${Size}`, hud: "0", model: "test/models/identity.onnx" });
        const state = await demo.page.evaluate(() => ({
            error: (window as any).demo.error,
            isWebGPU: (window as any).demo.engine.isWebGPU,
            stats: (window as any).demo.stylization?.stats,
        }));
        expect(state.error).toBeUndefined();
        expect(state.isWebGPU).toBe(engine === "webgpu");
        expect(state.stats.executionProvider).toBe(ep);
        expect(state.stats.zeroCopy).toBe(engine === "webgpu" && ep === "webgpu");
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        identityCapture = (await readTensors(demo.page)).input;
        frame = frameFromPlanar(identityCapture, Size, Size);
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("captures the rendered frame exactly, rows top-down", () => {
        const px = (x: number, y: number) => [0, 1, 2].map((c) => Math.round(frame.data[(y * Size + x) * 4 + c] * 255));
        expect(px(0, 0)).toEqual([230, 30, 20]); // top-left red
        expect(px(Size - 1, 0)).toEqual([30, 200, 40]); // top-right green
        expect(px(0, Size - 1)).toEqual([25, 40, 220]); // bottom-left blue
        expect(px(Size - 1, Size - 1)).toEqual([250, 250, 250]); // bottom-right white
        // Texels are exact bytes: every captured value is k/255.
        expect(
            maxAbsDiff(
                identityCapture,
                identityCapture.map((v) => Math.round(v * 255) / 255)
            )
        ).toBeLessThan(1e-6);
    });

    test.each(ModeCases)("preprocessing %j: GPU tensor = CPU reference, screen = predicted", async (mode) => {
        await stylizeWith(demo.page, mode);
        const config = resolvePreprocessConfig(mode);
        const { input, output } = await readTensors(demo.page);
        const expected = preprocessFrame(frame, Size, Size, config);
        expect(maxAbsDiff(input, expected)).toBeLessThan(config.colorSpace === "linear" ? 1e-4 : 2e-5);
        expect(maxAbsDiff(output, input)).toBeLessThan(OutputTolerance[ep]); // identity network
        const predicted = postprocessTensor(expected, Size, Size, config);
        expect(maxAbsDiff(await screenPixels(demo.page, Size, Size), predicted, true)).toBeLessThanOrEqual(1);
    });

    test.each(["bilinear", "nearest"] as const)("%s resampling to a smaller inference size matches the CPU reference", async (resize) => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.targetHeight = 32));
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]", resize });
        const { input } = await readTensors(demo.page);
        const expected = preprocessFrame(frame, 32, 32, resolvePreprocessConfig({ inputRange: "[0,1]", resize }));
        // Halving samples exactly between 2x2 texels (weights 0.5, exact in any filtering precision) or picks one.
        expect(maxAbsDiff(input, expected)).toBeLessThan(2e-5);
        await demo.page.evaluate(() => ((window as any).demo.stylization.targetHeight = 64));
    });

    test("a fixed-size model runs at its own size whatever targetHeight says", async () => {
        await demo.page.evaluate(async () => {
            const st = (window as any).demo.stylization;
            st.targetHeight = 32;
            await st.setModel("test/models/identity-64.onnx");
        });
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        const stats = await demo.page.evaluate(() => (window as any).demo.stylization.stats);
        expect([stats.inferenceWidth, stats.inferenceHeight]).toEqual([64, 64]);
        const { input, output } = await readTensors(demo.page);
        expect(maxAbsDiff(input, identityCapture)).toBeLessThan(1e-6);
        expect(maxAbsDiff(output, input)).toBeLessThan(OutputTolerance[ep]);
        await demo.page.evaluate(() => ((window as any).demo.stylization.targetHeight = 64));
    });

    test("the result shown is the frame captured for it: frames tagged with their index, tensors and screen decoded", async () => {
        // Each rendered frame is tagged by the brightness of the whole picture: emissive k = (frameId mod 16) / 15.
        // The identity model passes the tag through; the white quadrant (250/255 x k) decodes it back.
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        const samples = await demo.page.evaluate(async (size) => {
            const { scene, engine, stylization: st } = (window as any).demo;
            const material = scene.getMaterialByName("quadrants");
            const tagger = scene.onBeforeRenderObservable.add(() => {
                const k = (engine.frameId % 16) / 15;
                material.emissiveColor.set(k, k, k);
            });
            const white = (size - 4) * size + (size - 4); // bottom-right quadrant, rows top-down
            const decode = (v: number) => Math.round((v / (250 / 255)) * 15);
            const results: Array<{ frameId: number; input: number; output: number; events: number[] }> = [];
            for (let i = 0; i < 4; i++) {
                const events: number[] = [];
                const observer = st.onFrameStylizedObservable.add((e: { frameId: number }) => events.push(e.frameId));
                st.frozen = false;
                const target = st.stats.framesStylized + 3;
                while (st.stats.framesStylized < target) {
                    await new Promise((r) => setTimeout(r, 10));
                }
                st.frozen = true;
                const [input, output] = await Promise.all([st.readInputTensor(), st.readOutputTensor()]);
                st.onFrameStylizedObservable.remove(observer);
                results.push({ frameId: st.stats.resultFrameId, input: decode(input[white]), output: decode(output[white]), events });
            }
            scene.onBeforeRenderObservable.remove(tagger);
            material.emissiveColor.set(1, 1, 1);
            return results;
        }, Size);
        for (const { frameId, input, output, events } of samples) {
            expect(input).toBe(frameId % 16);
            expect(output).toBe(frameId % 16);
            // Results arrive in capture order, each from a later frame, and the last announced is the one read.
            expect(events.every((id, i) => i === 0 || id > events[i - 1])).toBe(true);
            expect(events[events.length - 1]).toBe(frameId);
        }
        // On screen: the presented result is that frame (the live frames around it carry other tags).
        await waitForFrames(demo.page, 3);
        const screen = await screenPixels(demo.page, Size, Size);
        const last = samples[samples.length - 1].frameId % 16;
        expect(Math.round((screen[((Size - 4) * Size + (Size - 4)) * 4] / 250) * 15)).toBe(last);
        await demo.page.evaluate(() => ((window as any).demo.stylization.frozen = false));
        await waitForStylizedFrames(demo.page, 1);
    });

    test("a generator's output and on-screen pixels equal onnxruntime-node's for the same input", async () => {
        await demo.page.evaluate((m) => (window as any).demo.stylization.setModel(`test/models/${m}`), generator);
        await stylizeWith(demo.page, {});
        const { input, output } = await readTensors(demo.page);
        const config = resolvePreprocessConfig({ inputRange: "[-1,1]", outputRange: "[-1,1]" });
        expect(maxAbsDiff(input, preprocessFrame(frame, Size, Size, config))).toBeLessThan(2e-5);
        const reference = await runNode(generator, input);
        expect(maxAbsDiff(output, reference)).toBeLessThan(OutputTolerance[ep]);
        // Zero-copy replays a captured graph (the same buffers and a static size on every run) and still matches.
        const stats = await demo.page.evaluate(() => (window as any).demo.stylization.stats);
        expect(stats.graphCapture).toBe(engine === "webgpu" && ep === "webgpu");
        const screen = await screenPixels(demo.page, Size, Size);
        expect(maxAbsDiff(screen, postprocessTensor(reference, Size, Size, config), true)).toBeLessThanOrEqual(ep === "wasm" ? 1 : 2);
        // The stylized frame really differs from the original.
        expect(
            maxAbsDiff(screen, postprocessTensor(identityCapture, Size, Size, resolvePreprocessConfig({ inputRange: "[0,1]", outputRange: "[0,1]" })), true)
        ).toBeGreaterThan(40);
    });

    test("never stalls: frames keep rendering while an inference is in flight, and skipped frames are counted", async () => {
        // Sizes at which the generator takes several frames on each provider here (wasm ~90 ms at 480x480). The temporal
        // pass is off: on SwiftShader its passes slow every frame enough that each one rendered can be captured by a free
        // readback slot, and none is left to skip (this test is about the pipeline, not the pass).
        await demo.page.evaluate(
            (height) => {
                const st = (window as any).demo.stylization;
                st.targetHeight = height;
                st.frozen = false;
                st.temporal = { reproject: false };
            },
            ep === "webgpu" ? 128 : 480
        );
        await waitForStylizedFrames(demo.page, 1);
        const before = await demo.page.evaluate(() => {
            const st = (window as any).demo.stylization;
            // Overlap: when a result arrives, the next frame is already on its way (reading back, or in inference).
            (window as any).__overlapped = false;
            (window as any).__arrivals = st.onFrameStylizedObservable.add(() => {
                const { inFlight } = st.pipelineState;
                (window as any).__overlapped ||= inFlight.reading || inFlight.inferring;
            });
            // Never stalls: the loop renders frames while an inference is running.
            (window as any).__renderedWhileInferring = 0;
            (window as any).__renders = (window as any).demo.scene.onBeforeRenderObservable.add(() => {
                (window as any).__renderedWhileInferring += st.pipelineState.inFlight.inferring ? 1 : 0;
            });
            return { ...st.stats };
        });
        await waitForStylizedFrames(demo.page, 3);
        const { after, overlapped, renderedWhileInferring } = await demo.page.evaluate(() => {
            const demo = (window as any).demo;
            demo.stylization.onFrameStylizedObservable.remove((window as any).__arrivals);
            demo.scene.onBeforeRenderObservable.remove((window as any).__renders);
            return {
                after: { ...demo.stylization.stats },
                overlapped: (window as any).__overlapped,
                renderedWhileInferring: (window as any).__renderedWhileInferring,
            };
        });
        // The readback path overlaps the next frame's capture and readback with an inference that spans frames; zero-copy
        // runs one frame at a time (one input buffer). Checked on wasm; the WebGL EP blocks the loop while it runs, and
        // the WebGPU EP on SwiftShader starves it (a frame every few hundred ms), so the just-in-time capture can fall
        // after the inference's end there (seen once in three CI runs).
        if (ep === "wasm") {
            expect(overlapped).toBe(true);
        } else if (engine === "webgpu" && ep === "webgpu") {
            expect(overlapped).toBe(false);
        }
        expect(after.framesStylized).toBeGreaterThanOrEqual(before.framesStylized + 3);
        expect(after.lastInferenceMs).toBeGreaterThan(0);
        expect(after.averageInferenceMs).toBeGreaterThan(0);
        // Stage times: a readback path spends time before and after the network; zero-copy does neither on the CPU.
        expect(after.lastStages.inference).toBeGreaterThan(0);
        expect(after.lastStages.capture).toBeGreaterThan(0); // recording the capture pass costs the render thread something
        expect(after.lastStages.present).toBeGreaterThanOrEqual(0);
        if (engine === "webgpu" && ep === "webgpu") {
            expect(after.lastStages).toMatchObject({ readback: 0, postprocess: 0 });
        } else {
            expect(after.lastStages.readback).toBeGreaterThan(0);
            expect(after.lastStages.postprocess).toBeGreaterThan(0);
        }
        // The loop rendered frames while inferences were in flight, and frames it could not take are counted as skipped.
        // Not on the WebGL EP: its run is synchronous, so the loop renders only between runs, and with readbacks
        // overlapping every frame it renders can be stylized. A loaded machine can render so slowly that every frame is
        // due for capture for a while (seen once in CI over three results), so the skip is awaited, not sampled.
        if (ep !== "webgl") {
            expect(renderedWhileInferring).toBeGreaterThan(0);
            await demo.page.waitForFunction((skipped) => (window as any).demo.stylization.stats.framesSkipped > skipped, before.framesSkipped, {
                timeout: 60_000,
            });
        }
        await demo.page.evaluate(() => Object.assign((window as any).demo.stylization, { targetHeight: 64, temporal: { reproject: true } }));
    });

    test("changing targetHeight and resizing the canvas re-allocate cleanly", async () => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.targetHeight = 32));
        await waitForStylizedFrames(demo.page, 2);
        let stats = await demo.page.evaluate(() => (window as any).demo.stylization.stats);
        expect([stats.inferenceWidth, stats.inferenceHeight]).toEqual([32, 32]);
        expect((await readTensors(demo.page)).input.length).toBe(3 * 32 * 32);
        await demo.page.evaluate(() => {
            const canvas = (window as any).demo.engine.getRenderingCanvas();
            canvas.style.width = "128px";
            (window as any).demo.engine.resize();
        });
        await waitForStylizedFrames(demo.page, 2);
        stats = await demo.page.evaluate(() => (window as any).demo.stylization.stats);
        expect([stats.inferenceWidth, stats.inferenceHeight]).toEqual([64, 32]);
        expect((await readTensors(demo.page)).output.length).toBe(3 * 64 * 32);
        await demo.page.evaluate(() => {
            const st = (window as any).demo.stylization;
            st.targetHeight = 64;
            (window as any).demo.engine.getRenderingCanvas().style.width = "64px";
            (window as any).demo.engine.resize();
        });
        await waitForStylizedFrames(demo.page, 1);
        expect(demo.errors).toEqual([]);
    });

    test("setModel hot-swaps without a frame of no stylization", async () => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.frozen = false));
        await waitForStylizedFrames(demo.page, 1);
        const gaps = await demo.page.evaluate(async () => {
            const { scene, stylization } = (window as any).demo;
            let unstylized = 0;
            const obs = scene.onAfterRenderObservable.add(() => {
                if (!stylization.showingStylized) unstylized++;
            });
            await stylization.setModel("test/models/swap-rb.onnx");
            await new Promise((r) => setTimeout(r, 300));
            scene.onAfterRenderObservable.remove(obs);
            return { unstylized, model: stylization.model.name };
        });
        expect(gaps).toEqual({ unstylized: 0, model: "swap-rb.onnx" });
    });

    test("disabling restores the original frame and releases what it created", async () => {
        const counts = await demo.page.evaluate(async () => {
            const { scene, stylization } = (window as any).demo;
            scene.disableStylization();
            await stylization.whenReleased();
            scene.disableStylization(); // a no-op when nothing is enabled
            return { stylization: scene.stylization, postProcesses: scene.activeCamera._postProcesses.filter(Boolean).length };
        });
        expect(counts.stylization).toBeNull();
        expect(counts.postProcesses).toBe(0);
        await waitForFrames(demo.page, 3);
        const original = postprocessTensor(identityCapture, Size, Size, resolvePreprocessConfig({ inputRange: "[0,1]", outputRange: "[0,1]" }));
        expect(maxAbsDiff(await screenPixels(demo.page, Size, Size), original, true)).toBeLessThanOrEqual(1);
        expect(demo.errors).toEqual([]);
    });
});
