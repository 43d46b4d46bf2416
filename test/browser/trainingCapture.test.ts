/**
 * Training frames from a scene (issue 14): `scene.captureTrainingFrames` records what the stylization sees, through
 * the same capture pass, on both engines; `babylon-stylize capture <url>` records them from any page that imports the
 * plugin (the demo, and a minimal game page written for the test: test/pages/minimalGame.ts).
 *
 * - Village, path frame 300 held, a stylization with a BGR 0..255 contract at inference height 120: the recorded PNG at
 *   the inference size equals the stylization's input tensor converted back to 8 bits (<= 1 level: two float paths
 *   rounding the same value), and with the stylization gone (the recorder's own pass) the frame is the same.
 * - The demo's F key (window.demo.recordTrainingFrames) saves a zip download the recipe reads.
 * - The demo's test scene (orthographic camera, a plane 5 units away and one 4 away): the depth PNG holds 500 and
 *   400 cm exactly where the planes are, and a depth-guided stylization's guide plane is those distances normalized.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { PNG } from "pngjs";
import { openBrowser, openDemo, type BrowserSession, type DemoPage, type EngineKind } from "./chromium";
import { maxAbsDiff, readTensors, stylizeWith } from "./pageTools";
import { postprocessTensor } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { depthGuideValue } from "../../src/plugin/contract/guides";

const root = path.join(__dirname, "..", "..");

let session: BrowserSession;
let tmp: string;
beforeAll(async () => {
    session = await openBrowser();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stylize-capture-"));
});
afterAll(async () => {
    await session?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
});

interface Recorded {
    pngs: number[][];
    depths: Array<number[] | null>;
    normals: Array<number[] | null>;
    manifest: any;
    chainBefore: number;
    chainAfter: number;
    layersKept: boolean;
}

/** Records in the page; the PNGs come back as byte arrays. */
async function record(page: DemoPage["page"], options: Record<string, unknown>): Promise<Recorded> {
    return page.evaluate(async (options) => {
        const { scene } = (window as any).demo;
        const camera = scene.activeCamera;
        const count = () => camera._postProcesses.filter(Boolean).length;
        const chainBefore = count();
        const layers = scene.layers.map((l: any) => l.applyPostProcess);
        const set = await scene.captureTrainingFrames(options);
        return {
            pngs: set.frames.map((f: any) => Array.from(f.png)),
            depths: set.frames.map((f: any) => (f.depthPng ? Array.from(f.depthPng) : null)),
            normals: set.frames.map((f: any) => (f.normalPng ? Array.from(f.normalPng) : null)),
            manifest: set.manifest,
            chainBefore,
            chainAfter: count(),
            layersKept: scene.layers.every((l: any, i: number) => l.applyPostProcess === layers[i]),
        };
    }, options);
}

function decode(bytes: number[]): ReturnType<typeof PNG.sync.read> {
    return PNG.sync.read(Buffer.from(bytes), { skipRescale: true });
}

/** 16-bit grey values of a decoded depth PNG (pngjs widens grey to RGBA). */
function grey(png: PNG): number[] {
    const data = png.data as unknown as Uint16Array;
    return Array.from({ length: png.width * png.height }, (_, i) => data[i * 4]);
}

describe.each<EngineKind>(["webgl", "webgpu"])("%s engine", (engine) => {
    describe("the village with a stylization", () => {
        let demo: DemoPage;
        const contract = resolvePreprocessConfig({ inputRange: "[0,255]", outputRange: "[0,255]", channelOrder: "BGR" });
        beforeAll(async () => {
            const query = { engine, ep: "wasm", size: "320x240", height: "120", frame: "300", hud: "1", model: "test/models/identity-declared-0-255-bgr.onnx" };
            demo = await openDemo(session, query);
            await stylizeWith(demo.page, {});
        });
        afterAll(async () => {
            await demo?.page.close();
        });

        test("a recorded frame is the stylization's input tensor, back in 8 bits; without a stylization the frame is the same", async () => {
            const { input } = await readTensors(demo.page);
            const { inferenceWidth: width, inferenceHeight: height } = await demo.page.evaluate(() => (window as any).demo.stylization.stats);
            expect([width, height]).toEqual([160, 120]);
            const withStylization = await record(demo.page, { count: 1, size: { width, height } });
            expect(withStylization.chainAfter).toBe(withStylization.chainBefore); // it read the stylization's input: no pass of its own
            const frame = decode(withStylization.pngs[0]);
            expect([frame.width, frame.height]).toEqual([width, height]);
            expect(maxAbsDiff(frame.data, postprocessTensor(input, width, height, contract), true)).toBeLessThanOrEqual(1);
            expect(withStylization.manifest).toMatchObject({
                engine,
                width,
                height,
                stylized: false,
                resize: "bilinear",
                mapping: { mode: "display" },
                guides: [],
            });

            // The same frame through the recorder's own pass, the HUD (the demo's quest marker) left out as a stylization leaves it.
            await demo.page.evaluate(() => (window as any).demo.scene.disableStylization());
            const alone = await record(demo.page, { count: 1, size: 120 });
            expect(alone.chainAfter).toBe(alone.chainBefore);
            expect(alone.layersKept).toBe(true);
            expect(maxAbsDiff(decode(alone.pngs[0]).data, frame.data, true)).toBe(0);
        });

        test("count, every and prepare: frames in order, spaced as asked, each after its prepare ran", async () => {
            const recorded = await demo.page.evaluate(async () => {
                const { scene } = (window as any).demo;
                const prepared: number[] = [];
                const handed: number[] = [];
                const set = await scene.captureTrainingFrames({
                    count: 3,
                    every: 4,
                    size: 48,
                    prepare: (i: number) => {
                        prepared.push(i);
                        return (window as any).demo.goToPathFrame(300 + 40 * i);
                    },
                    onFrame: (f: any) => handed.push(f.index),
                });
                return { prepared, handed, manifest: set.manifest };
            });
            expect(recorded.prepared).toEqual([0, 1, 2]);
            expect(recorded.handed).toEqual([0, 1, 2]);
            const { frames } = recorded.manifest;
            expect(frames.map((f: any) => f.file)).toEqual(["00000.png", "00001.png", "00002.png"]);
            // goToPathFrame renders two frames itself, so frames are at least every + 2 apart.
            expect(frames[1].frameId - frames[0].frameId).toBeGreaterThanOrEqual(4);
            expect(frames[2].time).toBeGreaterThan(frames[1].time);
            // The camera moved along the path between them.
            expect(frames[1].camera.position).not.toEqual(frames[0].camera.position);
            expect(recorded.manifest).toMatchObject({ width: 64, height: 48, every: 4 });
        });

        test("the demo's F key records and downloads a zip the recipe reads", async () => {
            const [download] = await Promise.all([
                demo.page.waitForEvent("download"),
                demo.page.evaluate(() => (window as any).demo.recordTrainingFrames({ count: 2, every: 1, fileName: "frames-test.zip" })),
            ]);
            expect(download.suggestedFilename()).toBe("frames-test.zip");
            const zip = unzipSync(new Uint8Array(fs.readFileSync(await download.path())));
            expect(Object.keys(zip).sort()).toEqual(["00000.png", "00001.png", "depth/00000.png", "depth/00001.png", "frames.json"]);
            const manifest = JSON.parse(new TextDecoder().decode(zip["frames.json"]));
            expect(manifest).toMatchObject({ engine, height: 240, guides: ["depth"] });
            expect(PNG.sync.read(Buffer.from(zip["00001.png"])).height).toBe(240);
        });
    });

    test("depth and normals: the recorded view distances and normals, and the guide a depth-guided stylization computes from the same pass", async () => {
        const [Width, Height] = [128, 96];
        const demo = await openDemo(session, {
            engine,
            ep: "wasm",
            scene: "test",
            size: `${Width}x${Height}`,
            height: `${Height}`,
            hud: "0",
            model: "test/models/guide-depth.onnx",
        });
        try {
            await demo.page.evaluate(() => {
                const { scene } = (window as any).demo;
                const near = scene.getMeshByName("quadrants").clone("near");
                near.scaling.set(0.25, 0.25, 1);
                near.position.set(-0.25, 0, -1);
            });
            await stylizeWith(demo.page, { inputRange: "[0,1]", outputRange: "[0,1]" });
            const { input } = await readTensors(demo.page);
            const recorded = await record(demo.page, { count: 1, guides: ["depth", "normal"] });
            expect(recorded.manifest.guides).toEqual(["depth", "normal"]);
            // Both planes face the camera: view-space normal (0, 0, -1), recorded as n * 0.5 + 0.5 in bytes.
            const normals = decode(recorded.normals[0]!);
            expect([normals.width, normals.height, normals.depth]).toEqual([Width, Height, 8]);
            const off = Array.from({ length: Width * Height }, (_, i) => Array.from(normals.data.subarray(i * 4, i * 4 + 3))).filter(
                (n) => n[0] !== 128 || n[1] !== 128 || n[2] !== 0
            );
            expect(off).toEqual([]);
            const depth = decode(recorded.depths[0]!);
            expect([depth.width, depth.height, depth.depth]).toEqual([Width, Height, 16]);
            const cm = grey(depth);
            // The near plane covers canvas columns 32..63, rows 36..59 (as guides.test.ts); the far plane the rest.
            const expected = (x: number, y: number) => (x >= 32 && x < 64 && y >= 36 && y < 60 ? 400 : 500);
            const wrong = cm.filter((v, i) => v !== expected(i % Width, Math.floor(i / Width)));
            expect(wrong).toEqual([]);
            // The stylization's guide plane is those distances over the model's 3..7 range.
            const plane = Width * Height;
            const guide = cm.map((v) => depthGuideValue(v / 100, 3, 7));
            expect(maxAbsDiff(input.subarray(3 * plane), guide)).toBeLessThan(1e-6);
        } finally {
            await demo.page.close();
        }
    });
});

/** Runs the CLI as a user would (through tsx on the sources), without blocking this process: it serves the pages. */
function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const command = [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "src", "cli", "main.ts"), ...args];
    return new Promise((resolve) => {
        execFile(process.execPath, command, { cwd: tmp, timeout: 180_000 }, (error, out, err) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out, err });
        });
    });
}

describe("babylon-stylize capture", () => {
    test("records a minimal game page: numbered frames, depth maps, frames.json, the HUD left out", async () => {
        const out = path.join(tmp, "minimal");
        const url = `${session.baseUrl}/test-pages/minimal-game.html`;
        const run = await cli(
            "capture",
            url,
            "--out",
            out,
            "--count",
            "4",
            "--every",
            "3",
            "--size",
            "96",
            "--depth",
            "--normal",
            "--viewport",
            "320x180",
            "--software-gpu"
        );
        expect(run.err).toBe("");
        expect(run.code).toBe(0);
        expect(run.out).toContain(`wrote 4 168x96 frames (webgl) to ${out}/`);
        expect(fs.readdirSync(out).sort()).toEqual(["00000.png", "00001.png", "00002.png", "00003.png", "depth", "frames.json", "normal"]);
        expect(fs.readdirSync(path.join(out, "normal")).length).toBe(4);
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "frames.json"), "utf8"));
        expect(manifest).toMatchObject({ engine: "webgl", width: 168, height: 96, every: 3, guides: ["depth", "normal"] });
        const ids = manifest.frames.map((f: any) => f.frameId);
        ids.slice(1).forEach((id: number, i: number) => expect(id - ids[i]).toBeGreaterThanOrEqual(3));
        const frame = PNG.sync.read(fs.readFileSync(path.join(out, "00000.png")));
        expect([frame.width, frame.height]).toEqual([168, 96]);
        // The white "SCORE 42" label is drawn over the top of the screen; the recorded frames hold only the sky there.
        let brightest = 0;
        for (let i = 0; i < frame.width * 20; i++) {
            brightest = Math.max(brightest, Math.min(frame.data[i * 4], frame.data[i * 4 + 1], frame.data[i * 4 + 2]));
        }
        expect(brightest).toBeLessThan(200);
        // The ground below the box is a few units away; the sky in the top corner is nothing (0).
        const depth = grey(PNG.sync.read(fs.readFileSync(path.join(out, "depth", "00000.png")), { skipRescale: true }));
        expect(depth[0]).toBe(0);
        const below = depth[(96 - 4) * 168 + 84];
        expect(below).toBeGreaterThan(200);
        expect(below).toBeLessThan(1000);
        // Normals: the sky is the zero normal (128 each); the ground, seen from above, faces up in view space (y > 0).
        const normals = PNG.sync.read(fs.readFileSync(path.join(out, "normal", "00000.png")));
        expect(Array.from(normals.data.subarray(0, 3))).toEqual([128, 128, 128]);
        expect(normals.data[((96 - 4) * 168 + 84) * 4 + 1]).toBeGreaterThan(160);

        // A second recording into the same folder is refused unless --overwrite.
        const again = await cli("capture", url, "--out", out, "--count", "1", "--software-gpu");
        expect(again.code).toBe(2);
        expect(again.err).toMatch(/already holds a recording \(00000\.png, …\); choose an empty folder or pass --overwrite/);
        expect((await cli("capture", url, "--out", out, "--count", "1", "--overwrite", "--software-gpu")).code).toBe(0);
        expect(fs.readdirSync(out).sort()).toEqual(["00000.png", "frames.json"]);
    });

    test("records the demo along its camera path (--scene, --each)", async () => {
        const out = path.join(tmp, "demo");
        const url = `${session.baseUrl}/?engine=webgl&stylize=0&hud=0&scale=1`;
        const run = await cli(
            "capture",
            url,
            "--out",
            out,
            "--count",
            "2",
            "--scene",
            "demo.scene",
            "--each",
            "demo.goToPathFrame(i * 50)",
            "--viewport",
            "160x120",
            "--software-gpu"
        );
        expect(run.err).toBe("");
        expect(run.code).toBe(0);
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "frames.json"), "utf8"));
        expect(manifest).toMatchObject({ width: 160, height: 120 });
        expect(manifest.frames[0].camera.position).not.toEqual(manifest.frames[1].camera.position);
    });

    test("a page without a scene, or whose scene lacks the plugin, gets a clear error", async () => {
        const url = `${session.baseUrl}/test-pages/minimal-game.html`;
        const none = await cli("capture", url, "--out", path.join(tmp, "none"), "--scene", "window.noSuchScene", "--timeout", "3", "--software-gpu");
        expect(none.code).toBe(1);
        expect(none.err).toMatch(/the page never exposed a scene as "window.noSuchScene" within 3 s/);
        const plain = await cli("capture", url, "--out", path.join(tmp, "plain"), "--scene", "({})", "--software-gpu");
        expect(plain.code).toBe(1);
        expect(plain.err).toMatch(/the page's scene \(\(\{\}\)\) has no captureTrainingFrames: the page must import babylon-stylize/);
    });
});
