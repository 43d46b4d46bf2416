/**
 * What selective stylization costs a frame: the village at a held path frame, the result frozen (no inference competing
 * for the cores), median frame time (render + a canvas read that waits for the GPU) with nothing left out, a depth
 * range, the villagers excluded, and both; with the temporal filter off (the mask then runs the geometry pass itself)
 * and on (it shares the filter's). Settings alternate over several rounds so drift hits them alike.
 * Writes bench/report/selection.md and .json.
 *
 *   npm run bench:selection     (needs the demo built: npm run pretest or npm run build:demo)
 *
 * SwiftShader on 2 CPU cores: compare the differences within one run, not absolute times.
 */
import type { Page } from "playwright-core";
import { openDemo, type BrowserSession } from "../test/browser/chromium";
import { median, runCases, writeJson, writeReport } from "./benchTools";

const [Width, Height] = [640, 360];
const PathFrame = 330;
const Rounds = 4;
const FramesPerRound = 15;
const Engines = ["webgl", "webgpu"] as const;
const Selections: Array<{ name: string; settings: string }> = [
    { name: "nothing left out", settings: "{ exclude: null, depthRange: null }" },
    { name: "depth range", settings: "{ exclude: null, depthRange: { far: 30, softness: 10 } }" },
    { name: "villagers excluded", settings: "{ exclude: (m) => m.name.startsWith('villager'), depthRange: null }" },
    { name: "both", settings: "{ exclude: (m) => m.name.startsWith('villager'), depthRange: { far: 30, softness: 10 } }" },
];
const Temporal = [
    { name: "temporal off", temporal: { reproject: false, history: 0 } },
    { name: "temporal on", temporal: { reproject: true, history: 0 } },
];

/** Frame times (ms) of `count` frames rendered one by one, each waited for. */
async function renderFrames(page: Page, count: number): Promise<number[]> {
    return page.evaluate(async (count) => {
        const { engine, scene } = (window as any).demo;
        const probe = new OffscreenCanvas(1, 1).getContext("2d", { willReadFrequently: true })!;
        const times: number[] = [];
        engine.stopRenderLoop();
        for (let i = 0; i < count; i++) {
            const started = performance.now();
            engine.beginFrame();
            scene.render();
            engine.endFrame();
            probe.drawImage(engine.getRenderingCanvas(), 0, 0, 1, 1);
            probe.getImageData(0, 0, 1, 1);
            times.push(performance.now() - started);
            await new Promise((resolve) => setTimeout(resolve, 0));
        }
        engine.runRenderLoop(() => scene.render());
        return times;
    }, count);
}

async function apply(page: Page, settings: string, temporal: object): Promise<void> {
    await page.evaluate(
        ({ settings, temporal }) => {
            const st = (window as any).demo.stylization;
            Object.assign(st, new Function(`return (${settings});`)());
            st.temporal = temporal;
        },
        { settings, temporal }
    );
}

interface EngineResult {
    engine: string;
    /** Median ms per frame, by temporal setting then selection. */
    frameMs: Record<string, Record<string, number>>;
}

async function benchEngine(session: BrowserSession, engine: (typeof Engines)[number]): Promise<EngineResult> {
    const query = { engine, ep: "wasm", size: `${Width}x${Height}`, hud: "0", frame: String(PathFrame), height: "128" };
    const demo = await openDemo(session, query, 120_000, { width: Width, height: Height });
    const page = demo.page;
    await page.waitForFunction(() => (window as any).demo.stylization.stats.framesStylized >= 2, null, { timeout: 120_000, polling: 200 });
    await page.evaluate(() => ((window as any).demo.stylization.frozen = true));
    const times: Record<string, Record<string, number[]>> = {};
    for (let round = 0; round < Rounds; round++) {
        for (const t of Temporal) {
            for (const s of Selections) {
                await apply(page, s.settings, t.temporal);
                await renderFrames(page, 3); // shaders compiled, passes running
                ((times[t.name] ??= {})[s.name] ??= []).push(...(await renderFrames(page, FramesPerRound)));
            }
        }
    }
    await page.close();
    const frameMs = Object.fromEntries(
        Object.entries(times).map(([t, bySelection]) => [t, Object.fromEntries(Object.entries(bySelection).map(([s, v]) => [s, median(v)]))])
    );
    return { engine, frameMs };
}

async function main(): Promise<void> {
    const results = await runCases(Engines, benchEngine, {}, (r) => JSON.stringify(r));
    const lines = [
        "# Selective stylization: cost per frame",
        "",
        `The village at path frame ${PathFrame}, ${Width}x${Height}, the stylized result frozen (wasm provider, inference height 128),`,
        `median ms per frame over ${Rounds} rounds of ${FramesPerRound} frames per setting (render + a canvas read that waits for the`,
        "GPU). The mask is drawn at the frame's full size; 'depth range' needs the geometry pass (shared with the temporal",
        "filter when it runs), 'villagers excluded' adds a depth pass over the villagers and the soft edge (two separable 5-tap passes).",
        "SwiftShader on 2 CPU cores: compare differences within a column.",
        "",
    ];
    for (const t of Temporal) {
        lines.push(`## ${t.name}`, "", "| selection | " + results.map((r) => r.engine).join(" | ") + " |", "|---|" + results.map(() => "---|").join(""));
        for (const s of Selections) {
            const cells = results.map((r) => {
                const ms = r.frameMs[t.name][s.name];
                const base = r.frameMs[t.name][Selections[0].name];
                return s === Selections[0] ? `${ms.toFixed(1)} ms` : `${ms.toFixed(1)} ms (${ms >= base ? "+" : ""}${(ms - base).toFixed(1)})`;
            });
            lines.push(`| ${s.name} | ${cells.join(" | ")} |`);
        }
        lines.push("");
    }
    writeJson("selection", results);
    writeReport("selection", lines);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
