/**
 * Placement among the camera's post processes, with Babylon's DefaultRenderingPipeline (HDR, bloom, image processing
 * with tone mapping and exposure 1.2, FXAA: the demo's `?placement=`) on both engines (WebGL2 + wasm, WebGPU
 * zero-copy). Before it, the network sees the scene's linear frame as the image processing would display it (the
 * tensor equals the CPU formula), and with the identity network the screen equals the unstylized pipeline's, bloom and
 * tone mapping included, within a level; after it, the stylization stays last whatever the pipeline rebuilds.
 *
 * The test scene is unlit: with the image processing applied by post process, its linear frame holds the quadrant
 * texture's texels linearized as Babylon does (Babylon's gamma 2.2).
 */
import { openDemo, type DemoPage, sharedBrowser, ReadbackAndZeroCopy } from "./chromium";
import { maxPixelDiff, readTensors, screenPixels, stylizeWith, waitForFrames } from "./pageTools";
import { frameToDisplay, FrameMappingMode } from "../../src/plugin/contract/frameMapping";

const [Width, Height] = [128, 96];
/** Quadrant texels (linear values x 255) at a pixel in each quadrant, in canvas pixels (rows top-down). */
const Probes = [
    { x: 20, y: 16, rgb: [230, 30, 20] },
    { x: 108, y: 16, rgb: [30, 200, 40] },
    { x: 20, y: 80, rgb: [25, 40, 220] },
    { x: 108, y: 80, rgb: [250, 250, 250] },
];

const session = sharedBrowser();

describe.each(ReadbackAndZeroCopy)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
    const chain = () =>
        demo.page.evaluate(() => {
            const { scene, stylization: st } = (window as any).demo;
            const list = scene.activeCamera._postProcesses.filter((p: any) => p);
            return {
                names: list.map((p: any) => p.name),
                first: list[0] === st.postProcess,
                last: list[list.length - 1] === st.postProcess,
                type: st.postProcess._textureType,
            };
        });
    /** The screen with the stylization on (as it is) and off. */
    async function onAndOff(): Promise<{ on: Uint8Array; off: Uint8Array }> {
        const on = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(demo.page, 3);
        const off = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = true));
        return { on, off };
    }

    beforeAll(async () => {
        const query = {
            engine,
            ep,
            scene: "test",
            size: `${Width}x${Height}`,
            height: `${Height}`,
            hud: "0",
            model: "test/models/identity.onnx",
            placement: "before",
        };
        demo = await openDemo(session, query);
        await demo.page.evaluate(() => ((window as any).demo.pipeline.imageProcessing.toneMappingType = 0)); // standard
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("before an HDR pipeline: first in the chain on half floats; the network sees the frame as it is displayed", async () => {
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        const order = await chain();
        expect(order).toMatchObject({ first: true, type: 2 }); // half float, as the pipeline's
        expect(order.names).toEqual(expect.arrayContaining(["imageProcessing", "bloomMerge", "fxaa"]));
        const { input } = await readTensors(demo.page);
        const plane = Width * Height;
        for (const { x, y, rgb } of Probes) {
            const linear = rgb.map((v) => Math.pow(v / 255, 2.2));
            const expected = frameToDisplay(linear, { mode: FrameMappingMode.Standard, exposure: 1.2 });
            const got = [0, 1, 2].map((c) => input[c * plane + y * Width + x]);
            // The frame is stored in half floats (11 significant bits), then through the curve and gamma.
            got.forEach((v, c) => expect(Math.abs(v - expected[c])).toBeLessThan(2e-3));
        }
    });

    test("before: with the identity network the screen is the unstylized pipeline's (tone mapping, bloom, FXAA) within a level", async () => {
        const { on, off } = await onAndOff();
        expect(maxPixelDiff(on, off, Width)).toBeLessThanOrEqual(1);
        // The stylization is there: a brightening network changes the picture.
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" });
        const brightened = await screenPixels(demo.page, Width, Height);
        expect(maxPixelDiff(brightened, off, Width)).toBeGreaterThan(30);
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
    });

    test("before: linear values above 1 (an HDR clear colour around the shrunken plane) reach the network mapped, and come back", async () => {
        await demo.page.evaluate(() => {
            const { scene } = (window as any).demo;
            scene.getMeshByName("quadrants").scaling.set(0.5, 0.5, 1);
            scene.clearColor.set(2.5, 1.5, 0.6, 1);
        });
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        const { input } = await readTensors(demo.page);
        const plane = Width * Height;
        const expected = frameToDisplay([2.5, 1.5, 0.6], { mode: FrameMappingMode.Standard, exposure: 1.2 });
        [0, 1, 2].forEach((c) => expect(Math.abs(input[c * plane + 4 * Width + 4] - expected[c])).toBeLessThan(2e-3));
        const { on, off } = await onAndOff();
        // The stylized image is 8-bit: a displayed value near 1 maps back to linear light within a few percent, which
        // the bloom of those highlights shows (a couple of levels in their glow); everything else within a level.
        let within = 0;
        for (let i = 0; i < on.length; i += 4) {
            within += [0, 1, 2].every((c) => Math.abs(on[i + c] - off[i + c]) <= 1) ? 1 : 0;
        }
        expect(within / (Width * Height)).toBeGreaterThan(0.98);
        expect(maxPixelDiff(on, off, Width)).toBeLessThanOrEqual(8);
        await demo.page.evaluate(() => {
            const { scene } = (window as any).demo;
            scene.getMeshByName("quadrants").scaling.set(1, 1, 1);
            scene.clearColor.set(0, 0, 0, 1);
        });
    });

    test("before, ACES: exact wherever no channel is clipped by the tone mapping (the neutral ramp and the white quadrant)", async () => {
        await demo.page.evaluate(() => ((window as any).demo.pipeline.imageProcessing.toneMappingType = 1));
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        const mode = await demo.page.evaluate(() => (window as any).demo.stylization.postProcess.composite.mapping.mode);
        expect(mode).toBe(FrameMappingMode.Aces);
        const { on, off } = await onAndOff();
        // The ramp's rows (grey) and the white quadrant away from the edges and the ramp.
        const neutral = (x: number, y: number) => (y >= 44 && y < 52 && x > 2 && x < Width - 3) || (x > 68 && y > 56 && y < Height - 4 && x < Width - 4);
        expect(maxPixelDiff(on, off, Width, neutral)).toBeLessThanOrEqual(1);
        await demo.page.evaluate(() => ((window as any).demo.pipeline.imageProcessing.toneMappingType = 0));
    });

    test("after: last in the chain, also when the pipeline rebuilds; the frame is taken as displayed", async () => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.placement = "after"));
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        expect(await chain()).toMatchObject({ last: true, type: 0 }); // its own 8-bit target again
        expect(await demo.page.evaluate(() => (window as any).demo.stylization.postProcess.composite.mapping.mode)).toBe(FrameMappingMode.Display);
        await demo.page.evaluate(() => ((window as any).demo.pipeline.bloomEnabled = false)); // rebuilds: re-attached at the end
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
        expect(await chain()).toMatchObject({ last: true });
        const { on, off } = await onAndOff();
        expect(maxPixelDiff(on, off, Width)).toBeLessThanOrEqual(1);
        await demo.page.evaluate(() => {
            const { pipeline, stylization } = (window as any).demo;
            pipeline.bloomEnabled = true;
            stylization.placement = "before";
        });
        await waitForFrames(demo.page, 2);
        expect(await chain()).toMatchObject({ first: true, type: 2 });
        const error = await demo.page.evaluate(() => {
            try {
                (window as any).demo.stylization.placement = "first";
            } catch (e) {
                return `${(e as Error).name}: ${(e as Error).message}`;
            }
        });
        expect(error).toBe('StylizationOptionsError: placement is "first"; expected "before" or "after" (the camera\'s other post processes)');
    });
});
