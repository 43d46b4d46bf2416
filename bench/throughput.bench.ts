/**
 * Throughput: what the plugin adds to the network's own time, for real generators. For each model, inference size
 * and engine/provider pair, in one page on a held path frame of the demo level (a still, so every inference sees the
 * same content), in rounds that alternate the plugin's window and the pure runs (drift hits both alike):
 *   - the pure onnxruntime-web run (the plugin's own builds and env; the same I/O as the plugin: CPU tensors, or GPU
 *     buffers on Babylon's device for zero-copy), the plugin's inference stage and the period between results, and
 *     their ratios to the pure run; the readback stage (overlapped with inference);
 *   - main-thread ms per rendered frame (engine begin→end frame) with stylization off and on;
 *   - JS heap and WebGPU bytes (every GPUBuffer/GPUTexture created on any device: Babylon's and onnxruntime's) that
 *     stylization holds, measured against the page before enabling;
 *   - onnxruntime-node on the same model, size and thread count;
 *   - where the CPU goes (bench/chromiumCpu.ts): cores used by the inference workers, the GPU process and the page's
 *     main thread, and frames per second, during the pure runs and while the plugin stylizes.
 * Models: the shipped default (`models/oil-tiny.onnx`, 0.5 MB) and the reference-size generator with random weights
 * (`bench/models/reference-untrained.onnx`, 12.5 MB; made by `training/recipe.py export-untrained` when missing).
 * Writes bench/report/throughput.md and throughput.json.
 *
 *   npm run bench:throughput      (needs the demo built; BENCH_SECONDS per case, default 10; BENCH_FILTER keeps the
 *                                 cases whose "model engine provider height" contains it, e.g. "oil-tiny webgl wasm";
 *                                 BENCH_TEMPORAL=off runs without the temporal filter, writing throughput-temporal-off.*)
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BrowserSession } from "../test/browser/chromium";
import { TrainingPython, median, nodeMedianRun, runCases, writeJson, writeReport } from "./benchTools";
import { cpuBetween, sampleChromiumCpu, type CpuSample, type CpuShares } from "./chromiumCpu";

const Seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** The temporal filter (reprojection, on by default) renders a geometry pass and a full-screen pass every frame. */
const TemporalOff = process.env.BENCH_TEMPORAL === "off";
/** Alternations of the plugin's window and the pure runs in each case. */
const Rounds = 3;
const ReportName = TemporalOff ? "throughput-temporal-off" : "throughput";
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..");
const Tiny = "models/oil-tiny.onnx";
const Reference = "bench/models/reference-untrained.onnx";

type Pair = { engine: "webgl" | "webgpu"; ep: "wasm" | "webgpu" };
interface Case extends Pair {
    model: string;
    height: number;
}
const ReadbackPairs: Pair[] = [
    { engine: "webgl", ep: "wasm" },
    { engine: "webgpu", ep: "wasm" },
];
const GpuPairs: Pair[] = [
    { engine: "webgpu", ep: "webgpu" }, // zero-copy
    { engine: "webgl", ep: "webgpu" }, // the WebGPU EP on its own device, asynchronous download
];
// The WebGPU EP on SwiftShader is far slower than wasm (7.5 s per run of the tiny model at 168x128): the tiny model at a
// small size only, to have the figures; the reference-size generator would take minutes per run there.
const Cases: Case[] = [
    ...[128, 192, 256].flatMap((height) => ReadbackPairs.map((p) => ({ ...p, model: Tiny, height }))),
    ...GpuPairs.map((p) => ({ ...p, model: Tiny, height: 64 })),
    ...[96, 128].flatMap((height) => ReadbackPairs.map((p) => ({ ...p, model: Reference, height }))),
].filter((c) => `${path.basename(c.model)} ${c.engine} ${c.ep} ${c.height}`.includes(process.env.BENCH_FILTER ?? ""));

/** Counts the bytes of live GPUBuffers and GPUTextures on every device the page creates (Babylon's and onnxruntime's). */
function trackGpuBytes(): void {
    const w = window as any;
    w.__gpuBytes = 0;
    if (typeof GPUDevice === "undefined") {
        return;
    }
    const live = new WeakMap<object, number>();
    const track = (object: { destroy(): void }, bytes: number) => {
        live.set(object, bytes);
        w.__gpuBytes += bytes;
        const destroy = object.destroy.bind(object);
        object.destroy = () => {
            w.__gpuBytes -= live.get(object) ?? 0;
            live.delete(object);
            destroy();
        };
        return object;
    };
    const createBuffer = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
        return track(createBuffer.call(this, descriptor), descriptor.size) as GPUBuffer;
    };
    const createTexture = GPUDevice.prototype.createTexture;
    GPUDevice.prototype.createTexture = function (this: GPUDevice, descriptor: GPUTextureDescriptor) {
        const texture = createTexture.call(this, descriptor);
        // An estimate per texel: 16 bytes for 32-bit float formats, 8 for 16-bit ones, 4 otherwise; mips and layers counted.
        const texel = /32float/.test(texture.format) ? 16 : /16float/.test(texture.format) ? 8 : 4;
        const layers = texture.depthOrArrayLayers * texture.sampleCount;
        let bytes = 0;
        for (let level = 0; level < texture.mipLevelCount; level++) {
            bytes += Math.max(1, texture.width >> level) * Math.max(1, texture.height >> level) * texel * layers;
        }
        return track(texture, bytes) as GPUTexture;
    };
}

async function benchCase(session: BrowserSession, c: Case) {
    const page = await session.browser.newPage({ viewport: { width: 320, height: 240 } });
    await page.addInitScript({ content: "window.__name = (f) => f;" }); // tsx names inner functions with a helper the page lacks
    await page.addInitScript(trackGpuBytes);
    const cpu = new Map<string, CpuSample>();
    await page.exposeFunction("__cpuMark", (name: string) => void cpu.set(name, sampleChromiumCpu()));
    await page.goto(`${session.baseUrl}/?${new URLSearchParams({ engine: c.engine, hud: "0", frame: "600", stylize: "0" })}`);
    await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 120_000 });
    const m = await page.evaluate(
        async ({ c, seconds, temporalOff, rounds }) => {
            const { scene, engine, api } = (window as any).demo;
            const w = window as any;
            const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
            const heap = () => (w.gc?.(), (performance as any).memory?.usedJSHeapSize ?? NaN);
            /** Main-thread ms of each frame rendered during `ms` (engine begin to end of frame). */
            const frameTimes = async (ms: number) => {
                const times: number[] = [];
                let began = 0;
                const begin = engine.onBeginFrameObservable.add(() => (began = performance.now()));
                const end = engine.onEndFrameObservable.add(() => began && times.push(performance.now() - began));
                await sleep(ms);
                engine.onBeginFrameObservable.remove(begin);
                engine.onEndFrameObservable.remove(end);
                return times;
            };
            await sleep(1000);
            const before = { heap: heap(), gpu: w.__gpuBytes, frames: await frameTimes(2000) };
            const temporal = temporalOff ? { reproject: false, history: 0 } : undefined;
            const st = await scene.enableStylization(c.model, { executionProvider: c.ep, targetHeight: c.height, temporal });
            /** Waits for `count` more results. */
            const results = async (count: number) => {
                const target = st.stats.framesStylized + count;
                while (st.stats.framesStylized < target) {
                    await sleep(20);
                }
            };
            await results(2);
            const { inferenceWidth: width, inferenceHeight: height, executionProvider: provider, zeroCopy, precision } = st.stats;
            st.frozen = true;
            await st.readOutputTensor(); // no inference in flight while the pure session starts (one onnxruntime instance)
            // The pure run: the plugin's own onnxruntime build and env, the same I/O as the plugin's path.
            const ort = c.ep === "wasm" ? await api.loadOrtWasm() : await api.loadOrtWebGpu();
            // The model the plugin runs: its fp16 twin where the WebGPU EP's device has shader-f16.
            const file = precision.precision === "fp16" ? c.model.replace(/\.onnx$/, ".fp16.onnx") : c.model;
            const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
            const device = zeroCopy ? engine._device : undefined;
            const ep = device ? { name: "webgpu", device } : c.ep;
            const pure = await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: "all" });
            const dims = [1, 3, height, width];
            let run: () => Promise<unknown>;
            const buffers: GPUBuffer[] = [];
            if (device) {
                const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
                buffers.push(device.createBuffer({ size: 12 * width * height, usage }), device.createBuffer({ size: 12 * width * height, usage }));
                const input = ort.Tensor.fromGpuBuffer(buffers[0], { dataType: "float32", dims });
                const output = ort.Tensor.fromGpuBuffer(buffers[1], { dataType: "float32", dims });
                run = async () => {
                    await pure.run({ [pure.inputNames[0]]: input }, { [pure.outputNames[0]]: output });
                    await device.queue.onSubmittedWorkDone();
                };
            } else {
                run = async () => {
                    const result = await pure.run({ [pure.inputNames[0]]: new ort.Tensor("float32", new Float32Array(3 * width * height).fill(0.1), dims) });
                    await result[pure.outputNames[0]].getData();
                };
            }
            await run();
            /** Pure runs for about `ms` (at least 2), their times. */
            const timed = async (ms: number) => {
                const times: number[] = [];
                const until = performance.now() + ms;
                while (times.length < 2 || (performance.now() < until && times.length < 8)) {
                    const started = performance.now();
                    await run();
                    times.push(performance.now() - started);
                }
                return times;
            };
            // Rounds of: the plugin stylizing, the pure run with the plugin frozen, the pure run with it off; so the
            // machine's drift over the case hits the three alike.
            const [periods, inference, readback, framesOn, pureTimes, pureFrozen] = [[], [], [], [], [], []] as number[][];
            let [liveFrames, pureFrames] = [0, 0];
            let during: { heap: number; gpu: number } | undefined;
            for (let round = 0; round < rounds; round++) {
                Object.assign(st, { enabled: true, frozen: false });
                await results(2);
                let last = 0;
                const observer = st.onFrameStylizedObservable.add(() => {
                    const now = performance.now();
                    if (last) {
                        periods.push(now - last);
                    }
                    last = now;
                    inference.push(st.stats.lastStages.inference);
                    readback.push(st.stats.lastStages.readback);
                });
                await w.__cpuMark(`live${round}`);
                const liveFrom = engine.frameId;
                // A window of its share of the case's time, and at least two results (one period) for the slow providers.
                const windowEnd = performance.now() + (seconds * 1000) / rounds;
                const arrivedBefore = periods.length;
                const times: number[] = [];
                while (performance.now() < windowEnd || periods.length - arrivedBefore < 1) {
                    times.push(...(await frameTimes(250)));
                }
                framesOn.push(...times);
                liveFrames += engine.frameId - liveFrom;
                await w.__cpuMark(`liveEnd${round}`);
                st.onFrameStylizedObservable.remove(observer);
                during ??= { heap: heap(), gpu: w.__gpuBytes };
                st.frozen = true; // the composite still draws the last result every frame; nothing is captured
                await st.readOutputTensor(); // no inference in flight
                pureFrozen.push(...(await timed((seconds * 150) / rounds))); // what drawing the composite alone costs the network
                st.enabled = false;
                await w.__cpuMark(`pure${round}`);
                const pureFrom = engine.frameId;
                pureTimes.push(...(await timed((seconds * 300) / rounds)));
                pureFrames += engine.frameId - pureFrom;
                await w.__cpuMark(`pureEnd${round}`);
            }
            await pure.release();
            buffers.forEach((b) => b.destroy());
            scene.disableStylization();
            return {
                width,
                height,
                provider,
                zeroCopy,
                precision,
                periods,
                inference,
                readback,
                pureTimes,
                pureFrozen,
                before,
                during: during!,
                framesOn,
                liveFrames,
                pureFrames,
            };
        },
        { c, seconds: Seconds, temporalOff: TemporalOff, rounds: Rounds }
    );
    await page.close();
    const pureMs = median(m.pureTimes);
    const inferenceMs = median(m.inference);
    const periodMs = median(m.periods);
    const nodeMs = c.ep === "wasm" ? await nodeMedianRun(path.join(root, c.model), m.width, m.height) : NaN;
    const windows = (name: string) => Array.from({ length: Rounds }, (_, round) => [cpu.get(`${name}${round}`)!, cpu.get(`${name}End${round}`)!] as const);
    const pureCpu = cpuBetween(windows("pure"));
    const liveCpu = cpuBetween(windows("live"));
    return {
        model: path.basename(c.model),
        engine: c.engine,
        provider: m.provider + (m.zeroCopy ? " (zero-copy)" : ""),
        precision: m.precision.precision,
        precisionReason: m.precision.reason,
        size: `${m.width}x${m.height}`,
        pureMs,
        pureFrozenMs: median(m.pureFrozen),
        inferenceMs,
        inferenceRatio: inferenceMs / pureMs,
        periodMs,
        periodRatio: periodMs / pureMs,
        readbackMs: median(m.readback),
        results: m.inference.length,
        frameMsOff: median(m.before.frames),
        frameMsOn: median(m.framesOn),
        heapMB: (m.during.heap - m.before.heap) / 1e6,
        gpuMB: (m.during.gpu - m.before.gpu) / 1e6,
        nodeMs,
        wasmOverNode: pureMs / nodeMs,
        pureCpu,
        pureFps: m.pureFrames / pureCpu.seconds,
        liveCpu,
        liveFps: m.liveFrames / liveCpu.seconds,
    };
}

type CaseResult = Awaited<ReturnType<typeof benchCase>>;

function f(v: number | string, digits = 1): string {
    return typeof v === "string" ? v : Number.isFinite(v) ? v.toFixed(digits) : "–";
}

/** A window's CPU: cores used by the inference workers, the GPU process and the page's main thread; frames per second. */
function shares(cpu: CpuShares, fps: number): string {
    return `${f(cpu.workers, 2)} / ${f(cpu.gpu, 2)} / ${f(cpu.main, 2)} | ${f(fps)}`;
}

function cpuRow(r: CaseResult): string {
    return (
        `| ${r.model} | ${r.engine} | ${r.provider} | ${r.size} | ${shares(r.pureCpu, r.pureFps)} | ${shares(r.liveCpu, r.liveFps)} | ` +
        `${f(r.pureMs)} → ${f(r.inferenceMs)} |`
    );
}

function row(r: CaseResult): string {
    return (
        `| ${r.model} | ${r.engine} | ${r.provider} | ${r.precision} | ${r.size} | ${f(r.pureMs)} | ${f(r.pureFrozenMs)} | ${f(r.inferenceMs)} (${f(r.inferenceRatio, 2)}x) | ` +
        `${f(r.periodMs)} (${f(r.periodRatio, 2)}x) | ${f(r.readbackMs)} | ${r.results} | ${f(r.frameMsOff, 2)} → ${f(r.frameMsOn, 2)} | ` +
        `${f(r.heapMB)} | ${f(r.gpuMB)} | ${f(r.nodeMs)} (${f(r.wasmOverNode, 2)}x) |`
    );
}

async function main(): Promise<void> {
    if (!fs.existsSync(path.join(root, Reference))) {
        execFileSync(TrainingPython, ["training/recipe.py", "export-untrained", "--family", "reference", "--out", Reference], { cwd: root, stdio: "inherit" });
    }
    const results = await runCases(Cases, benchCase, { args: ["--enable-precise-memory-info", "--js-flags=--expose-gc"] }, row);
    writeJson(ReportName, { date: new Date().toISOString(), seconds: Seconds, temporal: !TemporalOff, results });
    writeReport(ReportName, [
        "# Throughput benchmark",
        "",
        `${new Date().toISOString()} · demo level, path frame 600 held, 320x240 canvas · ${Seconds} s per case · Chromium 2 cores, SwiftShader (WebGL2 and WebGPU on the CPU), wasm 2 threads cross-origin isolated · temporal filter ${TemporalOff ? "off" : "on (the default: reprojection)"}.`,
        "Goals (issue Throughput): plugin inference / pure run ≤ 1.05, period / pure run ≤ 1.10. Compare ratios within one run: this machine is noisy.",
        `Pure run: stylization off (ratios are to it); then with the plugin frozen, so the composite still draws the stylized image every frame but nothing is captured or read back (on SwiftShader that drawing runs on the same two cores as wasm). Each case alternates ${Rounds} rounds of the plugin stylizing, the frozen pure runs and the pure runs, so drift over the case hits them alike.`,
        "Main thread: median ms per rendered frame, stylization off → on. Heap and GPU: what stylization holds (JS heap after a GC; WebGPU buffers and textures on any device, so onnxruntime's WebGPU EP allocations count; WebGL allocations are not counted).",
        "",
        "| model | engine | provider | precision | inference size | pure run ms | pure run ms, composite drawn | plugin inference ms (ratio) | period ms (ratio) | readback ms | results | main thread ms/frame | heap MB | WebGPU MB | onnxruntime-node ms (wasm/node) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ...results.map(row),
        "",
        // The precision each WebGPU-EP pair ran at, and why (on SwiftShader float32: its adapter has no shader-f16).
        ...[
            ...new Set(
                results.filter((r) => String(r.provider).startsWith("webgpu")).map((r) => `- ${r.engine} + ${r.provider}: ${r.precision}, ${r.precisionReason}`)
            ),
        ],
        "",
        "## Where the CPU goes",
        "",
        "Cores used (from /proc, 1.00 = one core busy throughout) by the inference workers (onnxruntime's wasm proxy and threads), the GPU process (SwiftShader: every draw, the scene's and the plugin's, runs on the CPU here) and the page's main thread, with the render loop's frames per second: during the pure runs (stylization off) and while the plugin stylizes. " +
            "On SwiftShader whatever the plugin draws is CPU time taken from the workers: where the GPU process uses more cores with the plugin on, the workers get fewer and the same network takes longer.",
        "",
        "| model | engine | provider | inference size | pure: workers / GPU / main cores | fps | plugin: workers / GPU / main cores | fps | inference ms, pure → plugin |",
        "|---|---|---|---|---|---|---|---|---|",
        ...results.map(cpuRow),
        "",
    ]);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
