/**
 * Errors and lifecycle in a real Chromium on both engines: bad input gets a typed error while the scene keeps
 * rendering the original frame, enable/disable cycles leave no GPU resource behind, and the WebGPU zero-copy path
 * maps no buffer in steady state.
 */
import { openDemo, type DemoPage, sharedBrowser } from "./chromium";
import { waitForFrames, waitForStylizedFrames } from "./pageTools";

const session = sharedBrowser();

/** Enables stylization in the page and returns the rejection (name, message, fields) or "ok". */
async function enable(page: DemoPage["page"], model: string, options: Record<string, unknown> = {}): Promise<any> {
    return page.evaluate(
        async ({ model, options }) => {
            const { scene } = (window as any).demo;
            try {
                await scene.enableStylization(model, options);
                return "ok";
            } catch (e: any) {
                return {
                    name: e.name,
                    message: e.message,
                    isStylizationError: e instanceof (window as any).demo.api.StylizationError,
                    operator: e.operator,
                    supportedBy: e.supportedBy,
                    status: e.status,
                };
            }
        },
        { model, options }
    );
}

describe.each(["webgpu", "webgl"] as const)("%s engine", (engine) => {
    let demo: DemoPage;
    beforeAll(async () => {
        demo = await openDemo(session, { engine, scene: "test", size: "64x64", hud: "0", stylize: "0" });
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    /** The loop goes on, and the failed enable left nothing behind: no handle, no pass on the camera. */
    async function expectStillRendering(): Promise<void> {
        const before = await demo.page.evaluate(() => (window as any).demo.engine.frameId);
        await waitForFrames(demo.page, 3);
        const after = await demo.page.evaluate(() => {
            const { engine, scene } = (window as any).demo;
            return { frameId: engine.frameId, handle: scene.stylization, passes: scene.activeCamera._postProcesses.filter(Boolean).length };
        });
        expect(after.frameId).toBeGreaterThan(before);
        expect(after).toMatchObject({ handle: null, passes: 0 });
    }

    test.each([
        ["test/models/not-a-model.onnx", "InvalidModelError", /is text, not an ONNX file.*404/],
        ["test/models/missing.onnx", "ModelDownloadError", /HTTP 404/],
        ["test/models/truncated.onnx", "InvalidModelError", /could not be read as ONNX.*truncated/],
        ["test/models/guide-6ch.onnx", "UnsupportedModelError", /6 channels.*guide/],
        ["test/models/rank3.onnx", "UnsupportedModelError", /rank 4/],
    ])("%s gives %s and the scene keeps rendering", async (model, name, pattern) => {
        const error = await enable(demo.page, model, { executionProvider: "wasm" });
        expect(error).toMatchObject({ name, isStylizationError: true });
        expect(error.message).toMatch(pattern);
        await expectStillRendering();
    });

    test("the WebGL provider names the operator it lacks and the providers that run it", async () => {
        const error = await enable(demo.page, "test/models/generator-dynamic.onnx", { executionProvider: "webgl" });
        expect(error).toMatchObject({ name: "UnsupportedOperatorError", operator: "Resize" });
        expect(error.supportedBy).toEqual(expect.arrayContaining(["wasm", "webgpu"]));
        expect(error.message).toMatch(/webgl execution provider cannot run operator Resize/);
        await expectStillRendering();
    });

    test("errors are emitted on onErrorObservable too, and a later setModel recovers", async () => {
        const result = await demo.page.evaluate(async () => {
            const demo = (window as any).demo;
            const seen: string[] = [];
            const st = await demo.scene.enableStylization("test/models/identity.onnx", { executionProvider: "wasm" });
            demo.stylization = st;
            st.onErrorObservable.add((e: Error) => seen.push(e.name));
            await st.setModel("test/models/not-a-model.onnx").catch(() => undefined);
            await st.setModel("test/models/identity.onnx", { executionProvider: "wasm" });
            return { seen, model: st.model.name, lastError: st.lastError ?? null };
        });
        expect(result).toEqual({ seen: ["InvalidModelError"], model: "identity.onnx", lastError: null });
        await waitForStylizedFrames(demo.page, 1);
    });

    test("overlapping setModel calls: the last one wins and nothing fails", async () => {
        const result = await demo.page.evaluate(async () => {
            const demo = (window as any).demo;
            const st = await demo.scene.enableStylization("test/models/identity.onnx", {
                executionProvider: demo.engine.isWebGPU ? "webgpu" : "wasm",
                targetHeight: 64,
            });
            demo.stylization = st;
            const errors: string[] = [];
            st.onErrorObservable.add((e: Error) => errors.push(e.message));
            await Promise.all([
                st.setModel("test/models/generator-dynamic.onnx"),
                st.setModel("test/models/swap-rb.onnx"),
                st.setModel("test/models/generator-64.onnx"),
            ]);
            return { errors, model: st.model.name };
        });
        expect(result).toEqual({ errors: [], model: "generator-64.onnx" });
        await waitForStylizedFrames(demo.page, 1);
    });

    test("the pipeline's state can be read: its phases while stylizing, frozen, and held by work on the session", async () => {
        const states = await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = scene.stylization;
            const phases = new Set<string>();
            const observer = scene.onAfterRenderObservable.add(() => phases.add(st.pipelineState.phase));
            for (let i = 0; i < 2; i++) {
                await new Promise((resolve) => st.onFrameStylizedObservable.addOnce(resolve));
            }
            scene.onAfterRenderObservable.remove(observer);
            st.frozen = true;
            await st.readOutputTensor(); // waits until no inference is in flight
            await new Promise((resolve) => scene.onAfterRenderObservable.addOnce(resolve)); // the last result is presented
            const frozen = st.pipelineState;
            st.frozen = false;
            const { inferenceWidth: width, inferenceHeight: height } = st.stats; // a fixed-size model: the image has its size
            const working = st.stylizeImage({ data: new Uint8Array(4 * width * height).fill(128), width, height });
            const held = st.pipelineState;
            await working;
            return { phases: [...phases], frozen, held, after: st.pipelineState };
        });
        expect(states.phases.some((phase: string) => ["captured", "reading", "inferring"].includes(phase))).toBe(true);
        const nothingInFlight = { reading: false, ready: false, inferring: false };
        expect(states.frozen).toEqual({ phase: "idle", capturing: false, holds: 0, inFlight: nothingInFlight, resultPending: false, resultShown: true });
        expect(states.held).toMatchObject({ capturing: false, holds: 1 });
        expect(states.after).toMatchObject({ capturing: true, holds: 0 });
    });

    test("enable twice on a camera replaces; enable/disable cycles leave no GPU resource behind", async () => {
        const result = await demo.page.evaluate(async () => {
            const { scene, engine } = (window as any).demo;
            const previous = scene.stylization;
            scene.disableStylization();
            await previous?.whenReleased();
            const waitStylized = (st: any) => new Promise((r) => st.onFrameStylizedObservable.addOnce(r));
            const count = () => ({
                textures: engine.getLoadedTexturesCache().length,
                storageBuffers: engine._storageBuffers?.length ?? 0,
                postProcesses: scene.activeCamera._postProcesses.filter(Boolean).length,
            });
            await new Promise((r) => setTimeout(r, 100));
            const baseline = count();
            const handles = [];
            for (let i = 0; i < 3; i++) {
                const st = await scene.enableStylization("test/models/identity.onnx", { targetHeight: 32 + 8 * i });
                await waitStylized(st);
                handles.push(st);
            }
            const whileEnabled = { ...count(), current: scene.stylization === handles[2], firstDisposed: handles[0].postProcess.isDisposed?.() ?? null };
            scene.disableStylization();
            await Promise.all(handles.map((h: any) => h.whenReleased()));
            await new Promise((r) => setTimeout(r, 100));
            return { baseline, whileEnabled, after: count() };
        });
        expect(result.whileEnabled.postProcesses).toBe(1);
        expect(result.whileEnabled.current).toBe(true);
        expect(result.after).toEqual(result.baseline);
        expect(demo.errors.filter((e) => !/Failed to load resource/.test(e) && !/\[stylization\]/.test(e))).toEqual([]);
    });
});

describe.each([
    ["webgpu", "wasm"],
    ["webgl", "wasm"],
    ["webgpu", "webgpu"], // zero-copy: onnxruntime gets the restored device
] as const)("%s engine, %s provider: losing the device", (engine, ep) => {
    test("reports DeviceLostError, keeps the loop alive, and resumes stylizing after the engine restores the device", async () => {
        const demo = await openDemo(session, { engine, scene: "test", size: "64x64", hud: "0", height: "64", ep, model: "test/models/identity.onnx" });
        await waitForStylizedFrames(demo.page, 1);
        const lost = await demo.page.evaluate(async () => {
            const { engine, stylization } = (window as any).demo;
            const errors: string[] = [];
            stylization.onErrorObservable.add((e: Error) => errors.push(`${e.name}: ${e.message}`));
            const restored = new Promise((r) => engine.onContextRestoredObservable.addOnce(r));
            if (engine.isWebGPU) {
                engine._device.destroy();
            } else {
                const ext = engine._gl.getExtension("WEBGL_lose_context");
                ext.loseContext();
                setTimeout(() => ext.restoreContext(), 200);
            }
            await restored;
            return errors;
        });
        expect(lost).toHaveLength(1);
        expect(lost[0]).toMatch(/^DeviceLostError: the (GPU device|WebGL context) was lost; stylization is paused.*resumes by itself/);
        await waitForStylizedFrames(demo.page, 2);
        const after = await demo.page.evaluate(() => ({
            model: (window as any).demo.stylization.model.name,
            error: (window as any).demo.stylization.lastError ?? null,
            zeroCopy: (window as any).demo.stylization.stats.zeroCopy,
        }));
        expect(after).toEqual({ model: "identity.onnx", error: null, zeroCopy: ep === "webgpu" });
        await demo.page.close();
    });
});

describe("execution provider availability", () => {
    test("without WebGPU in the browser, 'webgpu' gives ExecutionProviderError and 'auto' picks wasm on WebGL2", async () => {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined, configurable: true }));
        await page.goto(`${session.baseUrl}/?engine=webgl&scene=test&size=64x64&hud=0&height=64&model=test/models/identity.onnx&ep=webgpu`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
        const result = await page.evaluate(async () => {
            const { scene, error } = (window as any).demo;
            const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "auto" });
            return { error, auto: st.stats.executionProvider };
        });
        expect(result.error).toMatch(/^ExecutionProviderError: .*needs a browser with WebGPU/);
        expect(result.auto).toBe("wasm");
        await page.close();
    });
});

describe("auto: an ordered list of providers with fallback", () => {
    test("on a software WebGPU adapter, auto on a WebGPU engine runs wasm, never the WebGPU EP, and says why", async () => {
        const demo = await openDemo(session, { engine: "webgpu", scene: "test", size: "64x64", hud: "0", stylize: "0" });
        const result = await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "auto", targetHeight: 32 });
            return { provider: st.stats.executionProvider, zeroCopy: st.stats.zeroCopy, skipped: st.stats.skippedProviders };
        });
        expect(result).toMatchObject({ provider: "wasm", zeroCopy: false });
        expect(result.skipped).toEqual([
            { provider: "webgpu", reason: expect.stringMatching(/software one/) },
            { provider: "webgl", reason: expect.stringMatching(/synchronously/) },
        ]);
        await demo.page.close();
    });

    test("when the first candidate fails to start, the next runs and stats keep the reason; one error names every reason when all fail", async () => {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        // An adapter that looks like hardware (so auto puts the WebGPU EP first) but cannot give onnxruntime a device.
        await page.addInitScript(() => {
            const fake = { info: { vendor: "acme", architecture: "gpu", device: "x1", description: "Acme X1" }, features: new Set(), limits: {} };
            Object.defineProperty(Navigator.prototype, "gpu", {
                get: () => ({ requestAdapter: async () => fake, getPreferredCanvasFormat: () => "bgra8unorm" }),
                configurable: true,
            });
        });
        await page.goto(`${session.baseUrl}/?engine=webgl&scene=test&size=64x64&hud=0&stylize=0`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
        const result = await page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "auto", targetHeight: 32 });
            const running = { provider: st.stats.executionProvider, skipped: st.stats.skippedProviders };
            scene.disableStylization();
            // Every candidate failing: an operator that no provider has.
            const failed = await scene.enableStylization("test/models/unknown-op.onnx", { executionProvider: "auto" }).then(
                () => "ok",
                (e: Error) => `${e.name}: ${e.message}`
            );
            return { running, failed };
        });
        expect(result.running.provider).toBe("wasm");
        expect(result.running.skipped).toEqual([
            { provider: "webgl", reason: expect.stringMatching(/synchronously/) },
            { provider: "webgpu", reason: expect.stringMatching(/^failed to start: /) },
        ]);
        expect(result.failed).toMatch(
            /^ExecutionProviderError: model unknown-op\.onnx: no execution provider could run it: .*\[webgpu\] failed to start: .*; \[wasm\] failed to start: /
        );
        await page.close();
    });

    test("an adapter with shader-f16: the WebGPU EP is offered the model's fp16 twin; when it cannot start, float32 runs and stats say why", async () => {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        // Hardware-looking, with shader-f16, but no device for onnxruntime: the twin is fetched, then nothing starts on it.
        await page.addInitScript(() => {
            const fake = { info: { vendor: "acme", architecture: "gpu", device: "x1", description: "Acme X1" }, features: new Set(["shader-f16"]), limits: {} };
            Object.defineProperty(Navigator.prototype, "gpu", {
                get: () => ({ requestAdapter: async () => fake, getPreferredCanvasFormat: () => "bgra8unorm" }),
                configurable: true,
            });
        });
        const fetched: string[] = [];
        page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
        const warnings: string[] = [];
        page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
        await page.goto(`${session.baseUrl}/?engine=webgl&scene=test&size=64x64&hud=0&stylize=0`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
        const stats = await page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = await scene.enableStylization("models/oil-tiny.onnx", { executionProvider: "auto", targetHeight: 32 });
            const result = { provider: st.stats.executionProvider, precision: st.stats.precision, skipped: st.stats.skippedProviders, model: st.model.name };
            scene.disableStylization();
            return result;
        });
        expect(fetched).toEqual(expect.arrayContaining(["/models/oil-tiny.onnx", "/models/oil-tiny.fp16.onnx"]));
        expect(warnings.some((w) => /model oil-tiny\.onnx: its fp16 twin .*oil-tiny\.fp16\.onnx failed to start .*; running float32/.test(w))).toBe(true);
        expect(stats).toMatchObject({
            provider: "wasm",
            model: "oil-tiny.onnx",
            precision: { precision: "fp32", reason: expect.stringMatching(/the wasm provider runs float32/) },
        });
        expect(stats.skipped).toEqual(expect.arrayContaining([{ provider: "webgpu", reason: expect.stringMatching(/^failed to start: /) }]));
        await page.close();
    });

    /**
     * A page whose real (software) adapter reports itself as hardware, so auto puts the WebGPU EP first on a WebGL2
     * engine, and whose compute passes throw once `__refuseDispatch` is set (after the session started): the WebGPU EP
     * starts, then fails to run.
     */
    async function pageWhereWebGpuFailsToRun(blockWorkers: boolean): Promise<DemoPage["page"]> {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        await page.addInitScript((blockWorkers) => {
            const w = window as any;
            Object.defineProperty(GPUAdapter.prototype, "info", {
                get: () => ({ vendor: "acme", architecture: "gpu", device: "x1", description: "Acme X1", isFallbackAdapter: false }),
                configurable: true,
            });
            const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
            GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: [number, number?, number?]) {
                if (w.__refuseDispatch) {
                    throw new Error("dispatch refused on purpose");
                }
                return dispatch.apply(this, args);
            };
            if (blockWorkers) {
                w.Worker = function () {
                    throw new Error("workers refused on purpose");
                };
            }
        }, blockWorkers);
        await page.goto(`${session.baseUrl}/?engine=webgl&scene=test&size=64x64&hud=0&stylize=0`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
        return page;
    }

    /** Enables auto and waits for stylized frames or a reported error. */
    async function enableAutoAndWait(page: DemoPage["page"]): Promise<any> {
        return page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const errors: string[] = [];
            const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "auto", targetHeight: 32 });
            const first = st.stats.executionProvider;
            (window as any).__refuseDispatch = true; // before the first frame is captured
            st.onErrorObservable.add((e: Error) => errors.push(`${e.name}: ${e.message}`));
            const deadline = performance.now() + 60_000;
            while (performance.now() < deadline && errors.length === 0 && !(st.stats.framesStylized >= 3 && st.stats.executionProvider === "wasm")) {
                await new Promise((r) => setTimeout(r, 50));
            }
            return { first, errors, provider: st.stats.executionProvider, stylized: st.stats.framesStylized, skipped: st.stats.skippedProviders };
        });
    }

    test("when the running provider fails to run, auto falls back to the next, and stats say why", async () => {
        const page = await pageWhereWebGpuFailsToRun(false);
        const result = await enableAutoAndWait(page);
        expect(result.first).toBe("webgpu");
        expect(result.errors).toEqual([]);
        expect(result).toMatchObject({ provider: "wasm", stylized: expect.any(Number) });
        expect(result.stylized).toBeGreaterThanOrEqual(3);
        expect(result.skipped).toEqual([
            { provider: "webgl", reason: expect.stringMatching(/synchronously/) },
            { provider: "webgpu", reason: expect.stringMatching(/^failed to run: .*dispatch refused on purpose/) },
        ]);
        await page.close();
    });

    test("when the next provider fails to start too, one ExecutionProviderError names every reason", async () => {
        const page = await pageWhereWebGpuFailsToRun(true);
        const result = await enableAutoAndWait(page);
        expect(result.first).toBe("webgpu");
        expect(result.errors).toHaveLength(1);
        expect(result.errors[0]).toMatch(
            /^ExecutionProviderError: model identity\.onnx: no execution provider could run it: .*\[webgpu\] failed to run: .*; \[wasm\] failed to start: /
        );
        await page.close();
    });
});

describe("WebGPU zero-copy", () => {
    /** Counts GPUBuffer.mapAsync calls (every CPU readback of GPU data goes through it). */
    async function countMapsPerFrame(ep: string): Promise<{ maps: number; frames: number; stylized: number }> {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        await page.addInitScript(() => {
            const w = window as any;
            w.__maps = 0;
            if (typeof GPUBuffer !== "undefined") {
                const original = GPUBuffer.prototype.mapAsync;
                GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: any[]) {
                    w.__maps++;
                    return (original as any).apply(this, args);
                };
            }
        });
        await page.goto(`${session.baseUrl}/?engine=webgpu&scene=test&size=64x64&hud=0&height=64&ep=${ep}&model=test/models/identity.onnx`);
        await page.waitForFunction(() => (window as any).demo?.stylization?.stats.framesStylized > 2, null, { timeout: 120_000 });
        const result = await page.evaluate(async () => {
            const w = window as any;
            const { engine, stylization } = w.demo;
            const maps0 = w.__maps;
            const frames0 = engine.frameId;
            const stylized0 = stylization.stats.framesStylized;
            await new Promise((r) => setTimeout(r, 1500));
            return { maps: w.__maps - maps0, frames: engine.frameId - frames0, stylized: stylization.stats.framesStylized - stylized0 };
        });
        await page.close();
        return result;
    }

    test("the WebGPU provider on Babylon's device maps no buffer in steady state; the readback path does", async () => {
        const zeroCopy = await countMapsPerFrame("webgpu");
        expect(zeroCopy.stylized).toBeGreaterThan(2);
        expect(zeroCopy.maps).toBe(0);
        const readback = await countMapsPerFrame("wasm");
        expect(readback.stylized).toBeGreaterThan(2);
        // Readbacks overlap (three slots in the ring): up to three mapped before the window started finish inside it.
        expect(readback.maps).toBeGreaterThanOrEqual(readback.stylized - 3);
    });
});
