/**
 * Reprojection in a real Chromium, on both engines. The test scene becomes a perspective view of the quadrant plane
 * (distance 5, filling the 64x64 canvas exactly) with a magenta quad half-way to the camera (distance 2.5, 16x16
 * pixels). The identity network with outputRange [-1,1] shows (x+1)/2, so a stylized pixel never equals the original.
 * A result is frozen on screen, then the camera moves right by 0.25: the plane slides 8 pixels left and the quad 16, so
 * the CPU knows for every pixel where its surface was when the result was captured (or that it was hidden or off
 * screen, and must come from the current frame).
 */
import { openDemo, type DemoPage, sharedBrowser, EveryCapturePath } from "./chromium";
import { maxAbsDiff, readTensors, screenPixels, stylizeWith, waitForFrames, waitForStylizedFrames } from "./pageTools";

const Size = 64;

type Surface = "quad" | "plane" | "none";

/** What covers pixel (x, y) (rows top-down) with the camera moved right by `shift` plane pixels. */
function surfaceAt(x: number, y: number, shift: number): Surface {
    const quadX = x + 2 * shift; // the quad is twice as close: it moves twice as far
    if (y >= 8 && y < 24 && quadX >= 8 && quadX < 24) {
        return "quad";
    }
    return x + shift >= 0 && x + shift < Size ? "plane" : "none";
}

/**
 * Where the shown result must come from at each pixel after the move: the result's pixel that saw the same surface, or
 * -1 where that surface was hidden, off screen or absent (the current frame shows).
 */
function expectedSources(shift: number): Int32Array {
    const source = new Int32Array(Size * Size).fill(-1);
    for (let y = 0; y < Size; y++) {
        for (let x = 0; x < Size; x++) {
            const now = surfaceAt(x, y, shift);
            const sx = x + (now === "quad" ? 2 * shift : shift);
            if (now !== "none" && sx >= 0 && sx < Size && surfaceAt(sx, y, 0) === now) {
                source[y * Size + x] = y * Size + sx;
            }
        }
    }
    return source;
}

/** Pixels at least 3 pixels from any change of surface or source (edges are soft by design, and antialiased). */
function interior(shift: number): boolean[] {
    const source = expectedSources(shift);
    const key = (x: number, y: number) => `${surfaceAt(x, y, shift)}${source[y * Size + x] < 0 ? "-current" : ""}`;
    const inside: boolean[] = [];
    for (let y = 0; y < Size; y++) {
        for (let x = 0; x < Size; x++) {
            let same = true;
            for (let dy = -2; dy <= 2 && same; dy++) {
                for (let dx = -2; dx <= 2 && same; dx++) {
                    const [nx, ny] = [x + dx, y + dy];
                    same = nx < 0 || ny < 0 || nx >= Size || ny >= Size || key(nx, ny) === key(x, y);
                }
            }
            inside.push(same);
        }
    }
    return inside;
}

const session = sharedBrowser();

describe.each(EveryCapturePath)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    /** The frozen result as shown before the camera moves. */
    let before: Uint8Array;

    beforeAll(async () => {
        demo = await openDemo(session, { engine, ep, scene: "test", size: `${Size}x${Size}`, height: `${Size}`, hud: "0", model: "test/models/identity.onnx" });
        await demo.page.evaluate(() => {
            const scene = (window as any).demo.scene;
            const camera = scene.activeCamera;
            camera.mode = 0; // perspective
            camera.fov = 2 * Math.atan(0.2); // the plane of size 2 at distance 5 fills the view
            const plane = scene.getMeshByName("quadrants");
            const quad = plane.clone("near");
            quad.scaling.set(0.125, 0.125, 1);
            quad.position.set(-0.25, 0.25, -2.5);
            const material = plane.material.clone("near");
            material.diffuseTexture = null;
            material.emissiveColor.set(1, 0, 1);
            quad.material = material;
        });
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" });
        before = await screenPixels(demo.page, Size, Size);
        expect(await demo.page.evaluate(() => (window as any).demo.stylization.temporal)).toEqual({ reproject: true, history: 0 });
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    /** Moves the camera right by `shift` plane pixels and returns what shows, stylized and original. */
    async function moveCamera(shift: number): Promise<{ shown: Uint8Array; current: Uint8Array }> {
        await demo.page.evaluate((dx) => ((window as any).demo.scene.activeCamera.position.x += dx), (shift * 2) / Size);
        await waitForFrames(demo.page, 3);
        const shown = await screenPixels(demo.page, Size, Size);
        await demo.page.evaluate(() => ((window as any).demo.stylization.view = "original"));
        await waitForFrames(demo.page, 2);
        const current = await screenPixels(demo.page, Size, Size);
        await demo.page.evaluate(() => ((window as any).demo.stylization.view = "stylized"));
        return { shown, current };
    }

    test.each([0, 0.9])(
        "a camera move warps the shown result to the new view; surfaces it did not see show the current frame (history %s)",
        async (history) => {
            await demo.page.evaluate((history) => ((window as any).demo.stylization.temporal = { history }), history);
            await waitForFrames(demo.page, 2);
            const shift = 8;
            const { shown, current } = await moveCamera(shift);
            const source = expectedSources(shift);
            const inside = interior(shift);
            const counts = { warped: 0, current: 0 };
            let worst = 0;
            for (let i = 0; i < Size * Size; i++) {
                if (!inside[i]) {
                    continue;
                }
                const from = source[i] >= 0 ? before : current;
                const at = source[i] >= 0 ? source[i] : i;
                counts[source[i] >= 0 ? "warped" : "current"]++;
                for (let c = 0; c < 3; c++) {
                    worst = Math.max(worst, Math.abs(shown[i * 4 + c] - from[at * 4 + c]));
                }
            }
            // Interior pixels sample the result at texel centres: exact up to 8-bit rounding.
            expect(worst).toBeLessThanOrEqual(1);
            expect(counts.warped).toBeGreaterThan(1500);
            expect(counts.current).toBeGreaterThan(300); // the strip behind the quad, and the uncovered right edge
            // The stylized image is not the original anywhere in the test: the check above could not pass by accident.
            expect(maxAbsDiff(before, current, true)).toBeGreaterThan(50);
            // The panel's "valid history": the share the CPU expects, within the soft edges' half pixel on each border.
            const validShare = await demo.page.evaluate(() => (window as any).demo.stylization.readTemporalValidShare());
            const expectedShare = source.filter((s) => s >= 0).length / (Size * Size);
            expect(Math.abs(validShare - expectedShare)).toBeLessThan(0.03);
            await moveCamera(-shift);
            await demo.page.evaluate(() => ((window as any).demo.stylization.temporal = { history: 0 }));
        }
    );

    test("the stabilizer eases a new result in where the history stays within its neighbourhood, then settles on it exactly", async () => {
        // The grey ramp (8 levels per texel) lets a history 6 levels off survive the clamp; the flat quadrants do not.
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        await demo.page.evaluate(() => ((window as any).demo.stylization.temporal = { history: 0.98 }));
        const shifted = { inputRange: "custom", mean: [6 / 255, 6 / 255, 6 / 255], std: [1, 1, 1], outputRange: "[0,1]" } as const;
        await stylizeWith(demo.page, shifted); // the result changes; frozen again a few frames later
        const eased = await screenPixels(demo.page, Size, Size);
        await waitForFrames(demo.page, 400);
        const settled = [await screenPixels(demo.page, Size, Size)];
        await waitForFrames(demo.page, 1);
        settled.push(await screenPixels(demo.page, Size, Size));
        await demo.page.evaluate(() => ((window as any).demo.stylization.temporal = { history: 0 }));
        await waitForFrames(demo.page, 2);
        const result = await screenPixels(demo.page, Size, Size);

        const mean = (rows: number[], cols: number[], a: Uint8Array, b: Uint8Array) => {
            let [sum, n] = [0, 0];
            for (const y of rows) {
                for (const x of cols) {
                    sum += a[(y * Size + x) * 4] - b[(y * Size + x) * 4];
                    n++;
                }
            }
            return sum / n;
        };
        const span = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
        const [ramp, rampCols] = [span(30, 34), span(4, 60)];
        const [flat, flatCols] = [span(44, 60), span(36, 60)]; // inside the white quadrant
        expect(mean(ramp, rampCols, eased, result)).toBeGreaterThan(1.5); // still on its way down from the old result
        expect(mean(flat, flatCols, eased, result)).toBe(0); // a flat result admits no other value: no ghost
        expect(maxAbsDiff(settled[1], settled[0], true)).toBe(0); // converged: consecutive frames identical
        expect(maxAbsDiff(settled[0], result, true)).toBeLessThanOrEqual(1); // on the result (half-float history)
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" });
        expect(maxAbsDiff(await screenPixels(demo.page, Size, Size), before, true)).toBe(0);
    });

    test("reproject: false shows the result as captured, bit for bit, and true warps again", async () => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.temporal = { reproject: false }));
        const off = await moveCamera(8);
        expect(maxAbsDiff(off.shown, before, true)).toBe(0);
        await demo.page.evaluate(() => ((window as any).demo.stylization.temporal = { reproject: true }));
        await waitForFrames(demo.page, 2);
        // Turned on again with the result of an earlier capture: no depth was kept for it, so it shows as captured.
        expect(maxAbsDiff(await screenPixels(demo.page, Size, Size), before, true)).toBe(0);
        await moveCamera(-8);
        expect(maxAbsDiff(await screenPixels(demo.page, Size, Size), before, true)).toBe(0);
    });

    test("an object that moves by itself carries its stylized pixels along (the geometry pass's velocity, chained)", async () => {
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" }); // a fresh capture: its chain starts
        const steps = 6;
        // The quad moves right one pixel per rendered frame (1/64 at its distance), six times; the loop stops right after.
        await demo.page.evaluate(
            (steps) =>
                new Promise<void>((resolve) => {
                    const { scene, engine } = (window as any).demo;
                    const quad = scene.getMeshByName("near");
                    let moved = 0;
                    const move = scene.onBeforeRenderObservable.add(() => ((quad.position.x += 1 / 64), moved++));
                    const stop = scene.onAfterRenderObservable.add(() => {
                        if (moved === steps) {
                            scene.onBeforeRenderObservable.remove(move);
                            scene.onAfterRenderObservable.remove(stop);
                            engine.stopRenderLoop();
                            resolve();
                        }
                    });
                }),
            steps
        );
        await demo.page.waitForTimeout(200); // presented
        const shown = await screenPixels(demo.page, Size, Size);
        await demo.page.evaluate(() => {
            const { scene, engine } = (window as any).demo;
            engine.runRenderLoop(() => scene.render());
            scene.getMeshByName("near").position.x -= 6 / 64;
        });
        await waitForFrames(demo.page, 3);
        const stylizedQuad = Array.from(before.subarray((16 * Size + 16) * 4, (16 * Size + 16) * 4 + 3));
        let [worstQuad, worstPlane] = [0, 0];
        for (let y = 0; y < Size; y++) {
            for (let x = 0; x < Size; x++) {
                const i = (y * Size + x) * 4;
                if (y >= 10 && y < 22 && x >= 16 && x < 28) {
                    // Inside the quad where it is now; without its motion, x >= 24 would show the original magenta.
                    worstQuad = Math.max(worstQuad, ...[0, 1, 2].map((c) => Math.abs(shown[i + c] - stylizedQuad[c])));
                } else if (y < 6 || y >= 26 || x >= 32) {
                    worstPlane = Math.max(worstPlane, ...[0, 1, 2].map((c) => Math.abs(shown[i + c] - before[i + c])));
                }
            }
        }
        expect(worstQuad).toBeLessThanOrEqual(1);
        expect(worstPlane).toBeLessThanOrEqual(1); // the static plane away from the quad stays as it was
        // Jumped back six pixels in one frame: the chain's sum returns to 0 and the quad shows stylized where it started.
        const back = await screenPixels(demo.page, Size, Size);
        let worstBack = 0;
        for (let y = 10; y < 22; y++) {
            for (let x = 10; x < 22; x++) {
                worstBack = Math.max(worstBack, ...[0, 1, 2].map((c) => Math.abs(back[(y * Size + x) * 4 + c] - stylizedQuad[c])));
            }
        }
        expect(worstBack).toBeLessThanOrEqual(1);
    });
});

describe("adaptive resolution (WebGL2 engine, wasm)", () => {
    test("a frame rate the loop cannot hold lowers the inference height step by step; one it beats raises it back", async () => {
        const demo = await openDemo(session, {
            engine: "webgl",
            ep: "wasm",
            scene: "test",
            size: `${Size}x${Size}`,
            height: "128",
            hud: "0",
            model: "test/models/identity.onnx",
        });
        const page = demo.page;
        /** Waits until stats.adaptive.height is `height`, collecting the heights it passes through. */
        const heightsUntil = (height: number) =>
            page.evaluate(
                (height) =>
                    new Promise<{ heights: number[]; reason: string; inferenceHeight: number }>((resolve, reject) => {
                        const st = (window as any).demo.stylization;
                        const heights: number[] = [];
                        const give = Date.now() + 30_000;
                        const check = () => {
                            const adaptive = st.stats.adaptive;
                            if (heights[heights.length - 1] !== adaptive.height) {
                                heights.push(adaptive.height);
                            }
                            if (adaptive.height === height) {
                                resolve({ heights, reason: adaptive.reason, inferenceHeight: st.stats.inferenceHeight });
                            } else if (Date.now() > give) {
                                reject(new Error(`adaptive height stuck: ${JSON.stringify(adaptive)}`));
                            } else {
                                setTimeout(check, 50);
                            }
                        };
                        check();
                    }),
                height
            );
        await page.evaluate(() => ((window as any).demo.stylization.targetFps = 1000));
        const down = await heightsUntil(64);
        expect(down.heights).toEqual([128, 104, 80, 64]);
        expect(down.reason).toBe("lowered");
        expect(down.inferenceHeight).toBe(64);
        await waitForStylizedFrames(page, 2);
        expect((await readTensors(page)).input.length).toBe(3 * 64 * 64); // the pipeline runs at the chosen size

        await page.evaluate(() => ((window as any).demo.stylization.targetFps = 1)); // goes on from 64
        const up = await heightsUntil(128);
        expect(up.heights).toEqual([64, 80, 104, 128]);
        expect(up.reason).toBe("raised");

        await page.evaluate(() => ((window as any).demo.stylization.targetFps = 0));
        expect(await page.evaluate(() => (window as any).demo.stylization.stats.adaptive)).toBeUndefined();
        expect(demo.errors).toEqual([]);
        await page.close();
    });
});
