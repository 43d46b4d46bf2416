/**
 * Selective stylization on both engines (WebGL2 + wasm, WebGPU zero-copy): an excluded mesh in front of the test
 * scene shows the original frame exactly, with a soft edge on the stylized side; an excluded mesh hidden behind the
 * scene changes nothing; a depth range keeps nearer or farther surfaces crisp, with its falloff. The identity network
 * with outputRange [-1,1] shows (x+1)/2, so a stylized pixel differs from the original (except near white).
 *
 * The test scene's orthographic camera sits 5 units in front of the quadrant plane; the "hand" (a plane 1 unit in front
 * of it) covers canvas columns 32..63 and rows 36..59.
 */
import { openDemo, type DemoPage, sharedBrowser, ReadbackAndZeroCopy } from "./chromium";
import { maxPixelDiff, screenPixels, stylizeWith, waitForFrames } from "./pageTools";

const [Width, Height] = [128, 96];
const Hand = { left: 32, right: 64, top: 36, bottom: 60 };

/** Pixels from the hand's border: 0 inside, else the Chebyshev distance to the nearest hand pixel. */
function distanceToHand(x: number, y: number): number {
    const dx = Math.max(Hand.left - x, 0, x - (Hand.right - 1));
    const dy = Math.max(Hand.top - y, 0, y - (Hand.bottom - 1));
    return Math.max(dx, dy);
}

const session = sharedBrowser();

describe.each(ReadbackAndZeroCopy)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    /** The frame unstylized, and stylized with nothing left out (the same frozen result). */
    let original: Uint8Array;
    let stylized: Uint8Array;

    /** Sets selection fields on the handle, lets the composite draw, returns the screen and the mask view (R channel). */
    async function show(settings: string): Promise<{ screen: Uint8Array; mask: Uint8Array }> {
        await demo.page.evaluate((settings) => {
            const { scene, stylization: st } = (window as any).demo;
            const mesh = (name: string) => scene.getMeshByName(name);
            Object.assign(st, new Function("mesh", `return (${settings});`)(mesh));
            st.view = "stylized";
        }, settings);
        await waitForFrames(demo.page, 3);
        const screen = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.view = "mask"));
        await waitForFrames(demo.page, 3);
        const mask = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.view = "stylized"));
        return { screen, mask };
    }
    const maskAt = (mask: Uint8Array, x: number, y: number) => mask[(y * Width + x) * 4];

    beforeAll(async () => {
        demo = await openDemo(session, {
            engine,
            ep,
            scene: "test",
            size: `${Width}x${Height}`,
            height: `${Height}`,
            hud: "0",
            model: "test/models/identity.onnx",
        });
        await demo.page.evaluate(() => {
            const { scene } = (window as any).demo;
            const plane = scene.getMeshByName("quadrants");
            const add = (name: string, z: number, color: [number, number, number]) => {
                const mesh = plane.clone(name);
                mesh.scaling.set(0.25, 0.25, 1);
                mesh.position.set(-0.25, 0, z);
                mesh.material = plane.material.clone(`${name}Material`);
                mesh.material.diffuseTexture = null;
                mesh.material.emissiveColor.set(...color);
                return mesh;
            };
            add("hand", -1, [0.8, 0.2, 0.6]);
            add("hidden", 1, [0.1, 0.9, 0.9]).layerMask = 0x10000000; // behind the plane, where the hand is
            scene.activeCamera.layerMask |= 0x10000000;
        });
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" });
        stylized = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(demo.page, 3);
        original = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(async () => {
            const st = (window as any).demo.stylization;
            st.enabled = true;
            st.frozen = false;
            const target = st.stats.framesStylized + 2;
            while (st.stats.framesStylized < target) {
                await new Promise((r) => setTimeout(r, 10));
            }
            st.frozen = true;
        });
        await waitForFrames(demo.page, 2);
        expect(maxPixelDiff(await screenPixels(demo.page, Width, Height), stylized, Width)).toBeLessThanOrEqual(1);
        expect(maxPixelDiff(stylized, original, Width, (x, y) => distanceToHand(x, y) > 0 && y < 40)).toBeGreaterThan(50); // the frame is stylized
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("an excluded mesh shows the original frame exactly, the stylization fades in over two pixels around it", async () => {
        const { screen, mask } = await show(`{ exclude: (m) => m.name === "hand", depthRange: null }`);
        expect(maxPixelDiff(screen, original, Width, (x, y) => distanceToHand(x, y) === 0)).toBe(0);
        expect(maxPixelDiff(screen, stylized, Width, (x, y) => distanceToHand(x, y) >= 3)).toBeLessThanOrEqual(1);
        // The soft edge: weight 1/3 one pixel out, 2/3 two pixels out (straight across; 8-bit mask).
        const mid = (Hand.top + Hand.bottom) >> 1;
        expect([Hand.left - 3, Hand.left - 2, Hand.left - 1, Hand.left, Hand.right - 1, Hand.right, Hand.right + 1].map((x) => maskAt(mask, x, mid))).toEqual([
            255, 170, 85, 0, 0, 85, 170,
        ]);
        // Around a corner the falloff follows the Chebyshev distance (a separable search: see selectionShaders.ts).
        expect([maskAt(mask, Hand.left - 1, Hand.top - 1), maskAt(mask, Hand.left - 2, Hand.top - 1), maskAt(mask, Hand.left - 3, Hand.top - 3)]).toEqual([
            85, 170, 255,
        ]);
        // Between them, the screen is the mix the mask says (within a level of rounding).
        for (const x of [Hand.left - 2, Hand.left - 1]) {
            const i = (mid * Width + x) * 4;
            const w = maskAt(mask, x, mid) / 255;
            expect(Math.abs(screen[i] - (original[i] * (1 - w) + stylized[i] * w))).toBeLessThanOrEqual(1.5);
        }
    });

    test("a list of meshes and a layer mask exclude the same way; an excluded mesh hidden behind another surface changes nothing", async () => {
        const list = await show(`{ exclude: [mesh("hand")] }`);
        expect(maxPixelDiff(list.screen, original, Width, (x, y) => distanceToHand(x, y) === 0)).toBe(0);
        const hidden = await show(`{ exclude: 0x10000000 }`);
        expect(maxPixelDiff(hidden.screen, stylized, Width)).toBeLessThanOrEqual(1);
        expect(Math.min(...Array.from(hidden.mask).filter((_, i) => i % 4 === 0))).toBe(255);
    });

    test("a depth range keeps nearer or farther surfaces crisp, with a smooth falloff", async () => {
        const far = await show(`{ exclude: null, depthRange: { near: 4.5, softness: 0 } }`); // the hand (4 units away) is crisp
        expect(maxPixelDiff(far.screen, original, Width, (x, y) => distanceToHand(x, y) === 0)).toBe(0);
        expect(maxPixelDiff(far.screen, stylized, Width, (x, y) => distanceToHand(x, y) > 0)).toBeLessThanOrEqual(1);
        const near = await show(`{ depthRange: { far: 4.5, softness: 0 } }`); // the plane (5 units away) is crisp
        expect(maxPixelDiff(near.screen, stylized, Width, (x, y) => distanceToHand(x, y) === 0)).toBeLessThanOrEqual(1);
        expect(maxPixelDiff(near.screen, original, Width, (x, y) => distanceToHand(x, y) > 0)).toBe(0);
        // Falloff from 4.5 to 5.5: the plane at 5 is half way (smoothstep(0.5) = 0.5), the hand at 4 left out.
        const soft = await show(`{ depthRange: { near: 5.5, softness: 1 } }`);
        expect(Math.abs(maskAt(soft.mask, 100, 10) - 127.5)).toBeLessThanOrEqual(1);
        expect(maskAt(soft.mask, 40, 48)).toBe(0);
        expect(await demo.page.evaluate(() => (window as any).demo.stylization.depthRange)).toEqual({ near: 5.5, far: Infinity, softness: 1 });
    });

    test("bad settings are refused with a clear error; clearing them stylizes everything again", async () => {
        const errors = await demo.page.evaluate(() => {
            const st = (window as any).demo.stylization;
            const attempt = (apply: () => void) => {
                try {
                    apply();
                    return "accepted";
                } catch (error) {
                    return `${(error as Error).name}: ${(error as Error).message}`;
                }
            };
            return [
                attempt(() => (st.exclude = "hand")),
                attempt(() => (st.depthRange = { near: 10, far: 5 })),
                attempt(() => (st.depthRange = { nearest: 1 })),
            ];
        });
        expect(errors).toEqual([
            expect.stringMatching(/^StylizationOptionsError: exclude is "hand"; expected a predicate/),
            "StylizationOptionsError: depthRange.far is 5; expected a distance beyond near (10), or Infinity",
            'StylizationOptionsError: depthRange has unknown field "nearest"; expected near, far or softness',
        ]);
        const cleared = await show(`{ exclude: null, depthRange: null }`);
        expect(maxPixelDiff(cleared.screen, stylized, Width)).toBeLessThanOrEqual(1);
        expect(await demo.page.evaluate(() => (window as any).demo.scene.activeCamera.customRenderTargets.length)).toBe(1); // the temporal filter's geometry pass
    });
});
