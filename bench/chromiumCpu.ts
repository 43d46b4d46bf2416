/**
 * Where Chromium's CPU time goes, from /proc (Linux): the GPU process (SwiftShader renders there, on the same cores as
 * everything else), the page's main thread, and its dedicated workers (onnxruntime-web's wasm proxy and threads).
 * Sampled from the bench's Node process around a window of the page's work.
 */
import fs from "node:fs";
import { execFileSync } from "node:child_process";

/** CPU seconds so far, per part, and when they were read. */
export interface CpuSample {
    at: number;
    gpu: number;
    main: number;
    workers: number;
}

/** What each part used over a window, in cores (1 = one core busy the whole window). */
export interface CpuShares {
    seconds: number;
    gpu: number;
    main: number;
    workers: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    return ticksPerSecond;
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process or thread ended meanwhile
    }
}

/** User + system ticks and the name of one thread, from its stat line (the name may hold spaces and parentheses). */
function threadTicks(stat: string): { name: string; ticks: number } {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ticks: Number(fields[11]) + Number(fields[12]) };
}

export function sampleChromiumCpu(): CpuSample {
    const sample: CpuSample = { at: performance.now(), gpu: 0, main: 0, workers: 0 };
    for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
        const command = read(`/proc/${pid}/cmdline`);
        const type = command?.includes("chrom") ? /--type=([\w-]+)/.exec(command)?.[1] : undefined;
        if (type !== "gpu-process" && type !== "renderer") {
            continue;
        }
        let threads: string[];
        try {
            threads = fs.readdirSync(`/proc/${pid}/task`);
        } catch {
            continue;
        }
        for (const tid of threads) {
            const stat = read(`/proc/${pid}/task/${tid}/stat`);
            if (!stat) {
                continue;
            }
            const { name, ticks } = threadTicks(stat);
            const seconds = ticks / clockTicks();
            if (type === "gpu-process") {
                sample.gpu += seconds;
            } else if (tid === pid) {
                sample.main += seconds;
            } else if (name.startsWith("DedicatedWorker")) {
                sample.workers += seconds;
            }
        }
    }
    return sample;
}

/** The shares over windows (from, to) taken together. */
export function cpuBetween(windows: ReadonlyArray<readonly [CpuSample, CpuSample]>): CpuShares {
    const total = { seconds: 0, gpu: 0, main: 0, workers: 0 };
    for (const [from, to] of windows) {
        total.seconds += (to.at - from.at) / 1000;
        total.gpu += to.gpu - from.gpu;
        total.main += to.main - from.main;
        total.workers += to.workers - from.workers;
    }
    return { seconds: total.seconds, gpu: total.gpu / total.seconds, main: total.main / total.seconds, workers: total.workers / total.seconds };
}
