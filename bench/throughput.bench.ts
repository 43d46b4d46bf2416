/**
 * Throughput: what the plugin adds to the network's own time. For the shipped default generator on a held path frame
 * (a still, so every inference sees the same content), in one page: the pure onnxruntime-web run (the plugin's own
 * build and env, the plugin idle), the plugin's inference stage, and the period between stylized frames; their ratios
 * to the pure run; onnxruntime-node on the same model and size. Writes bench/report/throughput.md.
 *
 *   npm run bench:throughput      (needs the demo built; BENCH_SECONDS per case, default 12)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDemo, type BrowserSession } from "../test/browser/chromium";
import { median, nodeMedianRun, runCases, writeReport } from "./benchTools";

const Seconds = Number(process.env.BENCH_SECONDS ?? 12);
const Model = "models/oil-tiny.onnx";
const Cases: Array<{ engine: "webgl" | "webgpu"; ep: "wasm"; height: number }> = [
    { engine: "webgl", ep: "wasm", height: 128 },
    { engine: "webgl", ep: "wasm", height: 192 },
    { engine: "webgpu", ep: "wasm", height: 192 },
];
const here = path.dirname(fileURLToPath(import.meta.url));
async function benchCase(session: BrowserSession, c: (typeof Cases)[number]): Promise<string> {
    const demo = await openDemo(session, { engine: c.engine, ep: c.ep, height: String(c.height), hud: "0", model: Model, frame: "600" });
    await demo.page.evaluate("window.__name = (f) => f"); // tsx keeps function names with a helper the page lacks
    await demo.page.waitForFunction(() => (window as any).demo.stylization?.stats.framesStylized > 2, null, { timeout: 180_000 });
    const plugin = await demo.page.evaluate(async (seconds) => {
        const st = (window as any).demo.stylization;
        const arrivals: number[] = [];
        const inference: number[] = [];
        const readback: number[] = [];
        const observer = st.onFrameStylizedObservable.add(() => {
            arrivals.push(performance.now());
            inference.push(st.stats.lastStages.inference);
            readback.push(st.stats.lastStages.readback);
        });
        await new Promise((r) => setTimeout(r, seconds * 1000));
        st.onFrameStylizedObservable.remove(observer);
        return { arrivals, inference, readback, width: st.stats.inferenceWidth, height: st.stats.inferenceHeight, provider: st.stats.executionProvider };
    }, Seconds);
    const pure = await demo.page.evaluate(
        async ({ model, width, height }) => {
            const { stylization, api } = (window as any).demo;
            stylization.enabled = false;
            await stylization.readOutputTensor(); // no inference in flight
            const ort = await api.loadOrtWasm(); // the plugin's own build and env (threads, worker proxy)
            const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
            const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
            const input = session.inputNames[0];
            const run = () => session.run({ [input]: new ort.Tensor("float32", new Float32Array(3 * width * height).fill(0.1), [1, 3, height, width]) });
            await run();
            await run();
            const times: number[] = [];
            for (let i = 0; i < 9; i++) {
                const started = performance.now();
                await run();
                times.push(performance.now() - started);
            }
            await session.release();
            return times;
        },
        { model: Model, width: plugin.width, height: plugin.height }
    );
    await demo.page.close();
    const pureMs = median(pure);
    const inferenceMs = median(plugin.inference);
    const periodMs = median(plugin.arrivals.slice(1).map((t, i) => t - plugin.arrivals[i]));
    const nodeMs = await nodeMedianRun(path.join(here, "..", Model), plugin.width, plugin.height);
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
    const r = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
    const readbackMs = median(plugin.readback);
    return `| ${c.engine} | ${plugin.provider} | ${plugin.width}x${plugin.height} | ${f(pureMs)} | ${f(inferenceMs)} (${r(inferenceMs / pureMs)}x) | ${f(periodMs)} (${r(periodMs / pureMs)}x) | ${f(readbackMs)} | ${plugin.inference.length} | ${f(nodeMs)} (wasm ${r(pureMs / nodeMs)}x) |`;
}

async function main(): Promise<void> {
    const rows = await runCases(Cases, benchCase);
    writeReport("throughput", [
        "# Throughput benchmark",
        "",
        `${new Date().toISOString()} · \`${Model}\` on path frame 600 of the demo level, 320x240 canvas · ${Seconds} s per case · Chromium (SwiftShader) on this machine.`,
        "Goals (issue Throughput): plugin inference / pure run ≤ 1.05, period / pure run ≤ 1.10. Compare ratios within this run.",
        "",
        "| engine | provider | inference size | pure run ms (median) | plugin inference stage ms (ratio) | period between results ms (ratio) | readback ms (overlapped) | results | onnxruntime-node ms (wasm / node) |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
    ]);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
