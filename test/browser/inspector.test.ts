/**
 * The inspector panel in a real Chromium, driven the way a person drives it (clicks, selects, typing, dragging):
 * - on the test scene with the identity network, every control changes the input tensor and the screen exactly as
 *   the CPU reference predicts, and the statistics it shows match values computed here from the same tensors;
 * - on the village with the shipped oil-paint model, the mismatch warnings fire for wrong ranges and stay quiet for
 *   the right contract, and one press of "Apply the best" after a diagnosis gets the training output back;
 * - settings survive a reload, export/import as JSON, and a bad file changes nothing.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { openDemo, type DemoPage, sharedBrowser } from "./chromium";
import { frameFromPlanar, maxAbsDiff, readTensors, screenPixels, waitForFrames, waitForStylizedFrames } from "./pageTools";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig, type PreprocessConfig } from "../../src/plugin/contract/preprocessConfig";

const Size = 64;
/** The panel sits on the right; the 64x64 canvas at the top left stays uncovered. */
const Viewport = { width: 900, height: 760 };
/** Output of the identity network vs its input, per provider (see pipeline.test.ts for the justification). */
const OutputTolerance = { wasm: 1e-4, webgpu: 1e-3 } as const;

const session = sharedBrowser();

const control = (page: Page, name: string) => page.locator(`[data-control="${name}"]`);

/** Unfreezes with the panel's checkbox, lets two frames be stylized, freezes again: the screen then holds still. */
async function settle(page: Page): Promise<void> {
    const frozen = control(page, "frozen");
    if (await frozen.isChecked()) {
        await frozen.uncheck();
    }
    await waitForStylizedFrames(page, 2);
    await frozen.check();
    await waitForFrames(page, 2);
}

/** Picks the input and output ranges in the panel, then settles. */
async function selectRanges(page: Page, inputRange: string, outputRange: string): Promise<void> {
    await control(page, "inputRange").selectOption(inputRange);
    await control(page, "outputRange").selectOption(outputRange);
    await settle(page);
}

async function openPanel(page: Page): Promise<void> {
    await page.locator("canvas").first().focus();
    await page.keyboard.press("KeyI"); // the demo's key
    await control(page, "close").waitFor({ timeout: 10_000 });
}

/** Figures computed here, independently of the plugin: per channel min, max, mean, std, share outside [lo, hi]. */
function independentStats(tensor: Float32Array, lo: number[], hi: number[]) {
    const plane = tensor.length / 3;
    return [0, 1, 2].map((c) => {
        const values = Array.from(tensor.subarray(c * plane, (c + 1) * plane));
        const mean = values.reduce((a, b) => a + b, 0) / plane;
        return {
            min: Math.min(...values),
            max: Math.max(...values),
            mean,
            std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / plane),
            outOfRange: values.filter((v) => v < lo[c] - 1e-3 * (hi[c] - lo[c]) || v > hi[c] + 1e-3 * (hi[c] - lo[c])).length / plane,
        };
    });
}

async function shownStats(page: Page, table: "inputStats" | "outputStats") {
    return page.evaluate((table) => {
        const root = document.querySelector("[data-babylon-stylize-inspector]")!.shadowRoot!;
        return [0, 1, 2].map((c) => {
            const cell = (stat: string) => root.querySelector(`[data-field="${table}"] tr[data-channel="${c}"] td[data-stat="${stat}"]`)!.textContent!;
            return {
                min: Number(cell("min")),
                max: Number(cell("max")),
                mean: Number(cell("mean")),
                std: Number(cell("std")),
                outOfRange: Number(cell("outOfRange").replace("%", "")) / 100,
            };
        });
    }, table);
}

describe.each([
    { engine: "webgl", ep: "wasm" },
    { engine: "webgpu", ep: "webgpu" },
] as const)("$engine engine, $ep provider: the panel's controls on the identity network", ({ engine, ep }) => {
    let demo: DemoPage;
    let frame: RgbaFrame;
    /** What the screen shows for a contract, from the CPU reference. */
    const predictedScreen = (config: PreprocessConfig) => postprocessTensor(preprocessFrame(frame, Size, Size, config), Size, Size, config);

    beforeAll(async () => {
        demo = await openDemo(
            session,
            { engine, ep, scene: "test", size: `${Size}x${Size}`, height: `${Size}`, hud: "0", model: "test/models/identity.onnx" },
            120_000,
            Viewport
        );
        await waitForStylizedFrames(demo.page, 1);
        await openPanel(demo.page);
        // [0,1] in and out: the identity network's input is the rendered frame itself.
        await selectRanges(demo.page, "[0,1]", "[0,1]");
        frame = frameFromPlanar((await readTensors(demo.page)).input, Size, Size);
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("each contract control changes the input tensor and the screen as the CPU reference predicts", async () => {
        const page = demo.page;
        const overrides: Partial<PreprocessConfig> = { inputRange: "[0,1]", outputRange: "[0,1]" };
        const steps: Array<[string, () => Promise<unknown>, Partial<PreprocessConfig>]> = [
            ["input range [-1,1]", () => control(page, "inputRange").selectOption("[-1,1]"), { inputRange: "[-1,1]" }],
            ["output range [0,255]", () => control(page, "outputRange").selectOption("[0,255]"), { outputRange: "[0,255]" }],
            ["output range [-1,1]", () => control(page, "outputRange").selectOption("[-1,1]"), { outputRange: "[-1,1]" }],
            ["channel order BGR", () => control(page, "channelOrder").selectOption("BGR"), { channelOrder: "BGR" }],
            ["network colour linear", () => control(page, "colorSpace").selectOption("linear"), { colorSpace: "linear" }],
            ["flip rows", () => control(page, "flipY").check(), { flipY: true }],
            [
                "custom mean and std",
                async () => {
                    await control(page, "inputRange").selectOption("custom");
                    for (const [i, v] of ["0.2", "0.4", "0.6"].entries()) await control(page, `mean${i}`).fill(v);
                    for (const [i, v] of ["0.5", "0.25", "0.125"].entries()) await control(page, `std${i}`).fill(v);
                    await control(page, "std2").press("Tab"); // commits the last field
                },
                { inputRange: "custom", mean: [0.2, 0.4, 0.6], std: [0.5, 0.25, 0.125] },
            ],
            ["clamp off", () => control(page, "clamp").uncheck(), { clamp: false }],
            ["frame colour linear", () => control(page, "frameColorSpace").selectOption("linear"), { frameColorSpace: "linear" }],
            ["nearest resize", () => control(page, "resize").selectOption("nearest"), { resize: "nearest" }],
        ];
        for (const [label, act, change] of steps) {
            await act();
            Object.assign(overrides, change);
            await settle(page);
            const config = resolvePreprocessConfig(overrides);
            const live = await page.evaluate(() => ({ ...(window as any).demo.stylization.preprocess }));
            expect({ label, live }).toEqual({ label, live: config });
            const { input, output } = await readTensors(page);
            const expectedInput = preprocessFrame(frame, Size, Size, config);
            expect({ label, diff: maxAbsDiff(input, expectedInput) < (config.colorSpace !== config.frameColorSpace ? 1e-4 : 2e-5) }).toEqual({
                label,
                diff: true,
            });
            expect(maxAbsDiff(output, input)).toBeLessThan(OutputTolerance[ep]);
            expect({ label, screen: maxAbsDiff(await screenPixels(page, Size, Size), predictedScreen(config), true) <= 1 }).toEqual({ label, screen: true });
        }
        // Each field now says it is overridden; "use the model's contract" drops the overrides (identity declares none).
        expect(await page.locator('[data-origin="inputRange"]').textContent()).toBe("override");
        await control(page, "resetPreprocess").click();
        await settle(page);
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocessOverrides)).toEqual({});
        expect(await page.locator('[data-origin="inputRange"]').textContent()).toBe("default");
        expect(maxAbsDiff(await screenPixels(page, Size, Size), predictedScreen(resolvePreprocessConfig({})), true)).toBeLessThanOrEqual(1);
        expect(demo.errors).toEqual([]);
    });

    test("view, blend, split (slider and dragged divider), on/off and inference height act on the composite", async () => {
        const page = demo.page;
        // [0,1] in, [-1,1] out: the identity's image is brighter than the frame, so every mix is visible.
        await selectRanges(page, "[0,1]", "[-1,1]");
        const stylized = predictedScreen(resolvePreprocessConfig({ inputRange: "[0,1]", outputRange: "[-1,1]" }));
        const original = Uint8Array.from(frame.data, (v) => Math.round(v * 255));
        const mix = (t: number) => stylized.map((s, i) => Math.round(original[i] + (s - original[i]) * t));
        expect(maxAbsDiff(await screenPixels(page, Size, Size), stylized, true)).toBeLessThanOrEqual(1);

        await page.locator('[data-view="original"]').click();
        await waitForFrames(page, 2);
        expect(maxAbsDiff(await screenPixels(page, Size, Size), original, true)).toBeLessThanOrEqual(1);

        await page.locator('[data-view="difference"]').click();
        await waitForFrames(page, 2);
        expect(
            maxAbsDiff(
                await screenPixels(page, Size, Size),
                stylized.map((s, i) => Math.abs(s - original[i])),
                true
            )
        ).toBeLessThanOrEqual(1);

        await page.locator('[data-view="stylized"]').click();
        await control(page, "blend").fill("0.25");
        await waitForFrames(page, 2);
        expect(await page.evaluate(() => (window as any).demo.stylization.blend)).toBe(0.25);
        expect(maxAbsDiff(await screenPixels(page, Size, Size), mix(0.25), true)).toBeLessThanOrEqual(1);
        await control(page, "blend").fill("1");

        // Split: original left of the divider. Slider to 0.75, then drag the divider on the canvas to x = 16. The
        // panel's drag handle (a line and a knob) is drawn over the divider and shows in screenshots: left out.
        const columnsMatch = async (split: number) => {
            const screen = await screenPixels(page, Size, Size);
            const knob = (await control(page, "split-handle").locator("span").boundingBox())!;
            const expected = new Uint8Array(screen.length);
            for (let i = 0; i < Size * Size; i++) {
                const [x, y] = [i % Size, Math.floor(i / Size)];
                const underHandle =
                    Math.abs(x + 0.5 - split * Size) < 6 ||
                    (x + 3 >= knob.x && x <= knob.x + knob.width + 2 && y + 3 >= knob.y && y <= knob.y + knob.height + 2); // with its shadow
                const pick = underHandle ? screen : (x + 0.5) / Size < split ? original : stylized;
                expected.set(pick.subarray(i * 4, i * 4 + 4), i * 4);
            }
            return maxAbsDiff(screen, expected, true);
        };
        await page.locator('[data-view="split"]').click();
        await control(page, "splitPosition").fill("0.75");
        await waitForFrames(page, 2);
        expect(await columnsMatch(0.75)).toBeLessThanOrEqual(1);
        const handle = control(page, "split-handle");
        const box = (await handle.boundingBox())!;
        expect(box.x + box.width / 2).toBeCloseTo(48, 0); // drawn at the divider
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(30, box.y + box.height / 2, { steps: 4 });
        await page.mouse.move(16, box.y + box.height / 2, { steps: 4 });
        await page.mouse.up();
        await waitForFrames(page, 2);
        const split = await page.evaluate(() => (window as any).demo.stylization.splitPosition);
        expect(split).toBeCloseTo(0.25, 2);
        expect(await columnsMatch(split)).toBeLessThanOrEqual(1);
        await page.locator('[data-view="stylized"]').click();

        await control(page, "enabled").uncheck();
        await waitForFrames(page, 2);
        expect(maxAbsDiff(await screenPixels(page, Size, Size), original, true)).toBeLessThanOrEqual(1);
        await control(page, "enabled").check();
        await control(page, "targetHeight").fill("32");
        await control(page, "targetHeight").press("Enter");
        await settle(page);
        expect(await page.evaluate(() => (window as any).demo.stylization.stats.inferenceHeight)).toBe(32);
        expect((await readTensors(page)).input.length).toBe(3 * 32 * 32);
        await page.locator('[data-field="inferenceSize"]').filter({ hasText: "32x32" }).waitFor({ timeout: 5000 });
        await control(page, "targetHeight").fill(String(Size));
        await control(page, "targetHeight").press("Enter");
        await settle(page);
        expect(demo.errors).toEqual([]);
    });

    test("the temporal controls and the adaptive target act on the handle; the frame figures show the result's age and the valid history", async () => {
        const page = demo.page;
        const temporal = () => page.evaluate(() => (window as any).demo.stylization.temporal);
        expect(await temporal()).toEqual({ reproject: true, history: 0 });
        await control(page, "reproject").uncheck();
        expect(await temporal()).toEqual({ reproject: false, history: 0 });
        await control(page, "reproject").check();
        await control(page, "history").fill("0.8");
        expect(await temporal()).toEqual({ reproject: true, history: 0.8 });
        // The stabilizer runs the temporal pass every frame; an unmoved camera carries the whole frame over.
        await page.locator('[data-figure="valid history"] b').filter({ hasText: "100%" }).waitFor({ timeout: 5000 });
        await control(page, "history").fill("0");
        await control(page, "targetFps").fill("30");
        await control(page, "targetFps").press("Enter");
        expect(await page.evaluate(() => (window as any).demo.stylization.targetFps)).toBe(30);
        await page.locator('[data-figure="adaptive"]').filter({ hasText: "30 fps" }).waitFor({ timeout: 5000 });
        await control(page, "targetFps").fill("0");
        await control(page, "targetFps").press("Enter");
        expect(await page.evaluate(() => (window as any).demo.stylization.stats.adaptive)).toBeUndefined();
        await page
            .locator('[data-figure="result age"] b')
            .filter({ hasText: /^\d+ frames$/ })
            .waitFor({ timeout: 5000 });
        expect(demo.errors).toEqual([]);
    });

    test("the statistics shown match values computed here from the same tensors; frame figures are live", async () => {
        const page = demo.page;
        // [-1,1] in, [0,1] declared out: the identity's negative outputs fall outside the declared range.
        await selectRanges(page, "[-1,1]", "[0,1]");
        await page.evaluate(() => (window as any).demo.stylization.inspector.updateStats());
        const { input, output } = await readTensors(page);
        const inputShown = await shownStats(page, "inputStats");
        const outputShown = await shownStats(page, "outputStats");
        const inputTruth = independentStats(input, [-1, -1, -1], [1, 1, 1]);
        const outputTruth = independentStats(output, [0, 0, 0], [1, 1, 1]);
        for (const [shown, truth] of [
            [inputShown, inputTruth],
            [outputShown, outputTruth],
        ] as const) {
            for (let c = 0; c < 3; c++) {
                // Shown with 3 decimals (and the share with 1 decimal of a percent).
                for (const key of ["min", "max", "mean", "std"] as const) {
                    expect(Math.abs(shown[c][key] - truth[c][key])).toBeLessThanOrEqual(0.0005 + 1e-6);
                }
                expect(Math.abs(shown[c].outOfRange - truth[c].outOfRange)).toBeLessThanOrEqual(0.0005 + 1e-6);
            }
        }
        expect(outputTruth.some((s) => s.outOfRange > 0.02)).toBe(true); // the case is not vacuous
        // The warning for it names the range the values fit.
        const warning = page.locator('[data-warning="output-out-of-range"]');
        await expect(warning.textContent()).resolves.toMatch(
            /of output values fall outside the declared output range \[0,1\] .*: the network probably outputs \[-1,1\]\./
        );
        await warning.locator('[data-control="apply-fix"]').click();
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.outputRange)).toBe("[-1,1]");
        // Frame figures: stage times and counters come from the handle's stats.
        const stats = await page.evaluate(() => (window as any).demo.stylization.stats);
        await page.waitForTimeout(400);
        const stylizedShown = Number(await page.locator('[data-figure="stylized"] b').textContent());
        expect(stylizedShown).toBeGreaterThanOrEqual(stats.framesStylized);
        for (const stage of ["capture", "readback", "inference", "postprocess", "present"]) {
            expect(await page.locator(`[data-stage="${stage}"]`).textContent()).toMatch(/^\d+\.\d ms$/);
        }
        expect(await page.locator('[data-field="running"]').textContent()).toBe(
            ` running: ${ep}${engine === "webgpu" && ep === "webgpu" ? " (zero-copy)" : " (readback)"}`
        );
    });

    test("the execution provider control recreates the session on the chosen provider", async () => {
        const page = demo.page;
        const other = ep === "wasm" ? "webgl" : "wasm";
        await page.locator('[data-section="model"] summary').click(); // a closed section at first
        expect(await control(page, "executionProvider").inputValue()).toBe(ep);
        await control(page, "executionProvider").selectOption(other);
        await page.waitForFunction((other) => (window as any).demo.stylization.stats.executionProvider === other, other, { timeout: 60_000 });
        await settle(page);
        await page
            .locator('[data-field="running"]')
            .filter({ hasText: `running: ${other} (readback)` })
            .waitFor({ timeout: 5000 });
        await control(page, "executionProvider").selectOption(ep);
        await page.waitForFunction((ep) => (window as any).demo.stylization.stats.executionProvider === ep, ep, { timeout: 60_000 });
        await settle(page);
        expect(demo.errors).toEqual([]);
    });

    test("closing removes the panel and leaves the settings; the I key opens it again", async () => {
        const page = demo.page;
        await control(page, "close").click();
        expect(await page.locator("[data-babylon-stylize-inspector]").count()).toBe(0);
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.outputRange)).toBe("[-1,1]");
        await openPanel(page);
        expect(await page.locator("[data-babylon-stylize-inspector]").count()).toBe(1);
        expect(await control(page, "outputRange").inputValue()).toBe("[-1,1]");
    });
});

describe("webgl engine, wasm provider: settings are remembered and travel as JSON", () => {
    test("a reload restores the contract chosen for the model and the display (temporal settings included); export/import round-trips; a bad file changes nothing", async () => {
        const context = await session.browser.newContext({ viewport: Viewport });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        const url = `${session.baseUrl}/?${new URLSearchParams({ engine: "webgl", ep: "wasm", scene: "test", size: `${Size}x${Size}`, height: `${Size}`, hud: "0", model: "test/models/identity.onnx" })}`;
        const ready = async () => {
            await page.waitForFunction(() => (window as any).demo?.stylization?.model, null, { timeout: 120_000, polling: 200 });
            await waitForStylizedFrames(page, 1);
        };
        await page.goto(url);
        await ready();
        await openPanel(page);
        await control(page, "channelOrder").selectOption("BGR");
        await page.locator('[data-view="split"]').click();
        await control(page, "blend").fill("0.5");
        await control(page, "history").fill("0.5");

        await page.reload();
        await ready();
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.channelOrder)).toBe("RGB"); // panel not open yet
        await openPanel(page);
        const restored = await page.evaluate(() => {
            const st = (window as any).demo.stylization;
            return { order: st.preprocess.channelOrder, view: st.view, blend: st.blend, temporal: st.temporal };
        });
        expect(restored).toEqual({ order: "BGR", view: "split", blend: 0.5, temporal: { reproject: true, history: 0.5 } });

        // Export through the button (a download), change things, import the file back.
        await page.locator('[data-section="settings"] summary').click();
        const [download] = await Promise.all([page.waitForEvent("download"), control(page, "export").click()]);
        const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
        expect(exported).toMatchObject({
            format: "babylon-stylize.inspector",
            version: 1,
            model: "identity.onnx",
            overrides: { channelOrder: "BGR" },
            display: { view: "split", blend: 0.5, temporal: { reproject: true, history: 0.5 }, targetFps: 0 },
        });
        expect(exported.preprocess.channelOrder).toBe("BGR");
        await control(page, "resetPreprocess").click();
        await page.locator('[data-view="stylized"]').click();
        await control(page, "import").setInputFiles({ name: "settings.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
        await page.waitForFunction(() => (window as any).demo.stylization.preprocess.channelOrder === "BGR", null, { timeout: 5000 });
        expect(await page.evaluate(() => (window as any).demo.stylization.view)).toBe("split");

        const bad = { ...exported, overrides: { inputRange: "[0,2]" } };
        await control(page, "import").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
        await page
            .locator(".status.error")
            .filter({ hasText: /SettingsFileError: .*preprocess.inputRange is "\[0,2\]"/ })
            .waitFor({ timeout: 5000 });
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.inputRange)).toBe("[-1,1]");
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.channelOrder)).toBe("BGR");
        expect(errors).toEqual([]);
        await context.close();
    });
});

describe.each([
    { engine: "webgl", ep: "wasm" },
    { engine: "webgpu", ep: "wasm" },
] as const)("$engine engine, $ep provider: the shipped oil-paint model on the village", ({ engine, ep }) => {
    let demo: DemoPage;
    beforeAll(async () => {
        demo = await openDemo(session, { engine, ep, frame: "30", height: "128", hud: "0", size: "480x360", model: "models/oil-tiny.onnx" }, 120_000, {
            width: 900,
            height: 1000,
        });
        await waitForStylizedFrames(demo.page, 1);
        await openPanel(demo.page);
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    const warningsAfter = async (change: Partial<PreprocessConfig> | null) => {
        const page = demo.page;
        if (change) {
            for (const [field, value] of Object.entries(change)) {
                await control(page, field).selectOption(String(value));
            }
        } else {
            await control(page, "resetPreprocess").click();
        }
        await settle(page);
        return page.evaluate(async () => {
            const inspector = (window as any).demo.stylization.inspector;
            await inspector.updateStats();
            return inspector.warnings as Array<{ kind: string; text: string; fix?: object }>;
        });
    };

    test("warnings stay quiet for the declared contract and fire, in plain words with a fix, for wrong ranges", async () => {
        expect(await warningsAfter(null)).toEqual([]);
        expect(await demo.page.locator('[data-warning="none"]').textContent()).toBe("The live tensors look like what the model expects.");

        const zeroOne = await warningsAfter({ inputRange: "[0,1]" });
        expect(zeroOne).toHaveLength(1);
        expect(zeroOne[0]).toMatchObject({ kind: "input-range", fix: { inputRange: "[-1,1]" } });
        expect(zeroOne[0].text).toMatch(
            /^Input mean 0\.\d\d \(std 0\.\d\d\) but training mean -0\.\d\d \(std 0\.\d\d\): the model was probably trained on \[-1,1\], you feed \[0,1\]\.$/
        );
        // The fix button applies it, and the panel goes quiet again.
        await demo.page.locator('[data-warning="input-range"] [data-control="apply-fix"]').click();
        await settle(demo.page);
        expect(await demo.page.evaluate(() => (window as any).demo.stylization.preprocess.inputRange)).toBe("[-1,1]");
        expect(
            await demo.page.evaluate(
                async () => (await (window as any).demo.stylization.inspector.updateStats(), (window as any).demo.stylization.inspector.warnings)
            )
        ).toEqual([]);

        expect((await warningsAfter({ inputRange: "[0,255]" }))[0]).toMatchObject({ kind: "input-range", fix: { inputRange: "[-1,1]" } });
        await warningsAfter(null);
        const bytesOut = await warningsAfter({ outputRange: "[0,255]" });
        // Tanh's negative half falls outside [0,255]; its values fit [-1,1].
        expect(bytesOut).toEqual([expect.objectContaining({ kind: "output-out-of-range", fix: { outputRange: "[-1,1]" } })]);
        await warningsAfter(null);
        expect(demo.errors).toEqual([]);
    });

    test("a mismatched contract: the model's reference pair loads by itself, diagnosis ranks the training contract first, one button restores the training output", async () => {
        const page = demo.page;
        await page.waitForFunction(() => !!(window as any).demo.stylization.inspector.referencePair, null, { timeout: 30_000 });
        expect(await control(page, "reference").locator("option:checked").textContent()).toMatch(/^256x192 of /);
        // A developer's mistake: [0,1] input, BGR, flipped rows.
        await control(page, "inputRange").selectOption("[0,1]");
        await control(page, "channelOrder").selectOption("BGR");
        await control(page, "flipY").check();
        const before = await page.evaluate(() => (window as any).demo.stylization.inspector.compare());
        expect(before).toBeLessThan(20);
        await control(page, "diagnose").click();
        await page.locator('[data-control="apply-best"]').waitFor({ timeout: 120_000 });
        const ranking = await page.evaluate(() => (window as any).demo.stylization.inspector.diagnosis.slice(0, 2));
        expect(ranking[0].contract).toEqual({ inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false });
        expect(ranking[1].psnr).toBeLessThan(ranking[0].psnr - 10);
        expect(await page.locator('[data-field="diagnosis"] tr[data-rank="0"] td[data-psnr]').textContent()).toMatch(/^\d+\.\d dB$|^identical$/);

        await control(page, "apply-best").click();
        await page.locator('[data-field="comparePsnr"]').filter({ hasText: "in [-1,1], out [-1,1], RGB, sRGB)" }).waitFor({ timeout: 30_000 });
        const after = await page.evaluate(() => (window as any).demo.stylization.inspector.comparePsnr);
        // The engine (wasm, float32) vs PyTorch's output saved as 8-bit PNG: identical up to rounding of a few pixels.
        expect(after).toBeGreaterThan(45);
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocessOverrides)).toEqual({}); // only differences were applied... then equal to the model's
        expect(await page.locator('[data-field="compareView"] canvas').count()).toBe(3);
        expect(demo.errors).toEqual([]);
    });

    test("two dropped-in images (an input frame and its expected output) work as a reference pair", async () => {
        const page = demo.page;
        const reference = path.join(__dirname, "..", "..", "models", "reference");
        await control(page, "inputRange").selectOption("[0,255]");
        await control(page, "reference-input").setInputFiles(path.join(reference, "oil-tiny.96x72.input.png"));
        await control(page, "reference-expected").setInputFiles(path.join(reference, "oil-tiny.96x72.output.png"));
        await page.waitForFunction(
            () =>
                (window as any).demo.stylization.inspector.referencePair?.label === "dropped images" &&
                (window as any).demo.stylization.inspector.comparePsnr !== undefined,
            null,
            { timeout: 30_000 }
        );
        expect(await page.evaluate(() => (window as any).demo.stylization.inspector.comparePsnr)).toBeLessThan(20);
        await control(page, "diagnose").click();
        await page.locator('[data-control="apply-best"]').waitFor({ timeout: 120_000 });
        await control(page, "apply-best").click();
        await page.waitForFunction(() => (window as any).demo.stylization.inspector.comparePsnr > 45, null, { timeout: 30_000 });
        expect(await page.evaluate(() => (window as any).demo.stylization.preprocess.inputRange)).toBe("[-1,1]");
        expect(demo.errors).toEqual([]);
    });

    test("the model list swaps models, and the reference pair follows the model", async () => {
        const page = demo.page;
        await page.locator('[data-section="model"] summary').click();
        const labels = await control(page, "model").locator("option").allTextContents();
        await control(page, "model").selectOption({ label: "stained glass" });
        await page.waitForFunction(() => (window as any).demo.stylization.model?.name === "glass-tiny.onnx", null, { timeout: 60_000 });
        await page.waitForFunction(() => (window as any).demo.stylization.inspector.referencePair?.label.startsWith("256x192"), null, { timeout: 30_000 });
        await page.waitForFunction(() => (window as any).demo.stylization.inspector.comparePsnr > 45, null, { timeout: 30_000 });
        expect(labels).toEqual(expect.arrayContaining(["oil paint", "oil paint (few-shot)", "stained glass", "ink wash"]));
        await control(page, "model").selectOption({ label: "oil paint" });
        await page.waitForFunction(() => (window as any).demo.stylization.model?.name === "oil-tiny.onnx", null, { timeout: 60_000 });
        expect(demo.errors).toEqual([]);
    });
});
