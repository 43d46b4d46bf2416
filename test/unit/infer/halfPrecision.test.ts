/** Where the fp16 twin runs (infer/halfPrecision.ts): the decision and the twin's check, on the shipped models. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkTwin, fp16TwinFor } from "../../../src/plugin/infer/halfPrecision";
import { describeModel } from "../../../src/plugin/model/modelContract";

const models = path.join(__dirname, "..", "..", "..", "models");
const load = (file: string) => describeModel(new Uint8Array(readFileSync(path.join(models, file))), file);
const fp32 = load("oil-tiny.onnx");
const fp16 = load("oil-tiny.fp16.onnx");
const device = (features: string[]) => ({ features: new Set(features) }) as unknown as GPUDevice;
const source = "http://game.example/assets/models/oil-tiny.onnx";

/** An adapter with `features` for the decision's own check (this process has no navigator.gpu otherwise). */
function withAdapter(features: string[]): void {
    Object.defineProperty(globalThis, "navigator", { value: { gpu: { requestAdapter: async () => ({ features: new Set(features) }) } }, configurable: true });
}
afterEach(() => {
    delete (globalThis as { navigator?: unknown }).navigator;
});

test("the WebGPU provider on a device with shader-f16 runs the twin named beside the model", async () => {
    withAdapter(["shader-f16"]);
    expect(await fp16TwinFor(fp32, source, "webgpu", device(["shader-f16", "timestamp-query"]))).toEqual({
        url: "http://game.example/assets/models/oil-tiny.fp16.onnx",
    });
    expect(await fp16TwinFor(fp32, new URL(source), "webgpu", device(["shader-f16"]))).toEqual({ url: "http://game.example/assets/models/oil-tiny.fp16.onnx" });
});

test("everywhere else float32, saying why", async () => {
    const reason = async (...args: Parameters<typeof fp16TwinFor>) => {
        const result = await fp16TwinFor(...args);
        expect(result).toMatchObject({ precision: "fp32" });
        return (result as { reason: string }).reason;
    };
    expect(await reason(fp32, source, "webgpu", device([]))).toBe("the WebGPU adapter has no shader-f16"); // no navigator.gpu here
    withAdapter(["shader-f16"]);
    expect(await reason(fp32, source, "webgpu", device([]))).toMatch(
        /Babylon's GPU device was created without shader-f16, which the adapter has .*enableAllFeatures/
    );
    expect(await reason(fp32, source, "wasm", undefined)).toMatch(/the wasm provider runs float32/);
    expect(await reason(fp32, new Uint8Array(8), "webgpu", device(["shader-f16"]))).toMatch(
        /given as bytes: its fp16 twin oil-tiny\.fp16\.onnx has no address/
    );
    expect(await reason(fp16, source, "webgpu", device(["shader-f16"]))).toMatch(/names no fp16 twin/); // the twin names none itself
    expect(await reason(load("ink-wash.onnx"), source, "webgpu", device(["shader-f16"]))).toMatch(/names no fp16 twin/);
    withAdapter([]);
    expect(await reason(fp32, source, "webgpu", undefined)).toBe("the WebGPU adapter has no shader-f16");
});

test("a twin must take and give what the model does, and say it is fp16", () => {
    expect(() => checkTwin(fp32, fp16)).not.toThrow();
    expect(() => checkTwin(fp32, load("oil-tiny-depth.fp16.onnx"))).toThrow(/interface or contract differs/);
    expect(() => checkTwin(fp32, load("glass-tiny.onnx"))).toThrow(/does not declare stylize.precision = "fp16"/);
});
