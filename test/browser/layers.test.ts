/**
 * A real Babylon GUI fullscreen UI (a foreground layer) over the stylized test scene, on both engines: its pixels are
 * the same with the stylization on and off while the scene around it is stylized; with `stylizeLayers: true` it goes
 * through the generator with the scene. The identity network with outputRange [-1,1] shows (x+1)/2, so a stylized
 * pixel never equals the original.
 */
import { openDemo, type DemoPage, sharedBrowser, ReadbackAndZeroCopy } from "./chromium";
import { screenPixels, stylizeWith, waitForFrames, waitForStylizedFrames } from "./pageTools";

const [Width, Height] = [128, 96];
/** The opaque panel the UI draws, in canvas pixels (left, top, width, height). */
const Panel = { x: 10, y: 12, width: 64, height: 28 };

const session = sharedBrowser();

/** Largest channel difference inside the panel (2 pixels in from its edge) and outside it (4 pixels out). */
function differences(a: Uint8Array, b: Uint8Array): { panel: number; scene: number } {
    const result = { panel: 0, scene: 0 };
    for (let y = 0; y < Height; y++) {
        for (let x = 0; x < Width; x++) {
            const inside = x >= Panel.x + 2 && x < Panel.x + Panel.width - 2 && y >= Panel.y + 2 && y < Panel.y + Panel.height - 2;
            const outside = x < Panel.x - 4 || x >= Panel.x + Panel.width + 4 || y < Panel.y - 4 || y >= Panel.y + Panel.height + 4;
            for (let c = 0; c < 3; c++) {
                const d = Math.abs(a[(y * Width + x) * 4 + c] - b[(y * Width + x) * 4 + c]);
                result.panel = inside ? Math.max(result.panel, d) : result.panel;
                result.scene = outside ? Math.max(result.scene, d) : result.scene;
            }
        }
    }
    return result;
}

describe.each(ReadbackAndZeroCopy)("$engine engine, $ep execution provider", ({ engine, ep }) => {
    let demo: DemoPage;
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
        await demo.page.evaluate((panel) => {
            const { scene, gui } = (window as any).demo;
            const ui = gui.AdvancedDynamicTexture.CreateFullscreenUI("hud", true, scene);
            const box = new gui.Rectangle("health");
            Object.assign(box, { width: `${panel.width}px`, height: `${panel.height}px`, left: `${panel.x}px`, top: `${panel.y}px` });
            Object.assign(box, { horizontalAlignment: 0, verticalAlignment: 0, thickness: 0, background: "#23408e" }); // left, top
            const label = new gui.TextBlock("hp", "HP 87");
            Object.assign(label, { color: "#ffe9a8", fontSize: 14 });
            box.addControl(label);
            ui.addControl(box);
        }, Panel);
        await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[-1,1]" });
    });
    afterAll(async () => {
        await demo?.page.close();
    });

    test("the UI's pixels are identical with the stylization on and off; the scene around it is stylized", async () => {
        const on = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(demo.page, 3);
        const off = await screenPixels(demo.page, Width, Height);
        const { panel, scene } = differences(on, off);
        expect(panel).toBe(0);
        expect(scene).toBeGreaterThan(50);
        // Not an empty check: the panel's text is there (light text on the dark panel).
        const lightInPanel = Array.from({ length: Panel.width * Panel.height }, (_, i) => {
            const [x, y] = [Panel.x + (i % Panel.width), Panel.y + Math.floor(i / Panel.width)];
            return on[(y * Width + x) * 4];
        }).filter((r) => r > 150).length;
        expect(lightInPanel).toBeGreaterThan(20);
        expect(demo.errors).toEqual([]);
    });

    test("stylizeLayers: true paints the UI with the scene; false again keeps it crisp", async () => {
        await demo.page.evaluate(() => ((window as any).demo.stylization.enabled = false));
        await waitForFrames(demo.page, 3);
        const off = await screenPixels(demo.page, Width, Height);
        await demo.page.evaluate(() => Object.assign((window as any).demo.stylization, { enabled: true, stylizeLayers: true, frozen: false }));
        await waitForStylizedFrames(demo.page, 2);
        const painted = await screenPixels(demo.page, Width, Height);
        expect(differences(painted, off).panel).toBeGreaterThan(50);
        await demo.page.evaluate(() => ((window as any).demo.stylization.stylizeLayers = false));
        await waitForStylizedFrames(demo.page, 2);
        expect(differences(await screenPixels(demo.page, Width, Height), off).panel).toBe(0);
        expect(demo.errors).toEqual([]);
    });
});
