/** What the benchmarks share: the median, the onnxruntime-node reference, running cases in one browser, the report. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { openBrowser, type BrowserSession } from "../test/browser/chromium";

const reportDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "report");

export function median(values: number[]): number {
    return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** Median of 9 onnxruntime-node runs (2 threads, after a warm-up) of the model at `width` x `height`. */
export async function nodeMedianRun(modelPath: string, width: number, height: number): Promise<number> {
    const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2 });
    const feeds = () => ({ [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array(3 * width * height).fill(0.1), [1, 3, height, width]) });
    await session.run(feeds());
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
        const started = performance.now();
        await session.run(feeds());
        times.push(performance.now() - started);
    }
    await session.release();
    return median(times);
}

/** Runs each case in one browser (with `browser` options), in order, printing each result (through `print`) as it comes. */
export async function runCases<C, R = string>(
    cases: readonly C[],
    benchCase: (session: BrowserSession, c: C) => Promise<R>,
    browser: Parameters<typeof openBrowser>[0] = {},
    print: (result: R) => string = String
): Promise<R[]> {
    const session = await openBrowser(browser);
    const results: R[] = [];
    try {
        for (const c of cases) {
            const result = await benchCase(session, c);
            console.log(print(result));
            results.push(result);
        }
    } finally {
        await session.close();
    }
    return results;
}

/** The Python with Debian's torch/numpy/PIL/onnx, for the recipe (as the tests use it). */
export const TrainingPython = process.env.TRAINING_PYTHON ?? "/usr/bin/python3";

/** Writes bench/report/<name>.json (the figures, for tools). */
export function writeJson(name: string, data: unknown): void {
    fs.mkdirSync(reportDir, { recursive: true });
    fs.writeFileSync(path.join(reportDir, `${name}.json`), JSON.stringify(data, null, 2) + "\n");
}

/** Writes bench/report/<name>.md. */
export function writeReport(name: string, lines: string[]): void {
    const out = path.join(reportDir, `${name}.md`);
    fs.mkdirSync(reportDir, { recursive: true });
    fs.writeFileSync(out, lines.join("\n"));
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}
