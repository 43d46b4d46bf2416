import { NullEngine } from "@babylonjs/core/Engines/nullEngine.js";
import { Logger } from "@babylonjs/core/Misc/logger.js";
import { checkInferenceSize, InferenceSizing, inferenceLimits, MaxInferenceSide } from "../../../src/plugin/capture/inferenceSize";
import { StylizationOptionsError, UnsupportedModelError } from "../../../src/plugin/errors";
import type { ModelDescription } from "../../../src/plugin/model/modelContract";

Logger.LogLevels = Logger.WarningLogLevel | Logger.ErrorLogLevel;

const limits = { maxSide: 4096, maxTensorBytes: 128 * 1024 * 1024 };

describe("checkInferenceSize", () => {
    test("accepts sizes within the plugin's range and the engine's limits", () => {
        expect(() => checkInferenceSize({ width: 8, height: 8 }, limits, () => "x")).not.toThrow();
        expect(() => checkInferenceSize({ width: 4096, height: 2048 }, limits, () => "x")).not.toThrow();
    });

    test.each([
        [{ width: 100000, height: 100000 }, /inference width of 100000 pixels is outside 8\.\.4096/],
        [{ width: 640, height: 4 }, /inference height of 4 pixels is outside 8\.\.4096/],
        [{ width: Number.NaN, height: 64 }, /inference width of NaN/],
        [{ width: 4096, height: 4096 }, /needs 201326592 bytes, over this GPU's storage-buffer limit of 134217728/],
    ])("refuses %j naming the dimension and the limit", (size, message) => {
        expect(() => checkInferenceSize(size, limits, () => "model m.onnx")).toThrow(StylizationOptionsError);
        expect(() => checkInferenceSize(size, limits, () => "model m.onnx")).toThrow(message);
        expect(() => checkInferenceSize(size, limits, () => "model m.onnx")).toThrow(/^model m\.onnx: /);
    });
});

describe("InferenceSizing", () => {
    const model = (fixedHeight?: number, fixedWidth?: number) => ({ name: "m.onnx", fixedHeight, fixedWidth }) as ModelDescription;

    test("the engine's limits: the plugin's range within the texture limits; no buffer limit off WebGPU", () => {
        const engine = new NullEngine();
        const found = inferenceLimits(engine);
        expect(found.maxSide).toBe(Math.min(MaxInferenceSide, engine.getCaps().maxTextureSize, engine.getCaps().maxRenderTextureSize));
        expect(found.maxTensorBytes).toBe(Infinity);
        engine.dispose();
    });

    test("sizes follow the frame and targetHeight, or the model's fixed input; a model whose input cannot fit is refused", () => {
        const engine = new NullEngine({ renderWidth: 640, renderHeight: 480, textureSize: 4096, deterministicLockstep: false, lockstepMaxSteps: 1 });
        const sizing = new InferenceSizing(engine, 240);
        expect(sizing.sizeFor(undefined)).toEqual({ width: 320, height: 240 });
        expect(sizing.sizeFor(model(64, 64))).toEqual({ width: 64, height: 64 });
        expect(() => sizing.checkModel(model(64, 64))).not.toThrow();
        expect(() => sizing.checkModel(model())).not.toThrow(); // nothing fixed: the option decides
        expect(() => sizing.checkModel(model(100000, 100000))).toThrow(UnsupportedModelError);
        expect(() => sizing.checkModel(model(100000, 100000))).toThrow(/^model m\.onnx \(input fixed to 100000x100000\): an inference width of 100000/);
        engine.dispose();
    });
});
