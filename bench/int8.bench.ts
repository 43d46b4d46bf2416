/**
 * int8 vs fp32 on the wasm provider: the recipe's QDQ twin (`training/recipe.py quantize`) of the shipped default
 * generator against the fp32 model, in one page with the plugin's own onnxruntime-web build (2 threads, worker proxy):
 * median run time at several inference sizes (the two models interleaved, so drift hits both) and the PSNR of the
 * int8 output against the fp32 output on a held demo frame. onnxruntime-node gives the same figures natively.
 * Writes bench/report/int8.md and int8.json.
 *
 *   npm run bench:int8      (needs the demo built; makes the int8 twin in bench/models/ when missing)
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { openDemo } from "../test/browser/chromium";
import { tensorPsnr } from "../test/referencePairs";
import { TrainingPython, median, runCases, writeJson, writeReport } from "./benchTools";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..");
const Fp32 = "models/oil-tiny.onnx";
const Int8 = "bench/models/oil-tiny.int8.onnx";
const Sizes = [
    [168, 128],
    [256, 192],
    [424, 320],
];
const Runs = Number(process.env.BENCH_RUNS ?? 9);

/** Median ms of interleaved runs of both models in onnxruntime-node (2 threads), and the int8 PSNR against fp32. */
async function nodeFigures(input: Float32Array, width: number, height: number): Promise<{ fp32: number; int8: number; psnr: number }> {
    const sessions = await Promise.all([Fp32, Int8].map((m) => ort.InferenceSession.create(path.join(root, m), { intraOpNumThreads: 2 })));
    const feeds = { input: new ort.Tensor("float32", input, [1, 3, height, width]) };
    const outputs = await Promise.all(sessions.map(async (s) => (await s.run(feeds)).output.data as Float32Array));
    const times: number[][] = [[], []];
    for (let i = 0; i < Runs; i++) {
        for (const [k, s] of sessions.entries()) {
            const started = performance.now();
            await s.run(feeds);
            times[k].push(performance.now() - started);
        }
    }
    await Promise.all(sessions.map((s) => s.release()));
    return { fp32: median(times[0]), int8: median(times[1]), psnr: tensorPsnr(outputs[0], outputs[1]) };
}

async function main(): Promise<void> {
    if (!fs.existsSync(path.join(root, Int8))) {
        const out = path.dirname(Int8);
        fs.mkdirSync(path.join(root, out), { recursive: true });
        fs.copyFileSync(path.join(root, Fp32), path.join(root, out, "oil-tiny.onnx"));
        execFileSync(TrainingPython, ["training/recipe.py", "quantize", "training/configs/oil-tiny.json", "--out", out], { cwd: root, stdio: "inherit" });
    }
    const rows = await runCases(Sizes, async (session, [width, height]) => {
        const demo = await openDemo(session, { engine: "webgl", hud: "0", frame: "600", stylize: "0" });
        await demo.page.evaluate("window.__name = (f) => f");
        // The demo frame as the network sees it (the plugin's capture at this size), for the PSNR.
        const web = await demo.page.evaluate(
            async ({ models, width, height, runs }) => {
                const { scene, api } = (window as any).demo;
                const st = await scene.enableStylization(models[0], { executionProvider: "wasm", targetHeight: height });
                while (st.stats.framesStylized < 1) {
                    await new Promise((r) => setTimeout(r, 50));
                }
                st.enabled = false;
                const input: Float32Array = await st.readInputTensor();
                scene.disableStylization();
                const ortWeb = await api.loadOrtWasm();
                const sessions = [];
                for (const m of models) {
                    const bytes = new Uint8Array(await (await fetch(m)).arrayBuffer());
                    sessions.push(await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" }));
                }
                const run = async (s: any) => (await s.run({ input: new ortWeb.Tensor("float32", input.slice(), [1, 3, height, width]) })).output.getData();
                const outputs = [await run(sessions[0]), await run(sessions[1])];
                const times: number[][] = [[], []];
                for (let i = 0; i < runs; i++) {
                    for (const [k, s] of sessions.entries()) {
                        const started = performance.now();
                        await run(s);
                        times[k].push(performance.now() - started);
                    }
                }
                for (const s of sessions) {
                    await s.release();
                }
                return { input: Array.from(input), outputs: outputs.map((o: Float32Array) => Array.from(o)), times, size: [st.stats.inferenceWidth, height] };
            },
            { models: [Fp32, Int8], width, height, runs: Runs }
        );
        await demo.page.close();
        const [fp32, int8] = web.times.map(median);
        const node = await nodeFigures(new Float32Array(web.input), width, height);
        return {
            width,
            height,
            wasm: { fp32, int8, speedup: fp32 / int8, psnr: tensorPsnr(new Float32Array(web.outputs[0]), new Float32Array(web.outputs[1])) },
            node: { ...node, speedup: node.fp32 / node.int8 },
        };
    });
    const f = (v: number, d = 1) => v.toFixed(d);
    writeJson("int8", { date: new Date().toISOString(), runs: Runs, rows });
    writeReport("int8", [
        "# int8 (QDQ) vs fp32",
        "",
        `${new Date().toISOString()} · \`${Fp32}\` and its QDQ twin (\`training/recipe.py quantize\`, calibrated on the 10 keyframe inputs in assets/ at 256x192, every other one) · input: path frame 600 of the demo level as the plugin captures it · ${Runs} interleaved runs each, median · Chromium wasm 2 threads (worker proxy) and onnxruntime-node 2 threads on this 2-core machine.`,
        "Ship rule (issue Throughput): ≥ 1.5x faster on wasm with ≥ 35 dB against the fp32 output.",
        "",
        "| inference size | wasm fp32 ms | wasm int8 ms | wasm speed-up | PSNR int8 vs fp32 (wasm) | node fp32 ms | node int8 ms | node speed-up | PSNR (node) |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows.map(
            (r) =>
                `| ${r.width}x${r.height} | ${f(r.wasm.fp32)} | ${f(r.wasm.int8)} | ${f(r.wasm.speedup, 2)}x | ${f(r.wasm.psnr)} dB | ${f(r.node.fp32)} | ${f(r.node.int8)} | ${f(r.node.speedup, 2)}x | ${f(r.node.psnr)} dB |`
        ),
        "",
    ]);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
