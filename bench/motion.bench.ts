/**
 * Motion: how far the shown image is behind the camera, and how stable it is over time, along the demo's camera path
 * played one path frame per rendered frame (the loop driven at 25 fps, the wasm provider running in real time).
 *
 * Per engine: first every path frame of the segment is held until a result of its own shows (the ideal frame: no lag),
 * with its unstylized input, view-space depth and camera (the motion ground truth). Then the path plays with
 * reprojection off, on, and on with the stabilizer, and every displayed frame is kept. Figures (8-bit levels):
 * lag error mean|displayed_t - ideal_t|; warping error mean|S_t - warp(S_t-1)| over pixels visible in both frames
 * (input and ideal as references); flicker ratio; change where the input did not change; frame time of each setting.
 * Also the static check: a held frame with the stabilizer, consecutive displayed frames compared; and the seed's
 * comparison: the same held frames stylized by a per-frame network of fast_neural_style's TransformerNet layout,
 * trained by the recipe on the default model's targets (training/configs/oil-transformer.json), against the default
 * few-shot generator's.
 *
 *   npm run bench:motion     (needs the demo built: npm run pretest or npm run build:demo; WebGPU needs Xvfb)
 *
 * Writes bench/report/motion.md and motion.json. SwiftShader on 2 cores: compare settings within one run.
 */
import fs from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import { openDemo, type BrowserSession } from "../test/browser/chromium";
import { median, runCases, writeJson, writeReport } from "./benchTools";
import { ShippedModels } from "../src/demo-level/modelManifest";
import { correspondence, sequenceFigures, type FrameTruth, type SequenceFigures } from "./motionMetrics";

const Start = Number(process.env.MOTION_START ?? 600);
const Frames = Number(process.env.MOTION_FRAMES ?? 36);
const [Width, Height] = [320, 240];
const InferenceHeight = 128;
const FrameMs = 40;
/** The per-frame baseline compared with the default few-shot generator (MOTION_BASELINE=<url>, "" to skip). */
const Baseline = process.env.MOTION_BASELINE ?? "models/oil-transformer.onnx";
/** The frame of the segment shown side by side in the strip (mid-turn). */
const StripFrame = Number(process.env.MOTION_STRIP ?? 18);

const Cases = (process.env.MOTION_ENGINES ?? "webgl,webgpu").split(",").map((engine) => ({ engine: engine as "webgl" | "webgpu" }));
/** Stabilizer weights played after reprojection off and on (MOTION_HISTORY=0.8,0.9). */
const Histories = (process.env.MOTION_HISTORY ?? "0.8").split(",").map(Number);
const Settings = [
    { name: "reprojection off", temporal: { reproject: false, history: 0 } },
    { name: "reprojection on", temporal: { reproject: true, history: 0 } },
    ...Histories.map((history) => ({ name: `reprojection + stabilizer ${history}`, temporal: { reproject: true, history } })),
];

interface CaseResult {
    engine: string;
    references: { input: SequenceFigures; ideal: SequenceFigures; baseline?: SequenceFigures };
    settings: Array<{ name: string; figures: SequenceFigures; frameMs: number; meanAge: number }>;
    /** A held frame with the stabilizer: consecutive displayed frames' largest difference (levels), once settled. */
    staticCheck: { change: number; settleSeconds: number };
    /** Median frame time per setting with the result frozen (the temporal work alone), ms. */
    passCost: Record<string, number>;
}

async function screenshot(page: Page): Promise<Uint8Array> {
    const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width: Width, height: Height } }));
    return new Uint8Array(png.data);
}

/** Holds path frame `frame` until a result captured after the hold shows. */
async function holdUntilStylized(page: Page, frame: number): Promise<void> {
    await page.evaluate(async (frame) => {
        const { demo } = window as any;
        await demo.goToPathFrame(frame);
        const st = demo.stylization;
        const heldAt = demo.engine.frameId;
        const give = Date.now() + 60_000;
        await new Promise<void>((resolve, reject) => {
            const check = () => {
                if (st.stats.resultFrameId > heldAt && st.showingStylized) {
                    setTimeout(resolve, 150);
                } else if (Date.now() > give) {
                    reject(new Error(`no result for path frame ${frame} within 60 s: ${JSON.stringify(st.pipelineState)} ${st.lastError ?? ""}`));
                } else {
                    setTimeout(check, 10);
                }
            };
            check();
        });
    }, frame);
}

/** The ideal frame, the input, the depth and the camera of every path frame of the segment. */
async function groundTruth(page: Page): Promise<{ ideal: Uint8Array[]; inputs: Uint8Array[]; truths: FrameTruth[] }> {
    const [ideal, inputs, truths] = [[], [], []] as [Uint8Array[], Uint8Array[], FrameTruth[]];
    await page.evaluate(() => {
        const { demo } = window as any;
        demo.stylization.temporal = { reproject: false, history: 0 };
        demo.scene.enableDepthRenderer(demo.scene.activeCamera, false, true, 1, true); // view-space z, nearest
    });
    for (let t = 0; t <= Frames; t++) {
        await holdUntilStylized(page, Start + t);
        ideal.push(await screenshot(page));
        await page.evaluate(() => ((window as any).demo.stylization.view = "original"));
        await page.evaluate(
            () =>
                new Promise<void>((resolve) => {
                    const { scene } = (window as any).demo;
                    let frames = 0;
                    const observer = scene.onAfterRenderObservable.add(() => ++frames === 2 && (scene.onAfterRenderObservable.remove(observer), resolve()));
                })
        );
        inputs.push(await screenshot(page));
        await page.evaluate(() => ((window as any).demo.stylization.view = "stylized"));
        const truth = await page.evaluate(async () => {
            const { scene } = (window as any).demo;
            const camera = scene.activeCamera;
            const map = scene.enableDepthRenderer(camera, false, true, 1, true).getDepthMap();
            const { width, height } = map.getSize();
            const data = (await map.readPixels()) as Float32Array;
            const channels = data.length / (width * height);
            const depth: number[] = [];
            for (let y = height - 1; y >= 0; y--) {
                for (let x = 0; x < width; x++) {
                    depth.push(data[(y * width + x) * channels]); // rows bottom-up in the target
                }
            }
            return {
                width,
                height,
                depth,
                view: camera.getViewMatrix().toArray(),
                viewProjection: camera.getTransformationMatrix().toArray(),
                far: camera.maxZ,
            };
        });
        truths.push({ ...truth, depth: Float32Array.from(truth.depth), view: Array.from(truth.view), viewProjection: Array.from(truth.viewProjection) });
    }
    await page.evaluate(() => (window as any).demo.scene.disableDepthRenderer());
    return { ideal, inputs, truths };
}

/** Every path frame of the segment held until stylized by the model at `url` (the demo's default model again after). */
async function heldFrames(page: Page, url: string): Promise<Uint8Array[]> {
    const setModel = (url: string) => page.evaluate((url) => (window as any).demo.stylization.setModel(url), url);
    await setModel(url);
    const frames: Uint8Array[] = [];
    for (let t = 0; t <= Frames; t++) {
        await holdUntilStylized(page, Start + t);
        frames.push(await screenshot(page));
    }
    await setModel(ShippedModels[0].url);
    return frames;
}

/** Plays the segment one path frame per rendered frame at 25 fps and keeps every displayed frame. */
async function play(page: Page, temporal: object, fresh = true): Promise<{ frames: Uint8Array[]; frameMs: number; meanAge: number }> {
    await page.evaluate((temporal) => ((window as any).demo.stylization.temporal = temporal), temporal);
    if (fresh) {
        await holdUntilStylized(page, Start);
    }
    const played = await page.evaluate(
        async ({ start, count, width, height, frameMs }) => {
            const { demo } = window as any;
            const { engine, scene } = demo;
            const director = demo.level.director;
            const canvas = engine.getRenderingCanvas();
            const copy = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true })!;
            const frames: string[] = [];
            const times: number[] = [];
            let age = 0;
            engine.stopRenderLoop();
            for (let t = 0; t <= count; t++) {
                const started = performance.now();
                director.holdPathFrame(start + t);
                engine.beginFrame();
                scene.render();
                engine.endFrame();
                copy.drawImage(canvas, 0, 0, width, height);
                const pixels = copy.getImageData(0, 0, width, height).data;
                times.push(performance.now() - started);
                age += engine.frameId - demo.stylization.stats.resultFrameId;
                let binary = "";
                for (let i = 0; i < pixels.length; i += 8192) {
                    binary += String.fromCharCode(...pixels.subarray(i, i + 8192));
                }
                frames.push(btoa(binary));
                await new Promise((resolve) => setTimeout(resolve, Math.max(0, frameMs - (performance.now() - started))));
            }
            engine.runRenderLoop(() => scene.render());
            return { frames, times, age: age / (count + 1) };
        },
        { start: Start, count: Frames, width: Width, height: Height, frameMs: FrameMs }
    );
    return {
        frames: played.frames.map((b64) => new Uint8Array(Buffer.from(b64, "base64"))),
        frameMs: median(played.times),
        meanAge: played.age,
    };
}

/**
 * What the temporal work costs a frame: the result frozen (no inference competing for the cores), the path playing,
 * median frame time (render + the canvas read that waits for the GPU) for each setting.
 */
async function passCost(page: Page): Promise<Record<string, number>> {
    const costs: Record<string, number> = {};
    for (const setting of Settings) {
        await page.evaluate((temporal) => ((window as any).demo.stylization.temporal = temporal), setting.temporal);
        await holdUntilStylized(page, Start); // a result with its capture's depth
        await page.evaluate(() => ((window as any).demo.stylization.frozen = true));
        costs[setting.name] = (await play(page, setting.temporal, false)).frameMs;
        await page.evaluate(() => ((window as any).demo.stylization.frozen = false));
    }
    return costs;
}

/**
 * A held frame with the stabilizer (after the path, so the history starts from another view): how long until two
 * consecutive displayed frames are identical, and the largest change between them when it stops waiting (20 s).
 */
async function staticCheck(page: Page): Promise<{ change: number; settleSeconds: number }> {
    await page.evaluate(() => ((window as any).demo.stylization.temporal = { reproject: true, history: 0.8 }));
    await page.evaluate((frame) => (window as any).demo.goToPathFrame(frame), Start + Frames);
    const started = Date.now();
    await holdUntilStylized(page, Start);
    let change = Infinity;
    while (change > 0 && Date.now() - started < 20_000) {
        const first = await screenshot(page);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
        const second = await screenshot(page);
        change = 0;
        for (let j = 0; j < first.length; j++) {
            change = j % 4 === 3 ? change : Math.max(change, Math.abs(first[j] - second[j]));
        }
    }
    return { change, settleSeconds: (Date.now() - started) / 1000 };
}

/** Frame StripFrame of each sequence side by side (input, ideal, then each setting): bench/report/<name>. */
function writeStrip(name: string, sequences: Uint8Array[][]): void {
    const png = new PNG({ width: Width * sequences.length, height: Height });
    sequences.forEach((frames, k) => {
        const frame = frames[Math.min(StripFrame, frames.length - 1)];
        for (let y = 0; y < Height; y++) {
            png.data.set(frame.subarray(y * Width * 4, (y + 1) * Width * 4), (y * png.width + k * Width) * 4);
        }
    });
    fs.mkdirSync(path.join("bench", "report"), { recursive: true });
    fs.writeFileSync(path.join("bench", "report", name), PNG.sync.write(png));
}

async function benchCase(session: BrowserSession, c: (typeof Cases)[number]): Promise<CaseResult> {
    const query = { engine: c.engine, ep: "wasm", height: String(InferenceHeight), hud: "0", size: `${Width}x${Height}`, frame: String(Start), scale: "1" };
    const demo = await openDemo(session, query, 180_000, { width: Width, height: Height });
    const page = demo.page;
    await page.addScriptTag({ content: "window.__name = (f) => f;" });
    await page.waitForFunction(() => (window as any).demo.stylization?.stats.framesStylized > 1, null, { timeout: 180_000 });
    const truth = await groundTruth(page);
    const matches = truth.truths.map((now, t) => (t === 0 ? new Int32Array(0) : correspondence(now, truth.truths[t - 1])));
    const result: CaseResult = {
        engine: c.engine,
        references: {
            input: sequenceFigures(truth.inputs, truth.inputs, matches),
            ideal: sequenceFigures(truth.ideal, truth.inputs, matches, truth.ideal),
        },
        settings: [],
        staticCheck: { change: NaN, settleSeconds: NaN },
        passCost: {},
    };
    if (Baseline) {
        const baseline = await heldFrames(page, Baseline);
        result.references.baseline = sequenceFigures(baseline, truth.inputs, matches, baseline);
        writeStrip(`motion-baseline-${c.engine}.png`, [truth.inputs, truth.ideal, baseline]);
    }
    const strip = [truth.inputs, truth.ideal];
    for (const setting of Settings) {
        const played = await play(page, setting.temporal);
        strip.push(played.frames);
        result.settings.push({
            name: setting.name,
            figures: sequenceFigures(played.frames, truth.inputs, matches, truth.ideal),
            frameMs: played.frameMs,
            meanAge: played.meanAge,
        });
    }
    writeStrip(`motion-strip-${c.engine}.png`, strip);
    result.passCost = await passCost(page);
    result.staticCheck = await staticCheck(page);
    if (demo.errors.length) {
        console.warn(demo.errors.join("\n"));
    }
    await page.close();
    return result;
}

const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "–");

function report(results: CaseResult[]): string[] {
    const lines = [
        "# Motion: lag and temporal stability along the camera path",
        "",
        `Path frames ${Start}-${Start + Frames}, one per rendered frame at ${1000 / FrameMs} fps, canvas ${Width}x${Height}, inference height ${InferenceHeight}, ` +
            "default model (oil paint), wasm provider. Figures in 8-bit levels. Ideal = each path frame held until its own result shows. " +
            "Warping error uses the engine's depth and cameras as motion ground truth (pixels visible in both frames).",
        "",
        "| engine | sequence | lag error | warping error | flicker ratio | change where input still | mean abs(dS - dI) | frame ms | result age (frames) |",
        "|---|---|---|---|---|---|---|---|---|",
    ];
    for (const r of results) {
        const row = (name: string, s: SequenceFigures, ms = NaN, age = NaN) =>
            `| ${r.engine} | ${name} | ${f(s.lagError)} | ${f(s.warpingError)} | ${f(s.flickerRatio)} | ${f(s.changeWhereInputStill)} | ${f(s.changeMismatch)} | ${f(ms, 1)} | ${f(age, 1)} |`;
        lines.push(row("input (reference)", r.references.input), row("ideal stylized (no lag)", r.references.ideal));
        if (r.references.baseline) {
            lines.push(row("ideal, per-frame TransformerNet", r.references.baseline));
        }
        for (const s of r.settings) {
            lines.push(row(s.name, s.figures, s.frameMs, s.meanAge));
        }
    }
    lines.push("", "Ratios (goals: lag with reprojection <= 0.5x without; stylized warping error with the stabilizer <= 1.3x the input's):", "");
    for (const r of results) {
        const [off, on, stable] = [r.settings[0], r.settings[1], r.settings[r.settings.length - 1]].map((s) => s.figures);
        lines.push(
            `- ${r.engine}: lag error on/off ${f(on.lagError / off.lagError)}x; warping error stabilizer/input ${f(stable.warpingError / r.references.input.warpingError)}x ` +
                `(reprojection only ${f(on.warpingError / r.references.input.warpingError)}x, ideal ${f(r.references.ideal.warpingError / r.references.input.warpingError)}x); ` +
                `static scene with the stabilizer 0.8, coming from another view: consecutive frames identical (largest change ${r.staticCheck.change}) ` +
                `${f(r.staticCheck.settleSeconds, 1)} s after the hold`
        );
    }
    const compared = results.filter((r) => r.references.baseline);
    if (compared.length) {
        lines.push(
            "",
            `The seed's comparison, each path frame held until stylized (no temporal help): the default few-shot generator (0.5 MB) against ${Baseline} ` +
                "(fast_neural_style's TransformerNet layout, 6.7 MB, trained by the recipe on the same targets). Ratios to the input's own figures:",
            ""
        );
        for (const r of compared) {
            const [input, fewshot, baseline] = [r.references.input, r.references.ideal, r.references.baseline!];
            lines.push(
                `- ${r.engine}: warping error ${f(fewshot.warpingError / input.warpingError)}x (few-shot) vs ${f(baseline.warpingError / input.warpingError)}x (TransformerNet); ` +
                    `flicker ratio ${f(fewshot.flickerRatio)} vs ${f(baseline.flickerRatio)}; change where the input is still ${f(fewshot.changeWhereInputStill)} vs ${f(baseline.changeWhereInputStill)}`
            );
        }
    }
    lines.push("", "Cost of the temporal work (result frozen, no inference running; median frame ms while the path plays):", "");
    for (const r of results) {
        const [off, on, stable] = [Settings[0], Settings[1], Settings[Settings.length - 1]].map((s) => r.passCost[s.name]);
        lines.push(
            `- ${r.engine}: off ${f(off, 1)}, reprojection ${f(on, 1)} (+${f(on - off, 1)}), with the stabilizer ${f(stable, 1)} (+${f(stable - off, 1)})`
        );
    }
    return lines;
}

const results = await runCases(Cases, benchCase, {}, (r) => JSON.stringify({ engine: r.engine, settings: r.settings.map((s) => [s.name, s.figures]) }));
writeJson("motion", results);
writeReport("motion", report(results));
