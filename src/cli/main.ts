#!/usr/bin/env node
/**
 * babylon-stylize: command-line tools for models (Node, onnxruntime-node + pngjs).
 *
 *   babylon-stylize inspect <model.onnx>
 *   babylon-stylize diagnose <model.onnx> <input.png> <expected.png> [--top N]
 *   babylon-stylize write-contract <model.onnx> --out <file.onnx> [--from <input.png> <expected.png>]
 *                                  [--input-range R] [--output-range R] [--channel-order O] [--color-space S] [--flip-y true|false]
 *   babylon-stylize capture <url> [--out frames] [--count N] [--every N] [--size H|WxH] [--depth] ... (see capture.ts)
 */
import fs from "node:fs";
import { describeModel, contractToMetadata, MetadataPrefix } from "../plugin/model/modelContract.js";
import { withMetadata } from "../plugin/model/onnxModelInfo.js";
import { diagnoseContract, type DiagnosisCandidate, type DiagnosedContract } from "../plugin/diagnose/diagnoseContract.js";
import { resolvePreprocessConfig, type PreprocessConfig } from "../plugin/contract/preprocessConfig.js";
import type { RgbaFrame } from "../plugin/contract/cpuReference.js";
import { CaptureUsage, capturePage, parseCaptureArgs } from "./capture.js";

class UsageError extends Error {
    public override name = "UsageError";
}

const Usage = `usage:
  babylon-stylize inspect <model.onnx>
  babylon-stylize diagnose <model.onnx> <input.png> <expected.png> [--top N]
  babylon-stylize write-contract <model.onnx> --out <file.onnx> [--from <input.png> <expected.png>]
      [--input-range R] [--output-range R] [--channel-order RGB|BGR] [--color-space sRGB|linear] [--flip-y true|false]
${CaptureUsage.replace("usage: ", "  ")}`;

async function optionalImport<T>(name: string): Promise<T> {
    try {
        return (await import(name)) as T;
    } catch {
        throw new UsageError(`this command needs the package "${name}": npm install --save-dev ${name}`);
    }
}

function readModel(file: string) {
    if (!fs.existsSync(file)) {
        throw new UsageError(`no such model file: ${file}`);
    }
    return describeModel(new Uint8Array(fs.readFileSync(file)), file);
}

async function readPng(file: string): Promise<RgbaFrame> {
    if (!fs.existsSync(file)) {
        throw new UsageError(`no such image: ${file}`);
    }
    const { PNG } = await optionalImport<typeof import("pngjs")>("pngjs");
    const png = PNG.sync.read(fs.readFileSync(file));
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
}

async function diagnose(
    modelFile: string,
    inputFile: string,
    expectedFile: string
): Promise<{ ranking: DiagnosisCandidate[]; declared: Partial<PreprocessConfig> }> {
    const model = readModel(modelFile);
    const [input, expected] = [await readPng(inputFile), await readPng(expectedFile)];
    const ort = await optionalImport<typeof import("onnxruntime-node")>("onnxruntime-node");
    const session = await ort.InferenceSession.create(model.bytes);
    const run = async (data: Float32Array, width: number, height: number) => {
        const result = await session.run({ [model.inputName]: new ort.Tensor("float32", data, [1, 3, height, width]) });
        return result[model.outputName].data as Float32Array;
    };
    // A progress line redrawn in place on a terminal; in a log (CI, a file), one line at the end.
    const terminal = process.stderr.isTTY;
    const ranking = await diagnoseContract(run, input, expected, {
        onProgress: (done, total) => {
            if (terminal) {
                process.stderr.write(`\rrunning the network: ${done}/${total}`);
            } else if (done === total) {
                process.stderr.write(`ran the network ${total} times`);
            }
        },
    });
    process.stderr.write("\n");
    await session.release();
    return { ranking, declared: model.declared };
}

function describeContract(c: DiagnosedContract): string[] {
    return [c.inputRange, c.outputRange, c.channelOrder, c.colorSpace, String(c.flipY)];
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows
        .map((r) =>
            r
                .map((cell, i) => cell.padEnd(widths[i]))
                .join("  ")
                .trimEnd()
        )
        .join("\n");
}

function sameContract(a: DiagnosedContract, declared: Partial<PreprocessConfig>): boolean {
    const full = resolvePreprocessConfig(declared);
    return (
        a.inputRange === full.inputRange &&
        a.outputRange === full.outputRange &&
        a.channelOrder === full.channelOrder &&
        a.colorSpace === full.colorSpace &&
        a.flipY === full.flipY
    );
}

function option(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    if (i < 0) {
        return undefined;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`${name} needs a value`);
    }
    return value;
}

/** `true` or `false`, nothing else: a typo must not silently become false. */
function parseFlag(name: string, value: string): boolean {
    if (value !== "true" && value !== "false") {
        throw new UsageError(`${name} is true or false, not ${JSON.stringify(value)}`);
    }
    return value === "true";
}

async function main(args: string[]): Promise<void> {
    const [command, ...rest] = args;
    if (command === "inspect" && rest.length >= 1) {
        const model = readModel(rest[0]);
        const shape = (v: (typeof model.info.inputs)[number]) => `[${v.dims?.map((d) => d.value ?? d.param ?? "?").join(", ")}]`;
        console.log(`${model.name}: input "${model.inputName}" ${shape(model.info.inputs[0])}, output "${model.outputName}" ${shape(model.info.outputs[0])}`);
        console.log(`operators: ${[...new Set(model.info.nodes.map((n) => n.opType))].join(", ")}`);
        const declared = Object.entries(model.info.metadata).filter(([k]) => k.startsWith(MetadataPrefix));
        console.log(declared.length ? `declared contract:\n${declared.map(([k, v]) => `  ${k} = ${v}`).join("\n")}` : "declared contract: none");
        model.warnings.forEach((w) => console.log(`warning: ${w}`));
        return;
    }
    if (command === "diagnose" && rest.length >= 3) {
        const top = Number(option(rest, "--top") ?? 10);
        if (!Number.isInteger(top) || top < 1) {
            throw new UsageError(`--top needs a whole number of rows (1 or more), not ${JSON.stringify(option(rest, "--top"))}`);
        }
        const { ranking, declared } = await diagnose(rest[0], rest[1], rest[2]);
        const rows = [["rank", "PSNR dB", "inputRange", "outputRange", "channelOrder", "colorSpace", "flipY", ""]];
        ranking
            .slice(0, top)
            .forEach((c, i) =>
                rows.push([
                    String(i + 1),
                    c.psnr === Infinity ? "inf" : c.psnr.toFixed(2),
                    ...describeContract(c.contract),
                    sameContract(c.contract, declared) ? "<- declared" : "",
                ])
            );
        console.log(table(rows));
        const best = ranking[0];
        console.log(
            sameContract(best.contract, declared)
                ? "\nThe model's declared contract is the best match."
                : `\nBest match differs from what the model declares. To write it into the model:\n  babylon-stylize write-contract ${rest[0]} --out fixed.onnx --from ${rest[1]} ${rest[2]}`
        );
        return;
    }
    if (command === "write-contract" && rest.length >= 1) {
        const out = option(rest, "--out");
        if (!out) {
            throw new UsageError("write-contract needs --out <file.onnx>");
        }
        const model = readModel(rest[0]);
        let contract: Partial<PreprocessConfig> = {};
        const from = rest.indexOf("--from");
        if (from >= 0) {
            if (!rest[from + 1] || !rest[from + 2]) {
                throw new UsageError("--from needs <input.png> <expected.png>");
            }
            contract = (await diagnose(rest[0], rest[from + 1], rest[from + 2])).ranking[0].contract;
        }
        const flags: Record<string, keyof PreprocessConfig> = {
            "--input-range": "inputRange",
            "--output-range": "outputRange",
            "--channel-order": "channelOrder",
            "--color-space": "colorSpace",
            "--flip-y": "flipY",
        };
        for (const [flag, field] of Object.entries(flags)) {
            const value = option(rest, flag);
            if (value !== undefined) {
                contract = { ...contract, [field]: field === "flipY" ? parseFlag(flag, value) : value };
            }
        }
        if (Object.keys(contract).length === 0) {
            throw new UsageError("nothing to write: pass --from <input.png> <expected.png> or contract flags");
        }
        resolvePreprocessConfig(contract); // validates before writing anything
        const entries = contractToMetadata(contract);
        fs.writeFileSync(out, withMetadata(model.bytes, entries));
        console.log(
            `wrote ${out} with ${Object.entries(entries)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}`
        );
        return;
    }
    if (command === "capture") {
        const capture = parseCaptureArgs(rest);
        const manifest = await capturePage(capture, (line) => console.log(line));
        console.log(`wrote ${manifest.frames.length} ${manifest.width}x${manifest.height} frames (${manifest.engine}) to ${capture.out}/`);
        return;
    }
    throw new UsageError(Usage);
}

main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.name === "UsageError" ? error.message : `${error.name}: ${error.message}`);
    process.exit(error.name === "UsageError" ? 2 : 1);
});
