/**
 * The demo level in a real Chromium on both engines: it loads without console errors, renders a varied image, the
 * stylized frame differs from the original and the T key restores the original, and a path frame renders the same
 * pixels however it was reached. The walking logic (collisions, path) is checked directly in Node.
 * Screenshots (original and stylized, per engine) go to test-artifacts/.
 */
import fs from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import { type BrowserSession, type EngineKind, sharedBrowser } from "./chromium";
import { maxAbsDiff, screenPixels, waitForFrames, waitForStylizedFrames } from "./pageTools";
import { FirstPersonController } from "../../src/demo-level/controls/firstPersonController";
import { CameraPath } from "../../src/demo-level/controls/cameraPath";
import { LevelClock } from "../../src/demo-level/controls/levelClock";
import { Houses, WalkRadius, terrainHeight } from "../../src/demo-level/village/layout";
import { parseDemoParams } from "../../src/demo-level/demoParams";

const Artifacts = path.join(__dirname, "..", "..", "test-artifacts");
/** A path frame looking into the square: houses, stalls, the fountain, villagers and the sky. */
const SquareFrame = 330;

interface LevelPage {
    page: Page;
    errors: string[];
    /** Requests that left the local server (nothing may be downloaded from elsewhere). */
    external: string[];
}

async function openLevel(session: BrowserSession, query: Record<string, string>, viewport = { width: 320, height: 240 }): Promise<LevelPage> {
    const page = await session.browser.newPage({ viewport });
    const errors: string[] = [];
    const external: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => !r.url().startsWith(session.baseUrl) && !r.url().startsWith("data:") && !r.url().startsWith("blob:") && external.push(r.url()));
    await page.goto(`${session.baseUrl}/?${new URLSearchParams(query)}`);
    await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000, polling: 200 });
    return { page, errors, external };
}

/** Colour statistics of RGBA pixels: per-channel standard deviation (mean of R, G, B) and distinct colours (5 bits). */
function colourStats(rgba: Uint8Array): { stdDev: number; distinct: number; mean: number } {
    const n = rgba.length / 4;
    const sum = [0, 0, 0];
    const sq = [0, 0, 0];
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) {
            const v = rgba[i * 4 + c];
            sum[c] += v;
            sq[c] += v * v;
        }
        seen.add(((rgba[i * 4] >> 3) << 10) | ((rgba[i * 4 + 1] >> 3) << 5) | (rgba[i * 4 + 2] >> 3));
    }
    const std = [0, 1, 2].map((c) => Math.sqrt(sq[c] / n - (sum[c] / n) ** 2));
    return { stdDev: (std[0] + std[1] + std[2]) / 3, distinct: seen.size, mean: (sum[0] + sum[1] + sum[2]) / (3 * n) };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
        if (i % 4 !== 3) {
            total += Math.abs(a[i] - b[i]);
        }
    }
    return total / ((a.length / 4) * 3);
}

function savePng(name: string, rgba: Uint8Array, width: number, height: number): void {
    fs.mkdirSync(Artifacts, { recursive: true });
    const png = new PNG({ width, height });
    png.data = Buffer.from(rgba);
    fs.writeFileSync(path.join(Artifacts, name), PNG.sync.write(png));
}

describe("level logic (Node)", () => {
    test("walking slides along walls and never enters a house or leaves the walkable area", () => {
        const house = Houses[0];
        // Start 4 m in front of the first house's door and walk straight at it for 5 s.
        const front = { x: house.x - Math.sin(house.rotation) * 8, z: house.z - Math.cos(house.rotation) * 8 };
        const player = new FirstPersonController({ ...front, yaw: house.rotation });
        for (let i = 0; i < 300; i++) {
            player.step(1 / 60, { forward: 1, right: 0, run: false });
        }
        const lx = (player.x - house.x) * Math.cos(house.rotation) - (player.z - house.z) * Math.sin(house.rotation);
        const lz = (player.x - house.x) * Math.sin(house.rotation) + (player.z - house.z) * Math.cos(house.rotation);
        const halfDepth = (house.depthBays * 2.2) / 2;
        expect(Math.abs(lx) < (house.bays * 2.2) / 2 && Math.abs(lz) < halfDepth).toBe(false);
        expect(lz).toBeLessThan(-halfDepth); // stopped in front of the wall
        expect(lz).toBeGreaterThan(-halfDepth - 1); // ...right at it
        // Running outwards for a minute ends at the boundary.
        const runner = new FirstPersonController({ x: 0, z: -16, yaw: Math.PI });
        for (let i = 0; i < 3600; i++) {
            runner.step(1 / 60, { forward: 1, right: 0.3, run: true });
        }
        expect(Math.hypot(runner.x, runner.z)).toBeLessThanOrEqual(WalkRadius + 1e-9);
        expect(runner.isFree(runner.x, runner.z, -0.01)).toBe(true);
        expect(runner.eye[1]).toBeCloseTo(terrainHeight(runner.x, runner.z) + 1.65, 6);
    });

    test("the camera path is a pure function of the frame index, loops, and stays above the ground", () => {
        const path = new CameraPath();
        expect(path.pose(SquareFrame)).toEqual(new CameraPath().pose(SquareFrame));
        expect(path.pose(path.loopFrames + 17)).toEqual(path.pose(17));
        for (let f = 0; f < path.loopFrames; f += 7) {
            const { position } = path.pose(f);
            expect(position[1]).toBeGreaterThanOrEqual(terrainHeight(position[0], position[2]) + 1.4 - 1e-9);
        }
        const clock = new LevelClock();
        clock.holdFrame(120);
        clock.tick(1000);
        expect([clock.frame, clock.time]).toEqual([120, 2]);
        clock.playFrames(5);
        clock.tick(16);
        clock.tick(300); // wall-clock time does not matter on the path
        expect([clock.frame, clock.time]).toEqual([6, 6 / 60]);
    });

    test("query parameters", () => {
        const query =
            "?engine=webgl&path=1&height=360&model=models/x.onnx&stylize=0&hud=0&size=64x48&scale=0.5&temporal=off&history=0.8&targetFps=30&stylizeUi=1" +
            "&exclude=villager,windmillSails&depthRange=20,,4&placement=before";
        expect(parseDemoParams(query)).toEqual({
            engine: "webgl",
            scene: "village",
            model: "models/x.onnx",
            ep: null,
            height: 360,
            stylize: false,
            hud: false,
            size: { width: 64, height: 48 },
            path: true,
            frame: null,
            scale: 0.5,
            temporal: false,
            history: 0.8,
            targetFps: 30,
            stylizeUi: true,
            exclude: ["villager", "windmillSails"],
            depthRange: { near: 20, softness: 4 },
            placement: "before",
        });
        expect(parseDemoParams("?frame=12")).toMatchObject({
            engine: "webgpu",
            path: true,
            frame: 12,
            stylize: true,
            hud: true,
            scene: "village",
            stylizeUi: false,
            exclude: [],
            depthRange: null,
            placement: null,
        });
        expect(parseDemoParams("?depthRange=,30").depthRange).toEqual({ far: 30 });
        expect(parseDemoParams("?depthRange=x").depthRange).toEqual({ near: NaN }); // the plugin refuses it, naming it
        expect(parseDemoParams("?history=7&targetFps=-3")).toMatchObject({ temporal: true, history: 1, targetFps: 0 });
    });
});

const session = sharedBrowser();

describe.each(["webgpu", "webgl"] as EngineKind[])("%s engine", (engine) => {
    test("the level loads stylized without console errors; stylized differs from the original, T restores it", async () => {
        const W = 640;
        const H = 360;
        const level = await openLevel(session, { engine, hud: "0", path: "1", frame: String(SquareFrame) }, { width: W, height: H });
        const { page } = level;
        const state = await page.evaluate(() => {
            const demo = (window as any).demo;
            return {
                isWebGPU: demo.engine.isWebGPU,
                error: demo.error ?? null,
                model: demo.stylization?.model?.name,
                provider: demo.stylization?.stats.executionProvider,
                height: demo.stylization?.targetHeight,
                loading: getComputedStyle(document.getElementById("loading")!).display,
                pointerLock: document.pointerLockElement,
                mode: demo.level.director.mode,
            };
        });
        // Stylized by default with the best shipped model; on this software GPU the demo picks wasm at height 128.
        expect(state).toEqual({
            isWebGPU: engine === "webgpu",
            error: null,
            model: "oil-tiny.onnx",
            provider: "wasm",
            height: 128,
            loading: "none",
            pointerLock: null,
            mode: "path",
        });
        await waitForStylizedFrames(page, 2);
        const stylized = await screenPixels(page, W, H);

        await page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(page, 3);
        const original = await screenPixels(page, W, H);
        const stats = colourStats(original);
        // Not blank, not one colour: a lit, textured village.
        expect(stats.stdDev).toBeGreaterThan(30);
        expect(stats.distinct).toBeGreaterThan(1500);
        expect(stats.mean).toBeGreaterThan(60);
        expect(stats.mean).toBeLessThan(200);
        expect(meanAbsDiff(stylized, original)).toBeGreaterThan(8);

        // T turns it back on and off again: off shows exactly the original frame.
        await page.keyboard.press("t");
        await waitForStylizedFrames(page, 1);
        expect(meanAbsDiff(await screenPixels(page, W, H), original)).toBeGreaterThan(8);
        await page.keyboard.press("t");
        await waitForFrames(page, 3);
        expect(await page.evaluate(() => (window as any).demo.stylization.enabled)).toBe(false);
        expect(maxAbsDiff(await screenPixels(page, W, H), original, true)).toBeLessThanOrEqual(1);

        savePng(`demo-level-${engine}-original.png`, original, W, H);
        savePng(`demo-level-${engine}-stylized.png`, stylized, W, H);
        expect(level.errors).toEqual([]);
        expect(level.external).toEqual([]);
        await page.close();
    });

    test("?exclude and ?depthRange: villagers and the distance show the original frame, with soft edges", async () => {
        const [W, H] = [640, 360];
        const query = { engine, hud: "0", path: "1", frame: String(SquareFrame), exclude: "villager", depthRange: ",30,10" };
        const level = await openLevel(session, query, { width: W, height: H });
        const { page } = level;
        await waitForStylizedFrames(page, 2);
        const settings = await page.evaluate(() => {
            const st = (window as any).demo.stylization;
            return {
                exclude: typeof st.exclude,
                depthRange: st.depthRange,
                villager: st.exclude({ name: "villager3" }),
                house: st.exclude({ name: "buildings" }),
            };
        });
        expect(settings).toEqual({ exclude: "function", depthRange: { near: 0, far: 30, softness: 10 }, villager: true, house: false });
        const show = async (view: string) => {
            await page.evaluate((view) => ((window as any).demo.stylization.view = view), view);
            await waitForFrames(page, 3);
            return screenPixels(page, W, H);
        };
        const [stylized, mask, original] = [await show("stylized"), await show("mask"), await show("original")];
        let [left, kept, soft, keptDiffers, leftDiff] = [0, 0, 0, 0, 0];
        for (let i = 0; i < W * H; i++) {
            const m = mask[i * 4];
            const d = Math.max(...[0, 1, 2].map((c) => Math.abs(stylized[i * 4 + c] - original[i * 4 + c])));
            left += m === 0 ? 1 : 0;
            kept += m === 255 ? 1 : 0;
            soft += m > 0 && m < 255 ? 1 : 0;
            keptDiffers += m === 255 && d > 8 ? 1 : 0;
            leftDiff = m === 0 ? Math.max(leftDiff, d) : leftDiff;
        }
        // The sky, the hills and the windmill are beyond 40 units; the square is nearer; the falloff and the villagers' edges are soft.
        expect(left / (W * H)).toBeGreaterThan(0.25);
        expect(kept / (W * H)).toBeGreaterThan(0.3);
        expect(soft).toBeGreaterThan(500);
        expect(leftDiff).toBeLessThanOrEqual(1);
        expect(keptDiffers / kept).toBeGreaterThan(0.3);
        savePng(`selection-${engine}-stylized.png`, stylized, W, H);
        savePng(`selection-${engine}-mask.png`, mask, W, H);
        expect(level.errors).toEqual([]);
        await page.close();
    });

    test("?placement: the level with an HDR DefaultRenderingPipeline, stylized before it and after it", async () => {
        const [W, H] = [640, 360];
        const level = await openLevel(session, { engine, hud: "0", path: "1", frame: String(SquareFrame), placement: "before" }, { width: W, height: H });
        const { page } = level;
        await waitForStylizedFrames(page, 2);
        const state = () =>
            page.evaluate(() => {
                const { scene, stylization: st } = (window as any).demo;
                const chain = scene.activeCamera._postProcesses.filter((p: any) => p);
                return { first: chain[0] === st.postProcess, last: chain[chain.length - 1] === st.postProcess, mapping: st.postProcess.composite.mapping };
            });
        expect(await state()).toEqual({ first: true, last: false, mapping: { mode: 3, exposure: 1.2 } }); // ACES, as the demo sets it
        const before = await screenPixels(page, W, H);
        await page.evaluate(() => ((window as any).demo.stylization.placement = "after"));
        await waitForStylizedFrames(page, 2);
        expect(await state()).toMatchObject({ first: false, last: true, mapping: { mode: 0 } });
        const after = await screenPixels(page, W, H);
        await page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(page, 3);
        const original = await screenPixels(page, W, H);
        expect(meanAbsDiff(before, original)).toBeGreaterThan(8);
        expect(meanAbsDiff(after, original)).toBeGreaterThan(8);
        expect(meanAbsDiff(before, after)).toBeGreaterThan(2); // the pipeline's effects apply to the painting, or are painted
        savePng(`placement-${engine}-original.png`, original, W, H);
        savePng(`placement-${engine}-before.png`, before, W, H);
        savePng(`placement-${engine}-after.png`, after, W, H);
        expect(level.errors).toEqual([]);
        await page.close();
    });

    test("keys cycle the view, the inference size and the camera mode", async () => {
        const { page, errors } = await openLevel(session, { engine, hud: "0", height: "128" });
        const read = () =>
            page.evaluate(() => ({
                view: (window as any).demo.stylization.view,
                height: (window as any).demo.stylization.targetHeight,
                mode: (window as any).demo.level.director.mode,
            }));
        expect(await read()).toEqual({ view: "stylized", height: 128, mode: "walk" });
        await page.keyboard.press("v");
        await page.keyboard.press("r");
        await page.keyboard.press("p");
        expect(await read()).toEqual({ view: "original", height: 540, mode: "path" });
        await page.keyboard.press("v");
        await page.keyboard.press("r");
        expect(await read()).toEqual({ view: "split", height: 360, mode: "path" });
        // Walking keys take the camera back from the path and move it.
        const before = await page.evaluate(() => (window as any).demo.scene.activeCamera.position.asArray());
        await page.keyboard.down("ArrowUp");
        await waitForFrames(page, 6);
        await page.keyboard.up("ArrowUp");
        const after = await page.evaluate(() => ({
            mode: (window as any).demo.level.director.mode,
            position: (window as any).demo.scene.activeCamera.position.asArray(),
        }));
        expect(after.mode).toBe("walk");
        expect(after.position).not.toEqual(before);
        expect(errors).toEqual([]);
        await page.close();
    });

    test("the camera path is deterministic: a frame index gives identical unstylized pixels", async () => {
        const W = 320;
        const H = 240;
        const first = await openLevel(session, { engine, hud: "0", stylize: "0", path: "1" });
        const shot = async (page: Page, frame: number) => {
            await page.evaluate((f) => (window as any).demo.goToPathFrame(f), frame);
            return screenPixels(page, W, H);
        };
        const a = await shot(first.page, 700);
        // Held, the frame stays put while the browser keeps rendering: animations follow the frame index, not the clock.
        await first.page.waitForTimeout(700);
        expect(maxAbsDiff(await screenPixels(first.page, W, H), a, true)).toBe(0);
        const b = await shot(first.page, 1400);
        expect(meanAbsDiff(a, b)).toBeGreaterThan(10);
        expect(maxAbsDiff(await shot(first.page, 700), a, true)).toBe(0);
        // A fresh page that starts at the frame paints the same pixels.
        const second = await openLevel(session, { engine, hud: "0", stylize: "0", frame: "700" });
        await waitForFrames(second.page, 2);
        expect(maxAbsDiff(await screenPixels(second.page, W, H), a, true)).toBe(0);
        expect([...first.errors, ...second.errors]).toEqual([]);
        await first.page.close();
        await second.page.close();
    });
});

describe("messages", () => {
    test("without WebGPU the page says so and runs on WebGL2", async () => {
        const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
        await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined, configurable: true }));
        await page.goto(`${session.baseUrl}/?engine=webgpu&stylize=0`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
        const result = await page.evaluate(() => ({
            webgpu: (window as any).demo.engine.isWebGPU,
            message: document.getElementById("message")!.textContent,
            shown: getComputedStyle(document.getElementById("message")!).display,
        }));
        expect(result).toEqual({ webgpu: false, message: "WebGPU is not available in this browser: running on WebGL2.", shown: "block" });
        await page.close();
    });

    test("a model that fails to load leaves the level running with a message", async () => {
        const { page, errors } = await openLevel(session, { engine: "webgl", model: "models/no-such-model.onnx" });
        const state = await page.evaluate(() => ({
            error: (window as any).demo.error,
            message: document.getElementById("message")!.textContent,
            loading: getComputedStyle(document.getElementById("loading")!).display,
        }));
        expect(state.error).toMatch(/^ModelDownloadError: .*404/);
        expect(state.message).toMatch(/^Stylization failed — the level keeps running unstylized\. ModelDownloadError/);
        expect(state.loading).toBe("none");
        const frame = await page.evaluate(() => (window as any).demo.engine.frameId);
        await waitForFrames(page, 3);
        expect(await page.evaluate(() => (window as any).demo.engine.frameId)).toBeGreaterThan(frame);
        expect(errors.filter((e) => !/Failed to load resource|\[stylization\]/.test(e))).toEqual([]);
        await page.close();
    });
});
