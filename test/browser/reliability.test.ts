/**
 * Reliability in a real Chromium on both engines: sizes checked before allocation, a fault in any stage stops
 * stylization (never the loop), enable/disable cycles hold GPU objects and sessions flat, a hidden page holds the
 * pipeline, a camera switch drops the stale result, and bad downloads (external data, over the cap, stalled) are refused.
 */
import { openDemo, type DemoPage, sharedBrowser } from "./chromium";
import { waitForFrames, waitForStylizedFrames } from "./pageTools";

const session = sharedBrowser();

describe.each(["webgpu", "webgl"] as const)("%s engine", (engine) => {
    let demo: DemoPage;
    beforeAll(async () => {
        demo = await openDemo(session, { engine, scene: "test", size: "64x64", hud: "0", stylize: "0" });
        await demo.page.evaluate(() => {
            const { scene } = (window as any).demo;
            (window as any).renderedFrames = async (n: number) => {
                for (let i = 0; i < n; i++) await new Promise((r) => scene.onAfterRenderObservable.addOnce(r));
            };
        });
    });
    afterAll(async () => {
        await demo?.page.close();
    });
    afterEach(async () => {
        await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = scene.stylization;
            scene.disableStylization();
            await st?.whenReleased();
        });
    });

    /** Enables identity.onnx on wasm at 32 px and waits for a stylized frame. */
    async function enableIdentity(options: Record<string, unknown> = {}): Promise<void> {
        await demo.page.evaluate(async (options) => {
            const demo = (window as any).demo;
            demo.stylization = await demo.scene.enableStylization("test/models/identity.onnx", { executionProvider: "wasm", targetHeight: 32, ...options });
        }, options);
        await waitForStylizedFrames(demo.page, 1);
    }

    test("a model whose input is fixed to 100000x100000 is refused before any allocation; the loop goes on and a valid model runs", async () => {
        const error = await demo.page.evaluate(async () => {
            const { scene, api } = (window as any).demo;
            const identity = new Uint8Array(await (await fetch("test/models/identity.onnx")).arrayBuffer());
            return scene.enableStylization(api.withFixedImageSize(identity, 100000, 100000), { executionProvider: "wasm" }).then(
                () => "ok",
                (e: Error) => `${e.name}: ${e.message}`
            );
        });
        expect(error).toMatch(/^UnsupportedModelError: model .* \(input fixed to 100000x100000\): an inference width of 100000 pixels is outside 8\.\.\d+/);
        await waitForFrames(demo.page, 3);
        await enableIdentity();
    });

    test.each([
        ["capture", "st._pipeline._capture.dispatch = () => { throw new Error('fault in capture'); }", /the capture stage failed: fault in capture/],
        [
            "postprocess",
            "st._pipeline._texturePresenter.present = () => { throw new Error('fault in present'); }",
            /the present stage failed: fault in present/,
        ],
        [
            "composite",
            "Object.defineProperty(st._pipeline, 'texture', { configurable: true, get() { throw new Error('fault in composite'); } })",
            /the composite stage failed: fault in composite/,
        ],
        ["inference", "st._session.runCpu = async () => { throw new Error('fault in inference'); }", /fault in inference/],
    ])("a fault in the %s stage gives one InferenceError; the loop goes on; enabled = true resumes once it is gone", async (_stage, fault, message) => {
        await enableIdentity();
        const result = await demo.page.evaluate(async (fault) => {
            const { scene, engine } = (window as any).demo;
            const st = scene.stylization;
            const errors: string[] = [];
            st.onErrorObservable.add((e: Error) => errors.push(`${e.name}: ${e.message}`));
            const patched = [st._pipeline, st._pipeline._capture, st._pipeline._texturePresenter, st._session];
            new Function("st", fault)(st);
            const frames = (window as any).renderedFrames;
            const started = engine.frameId;
            while (errors.length === 0 && engine.frameId - started < 600) await frames(1);
            await frames(10); // reported once, not every frame
            const during = { errors: [...errors], phase: st.pipelineState.phase, frames: engine.frameId - started };
            for (const object of patched) {
                for (const key of Object.getOwnPropertyNames(object)) if (["dispatch", "present", "texture", "runCpu"].includes(key)) delete object[key];
            }
            const stylized = st.stats.framesStylized;
            st.enabled = true;
            while (st.stats.framesStylized === stylized && engine.frameId - started < 1200) await frames(1);
            return { during, resumed: st.stats.framesStylized > stylized, errors };
        }, fault);
        expect(result.during.errors).toHaveLength(1);
        expect(result.during.errors[0]).toMatch(/^InferenceError: /);
        expect(result.during.errors[0]).toMatch(message);
        expect(result.during.phase).toBe("stopped");
        expect(result.during.frames).toBeGreaterThan(10);
        expect(result.resumed).toBe(true);
        expect(result.errors).toHaveLength(1);
    });

    test("200 enable/disable cycles leave GPU buffers, textures, post processes and onnxruntime sessions flat", async () => {
        const result = await demo.page.evaluate(async () => {
            const { scene, engine, api } = (window as any).demo;
            // Count live GPU objects at the API: every buffer/texture created and not yet destroyed.
            const live = { buffers: new Set<unknown>(), textures: new Set<unknown>(), framebuffers: new Set<unknown>() };
            const track = (target: any, create: string, destroy: string | null, set: Set<unknown>) => {
                const original = target[create].bind(target);
                target[create] = (...args: unknown[]) => {
                    const object = original(...args);
                    set.add(object);
                    if (destroy === null) {
                        const done = object.destroy.bind(object);
                        object.destroy = () => (set.delete(object), done());
                    }
                    return object;
                };
                if (destroy) {
                    const remove = target[destroy].bind(target);
                    target[destroy] = (object: unknown) => (set.delete(object), remove(object));
                }
            };
            if (engine.isWebGPU) {
                track(engine._device, "createBuffer", null, live.buffers);
                track(engine._device, "createTexture", null, live.textures);
            } else {
                track(engine._gl, "createBuffer", "deleteBuffer", live.buffers);
                track(engine._gl, "createTexture", "deleteTexture", live.textures);
                track(engine._gl, "createFramebuffer", "deleteFramebuffer", live.framebuffers);
            }
            const frames = (window as any).renderedFrames;
            const count = () => ({
                buffers: live.buffers.size,
                textures: live.textures.size,
                framebuffers: live.framebuffers.size,
                babylonTextures: engine.getLoadedTexturesCache().length,
                postProcesses: scene.activeCamera._postProcesses.filter(Boolean).length,
                openSessions: api.StylizationSession.sessionCounts.open,
            });
            const cycle = async () => {
                const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "wasm", targetHeight: 32 });
                await frames(2); // the composite's effect is built and drawn
                scene.disableStylization();
                await st.whenReleased();
            };
            for (let i = 0; i < 5; i++) await cycle(); // warm up: shaders, pooled composite, caches
            await frames(3);
            const before = count();
            for (let i = 0; i < 200; i++) await cycle();
            await frames(3);
            return { before, after: count() };
        });
        expect(result.after).toEqual(result.before);
        expect(result.before.openSessions).toBe(0);
    }, 300_000);

    test("a hidden page holds the pipeline: no inference runs while hidden, and it resumes when shown", async () => {
        await enableIdentity();
        const result = await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = scene.stylization;
            const frames = (window as any).renderedFrames;
            const setHidden = (hidden: boolean) => {
                Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
                document.dispatchEvent(new Event("visibilitychange"));
            };
            setHidden(true);
            await st.readOutputTensor(); // the inference in flight, if any, finishes
            const stylized = st.stats.framesStylized;
            await frames(20);
            const hidden = { state: st.pipelineState, stylizedMeanwhile: st.stats.framesStylized - stylized };
            setHidden(false);
            delete (document as any).hidden;
            const shown = st.pipelineState;
            while (st.stats.framesStylized === stylized) await frames(1);
            return { hidden, shown };
        });
        expect(result.hidden.state).toMatchObject({ capturing: false, holds: 1 });
        expect(result.hidden.stylizedMeanwhile).toBe(0);
        expect(result.shown).toMatchObject({ capturing: true, holds: 0 });
    });

    test("switching the active camera away and back drops the old view's result instead of showing it", async () => {
        await enableIdentity();
        const result = await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = scene.stylization;
            const frames = (window as any).renderedFrames;
            const ours = scene.activeCamera;
            const other = new ours.constructor("other", ours.position.clone(), scene); // the test scene's FreeCamera
            const stylized = st.stats.framesStylized;
            scene.activeCamera = other;
            await frames(10);
            const away = { captured: st.stats.framesStylized - stylized <= 1, showing: st.pipelineState.resultShown };
            scene.activeCamera = ours;
            await frames(1);
            const back = { shown: st.pipelineState.resultShown, showingStylized: st.showingStylized };
            other.dispose();
            return { away, back };
        });
        // Away, nothing new is captured (at most the inference already in flight lands); back, the old result is gone.
        expect(result.away.captured).toBe(true);
        expect(result.back).toEqual({ shown: false, showingStylized: false });
        await waitForStylizedFrames(demo.page, 1); // and a fresh one comes
    });

    test("a camera cut (a turn of more than 45 degrees between two frames) or cut() drops the shown result; a small turn keeps it", async () => {
        await enableIdentity();
        const result = await demo.page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const st = scene.stylization;
            const camera = scene.activeCamera;
            const frames = (window as any).renderedFrames;
            const shownAgain = async () => {
                while (!st.pipelineState.resultShown) await frames(1);
            };
            await shownAgain();
            camera.rotation.y += 0.05; // about 3 degrees: motion, not a cut
            await frames(1);
            const smallTurn = st.pipelineState.resultShown;
            camera.rotation.y += Math.PI;
            await frames(1);
            const bigTurn = st.pipelineState.resultShown;
            await shownAgain();
            st.cut();
            const afterCut = st.pipelineState.resultShown;
            await shownAgain();
            return { smallTurn, bigTurn, afterCut };
        });
        expect(result).toEqual({ smallTurn: true, bigTurn: false, afterCut: false });
    });

    test("a detached ArrayBuffer as the model is an InvalidModelError that says it was transferred", async () => {
        const error = await demo.page.evaluate(async () => {
            const buffer = await (await fetch("test/models/identity.onnx")).arrayBuffer();
            structuredClone(buffer, { transfer: [buffer] }); // as postMessage to a worker would
            return (window as any).demo.scene.enableStylization(buffer, { executionProvider: "wasm" }).then(
                () => "ok",
                (e: Error) => `${e.name}: ${e.message}`
            );
        });
        expect(error).toMatch(/^InvalidModelError: the ArrayBuffer given as the model is detached: it was transferred/);
    });

    test.each([
        ["test/models/external-data.onnx", {}, /^UnsupportedModelError: .*external data files \(tensor "w" in "\.\.\/\.\.\/secrets\/weights\.bin"\)/],
        [
            "models/oil-tiny.onnx",
            { maxModelBytes: 100_000 },
            /^ModelDownloadError: model oil-tiny\.onnx is 0\.\d MB, over the cap of 0\.1 MB \(maxModelBytes\)/,
        ],
        ["test/models/stalled.onnx", { downloadStallMs: 500 }, /^ModelDownloadError: download of model .*stalled\.onnx stalled: nothing arrived for 500 ms/],
    ])("%s %j is refused with a clear error and leaves the scene as it was", async (model, options, message) => {
        // A request that never gets an answer: the page's download stalls.
        await demo.page.route("**/stalled.onnx", () => undefined);
        const error = await demo.page.evaluate(
            async ({ model, options }) =>
                (window as any).demo.scene.enableStylization(model, { executionProvider: "wasm", ...options }).then(
                    () => "ok",
                    (e: Error) => `${e.name}: ${e.message}`
                ),
            { model, options }
        );
        await demo.page.unroute("**/stalled.onnx");
        expect(error).toMatch(message);
        expect(await demo.page.evaluate(() => (window as any).demo.scene.stylization)).toBeNull();
    });
});

test("the WebGL provider keeps a session per recent inference size instead of rebuilding one at every switch", async () => {
    const demo = await openDemo(session, { engine: "webgl", scene: "test", size: "64x64", hud: "0", stylize: "0" });
    const result = await demo.page.evaluate(async () => {
        const { scene, api } = (window as any).demo;
        const st = await scene.enableStylization("test/models/identity.onnx", { executionProvider: "webgl", targetHeight: 32 });
        const stylizedAt = async (height: number) => {
            st.targetHeight = height;
            const target = st.stats.framesStylized + 2;
            while (st.stats.framesStylized < target) await new Promise((r) => scene.onAfterRenderObservable.addOnce(r));
        };
        await stylizedAt(32);
        const created = api.StylizationSession.sessionCounts.created;
        for (const height of [40, 32, 40, 32, 40]) await stylizedAt(height);
        const counts = api.StylizationSession.sessionCounts;
        scene.disableStylization();
        await st.whenReleased();
        return { createdForSwitches: counts.created - created, open: counts.open, openAfter: api.StylizationSession.sessionCounts.open };
    });
    expect(result.createdForSwitches).toBe(1); // 40 once; 32 and 40 reused after that
    expect(result.openAfter).toBe(result.open - 2); // both fixed-size sessions released with the handle
    await demo.page.close();
});

test("the WebGL2 readback leaves the console clean: no discarded readback shadow copies", async () => {
    const demo = await openDemo(session, {
        engine: "webgl",
        scene: "test",
        size: "64x64",
        hud: "0",
        height: "32",
        ep: "wasm",
        model: "test/models/identity.onnx",
    });
    await waitForStylizedFrames(demo.page, 20);
    expect(demo.logs.filter((line) => /performance warning|READ-usage/i.test(line))).toEqual([]);
    await demo.page.close();
});
