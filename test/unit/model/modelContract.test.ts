import { readFileSync } from "node:fs";
import { join } from "node:path";
import { onnx } from "onnx-proto";
import { InvalidModelError, UnsupportedModelError } from "../../../src/plugin/errors";
import { contractToMetadata, describeModel, MetadataKeys, readDeclaredContract } from "../../../src/plugin/model/modelContract";
import { OnnxParseError, readOnnxModelInfo } from "../../../src/plugin/model/onnxModelInfo";
import { resolvePreprocessConfig, type PreprocessConfig } from "../../../src/plugin/contract/preprocessConfig";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { encodeModel, node, valueInfo, floatTensor } = require("../../../scripts/onnxBuilder.cjs");

const modelsDir = join(__dirname, "..", "..", "models");
const load = (name: string) => new Uint8Array(readFileSync(join(modelsDir, name)));

/** A one-node model `output = op(input)` with the given dims and element types. */
function tinyModel(
    opType: string,
    inDims: Array<number | string>,
    options: { outDims?: Array<number | string>; inType?: number; outType?: number; metadata?: Record<string, string> } = {}
) {
    const { outDims = inDims, inType = onnx.TensorProto.DataType.FLOAT, outType = inType, metadata = {} } = options;
    return encodeModel(
        {
            nodes: [node(opType, ["input"], ["output"])],
            initializers: [],
            inputs: [valueInfo("input", inDims, inType)],
            outputs: [valueInfo("output", outDims, outType)],
        },
        metadata
    ) as Uint8Array;
}

function thrown(fn: () => unknown): Error {
    try {
        fn();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a throw");
}

describe("readDeclaredContract", () => {
    test("parses every stylize.* key", () => {
        const { declared, trainingStatistics } = readDeclaredContract({
            "stylize.input_range": "custom",
            "stylize.input_mean": "0.1,0.2,0.3",
            "stylize.input_std": "0.5,0.25,2",
            "stylize.channel_order": "BGR",
            "stylize.color_space": "linear",
            "stylize.flip_y": "true",
            "stylize.resize": "nearest",
            "stylize.output_range": "[0,255]",
            "stylize.clamp": "false",
            "stylize.train_mean": "0.01,-0.02,0.03",
            "stylize.train_std": "0.9,1,1.1",
            description: "not ours",
        });
        expect(declared).toEqual({
            inputRange: "custom",
            mean: [0.1, 0.2, 0.3],
            std: [0.5, 0.25, 2],
            channelOrder: "BGR",
            colorSpace: "linear",
            flipY: true,
            resize: "nearest",
            outputRange: "[0,255]",
            clamp: false,
        });
        expect(trainingStatistics).toEqual({ mean: [0.01, -0.02, 0.03], std: [0.9, 1, 1.1] });
    });

    test("enums are case and whitespace tolerant", () => {
        const { declared } = readDeclaredContract({
            "stylize.input_range": " ImageNet ",
            "stylize.channel_order": "bgr",
            "stylize.color_space": "SRGB",
            "stylize.resize": "\tNearest\n",
            "stylize.output_range": "[ -1 , 1 ]",
        });
        expect(declared).toEqual({ inputRange: "imagenet", channelOrder: "BGR", colorSpace: "sRGB", resize: "nearest", outputRange: "[-1,1]" });
        expect(readDeclaredContract({ "stylize.color_space": "Linear" }).declared.colorSpace).toBe("linear");
        expect(readDeclaredContract({ "stylize.input_range": "[0, 255]" }).declared.inputRange).toBe("[0,255]");
    });

    test('vectors: "r,g,b" with spaces, brackets or parentheses; exponents', () => {
        const v = (text: string) => readDeclaredContract({ "stylize.input_mean": text }).declared.mean;
        expect(v("0.485, 0.456, 0.406")).toEqual([0.485, 0.456, 0.406]);
        expect(v("[0.5,0.5,0.5]")).toEqual([0.5, 0.5, 0.5]);
        expect(v("(1, 2, 3)")).toEqual([1, 2, 3]);
        expect(v("1e-3,-2,3.5")).toEqual([0.001, -2, 3.5]);
    });

    test("booleans: true/false/1/0 in any case", () => {
        const flip = (text: string) => readDeclaredContract({ "stylize.flip_y": text }).declared.flipY;
        expect([flip("true"), flip("TRUE"), flip(" 1 "), flip("false"), flip("False"), flip("0")]).toEqual([true, true, true, false, false, false]);
        expect(readDeclaredContract({ "stylize.clamp": "1" }).declared.clamp).toBe(true);
    });

    test("unparseable values are reported in warnings and ignored, never thrown", () => {
        const warnings: string[] = ["earlier"];
        const bad = {
            "stylize.input_range": "[0,2]",
            "stylize.input_mean": "0.5,0.5",
            "stylize.input_std": "a,b,c",
            "stylize.channel_order": "GRB",
            "stylize.color_space": "P3",
            "stylize.flip_y": "yes",
            "stylize.resize": "bicubic",
            "stylize.output_range": "imagenet",
            "stylize.clamp": "maybe",
            "stylize.train_mean": "1,2",
            "stylize.train_std": "1,1,1",
        };
        const { declared, trainingStatistics } = readDeclaredContract(bad, warnings);
        expect(declared).toEqual({});
        expect(trainingStatistics).toBeUndefined();
        expect(warnings[0]).toBe("earlier");
        expect(warnings).toHaveLength(10);
        expect(warnings).toContain('metadata stylize.input_range="[0,2]" is not understood and was ignored');
        expect(warnings).toContain('metadata stylize.flip_y="yes" is not understood and was ignored');
        for (const key of Object.keys(bad).filter((k) => !k.startsWith("stylize.train"))) {
            expect(warnings.some((w) => w.includes(key))).toBe(true);
        }
    });

    test("good values survive next to bad ones; the warnings argument is optional", () => {
        const { declared } = readDeclaredContract({ "stylize.input_range": "[0,1]", "stylize.flip_y": "sometimes" });
        expect(declared).toEqual({ inputRange: "[0,1]" });
    });

    test("training statistics need both mean and std", () => {
        expect(readDeclaredContract({ "stylize.train_mean": "0,0,0" }).trainingStatistics).toBeUndefined();
        expect(readDeclaredContract({ "stylize.train_std": "1,1,1" }).trainingStatistics).toBeUndefined();
        expect(readDeclaredContract({}).declared).toEqual({});
    });
});

describe("contractToMetadata", () => {
    test("writes the documented keys and strings", () => {
        expect(contractToMetadata({ inputRange: "custom", mean: [0.1, 0.2, 0.3], flipY: true, clamp: false, channelOrder: "BGR" })).toEqual({
            "stylize.input_range": "custom",
            "stylize.input_mean": "0.1,0.2,0.3",
            "stylize.flip_y": "true",
            "stylize.clamp": "false",
            "stylize.channel_order": "BGR",
        });
        expect(contractToMetadata({})).toEqual({});
    });

    test("is the inverse of readDeclaredContract (frameColorSpace is not a model property)", () => {
        const configs: Array<Partial<PreprocessConfig>> = [
            {
                inputRange: "custom",
                mean: [0.1, 0.2, 0.3],
                std: [0.5, 0.25, 2],
                channelOrder: "BGR",
                colorSpace: "linear",
                flipY: true,
                resize: "nearest",
                outputRange: "[0,255]",
                clamp: false,
            },
            { inputRange: "imagenet", outputRange: "[0,1]" },
            { flipY: false, clamp: true },
        ];
        for (const c of configs) {
            const warnings: string[] = [];
            expect(readDeclaredContract(contractToMetadata(c), warnings).declared).toEqual(c);
            expect(warnings).toEqual([]);
        }
        const full = resolvePreprocessConfig({ inputRange: "[0,255]", frameColorSpace: "linear" });
        const { frameColorSpace, ...rest } = full;
        expect(frameColorSpace).toBe("linear");
        expect(readDeclaredContract(contractToMetadata(full)).declared).toEqual(rest);
        expect(Object.keys(contractToMetadata(full)).sort()).toEqual(
            Object.values(MetadataKeys)
                .filter((k) => !k.includes("train"))
                .sort()
        );
    });
});

describe("describeModel on the generated test models", () => {
    test("identity.onnx: dynamic dims, no declared preprocessing", () => {
        const d = describeModel(load("identity.onnx"), "identity.onnx");
        expect(d.name).toBe("identity.onnx");
        expect(d.inputName).toBe("input");
        expect(d.outputName).toBe("output");
        expect(d.fixedHeight).toBeUndefined();
        expect(d.fixedWidth).toBeUndefined();
        expect(d.declared).toEqual({});
        expect(d.trainingStatistics).toBeUndefined();
        expect(d.warnings).toHaveLength(1);
        expect(d.warnings[0]).toMatch(/^model identity\.onnx declares no preprocessing/);
        expect(d.warnings[0]).not.toMatch(/Tanh/);
        expect(d.info.nodes.map((n) => n.opType)).toEqual(["Conv"]);
    });

    test("identity-64.onnx: fixed 64x64", () => {
        const d = describeModel(load("identity-64.onnx"), "identity-64.onnx");
        expect(d.fixedHeight).toBe(64);
        expect(d.fixedWidth).toBe(64);
    });

    test("identity-declared-0-255-bgr.onnx: declared contract, no warning", () => {
        const d = describeModel(load("identity-declared-0-255-bgr.onnx"), "m");
        expect(d.declared).toEqual({ inputRange: "[0,255]", outputRange: "[0,255]", channelOrder: "BGR" });
        expect(d.warnings).toEqual([]);
        expect(d.warnings.some((w) => w.includes("declares no preprocessing"))).toBe(false);
    });

    test("generator-dynamic.onnx: declared [-1,1] both ways, dynamic dims", () => {
        const d = describeModel(load("generator-dynamic.onnx"), "generator-dynamic.onnx");
        expect(d.declared).toEqual({ inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB" });
        expect(d.fixedHeight).toBeUndefined();
        expect(d.warnings).toEqual([]);
        expect(d.info.nodes[d.info.nodes.length - 1].opType).toBe("Tanh");
    });

    test("generator-64.onnx: fixed 64", () => {
        const d = describeModel(load("generator-64.onnx"), "g");
        expect([d.fixedWidth, d.fixedHeight]).toEqual([64, 64]);
    });

    test("the bytes are kept as given", () => {
        const bytes = load("identity.onnx");
        expect(describeModel(bytes, "x").bytes).toBe(bytes);
    });

    test("a model without metadata ending in Tanh is inferred to output [-1,1]", () => {
        const d = describeModel(tinyModel("Tanh", [1, 3, "H", "W"]), "tanh.onnx");
        expect(d.declared).toEqual({ outputRange: "[-1,1]" });
        expect(d.warnings).toHaveLength(1);
        expect(d.warnings[0]).toContain("output range [-1,1] because the network ends with Tanh");
    });

    test("a Tanh model that declares anything gets no inferred output range", () => {
        const d = describeModel(tinyModel("Tanh", [1, 3, "H", "W"], { metadata: { "stylize.input_range": "[0,1]" } }), "tanh.onnx");
        expect(d.declared).toEqual({ inputRange: "[0,1]" });
        expect(d.warnings).toEqual([]);
    });

    test("bad metadata values become warnings, the model still loads", () => {
        const d = describeModel(tinyModel("Relu", [1, 3, "H", "W"], { metadata: { "stylize.input_range": "0..1", "stylize.channel_order": "bgr" } }), "m");
        expect(d.declared).toEqual({ channelOrder: "BGR" });
        expect(d.warnings).toEqual(['metadata stylize.input_range="0..1" is not understood and was ignored']);
    });

    test("dynamic batch and symbolic dims are accepted; fixed height with dynamic width", () => {
        const d = describeModel(tinyModel("Relu", ["N", 3, 256, "W"]), "m");
        expect(d.fixedHeight).toBe(256);
        expect(d.fixedWidth).toBeUndefined();
    });
});

describe("describeModel errors", () => {
    test("not-a-model.onnx (an HTML 404 page) -> InvalidModelError mentioning HTML/404", () => {
        const e = thrown(() => describeModel(load("not-a-model.onnx"), "not-a-model.onnx"));
        expect(e).toBeInstanceOf(InvalidModelError);
        expect(e.name).toBe("InvalidModelError");
        expect(e.message).toContain("HTML 404");
        expect(e.message).toContain("not-a-model.onnx");
        expect(e.message).toContain("<!DOCTYPE html>");
    });

    test("truncated.onnx -> InvalidModelError caused by OnnxParseError", () => {
        const e = thrown(() => describeModel(load("truncated.onnx"), "truncated.onnx"));
        expect(e).toBeInstanceOf(InvalidModelError);
        expect(e.message).toMatch(/could not be read as ONNX.*truncated/);
        expect((e as Error & { cause?: unknown }).cause).toBeInstanceOf(OnnxParseError);
    });

    test("empty bytes -> InvalidModelError", () => {
        const e = thrown(() => describeModel(new Uint8Array(0), "empty.onnx"));
        expect(e).toBeInstanceOf(InvalidModelError);
        expect(e.message).toContain("empty (0 bytes)");
    });

    test("guide-6ch.onnx -> UnsupportedModelError about guide channels", () => {
        const e = thrown(() => describeModel(load("guide-6ch.onnx"), "guide-6ch.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain("has 6 channels");
        expect(e.message).toContain("guide channels (6 = RGB + 3 more) that declares none");
        expect(e.message).toContain('stylize.guides = "depth"');
    });

    test("a depth-guided model declares its guide and depth range: 4 input channels", () => {
        const model = describeModel(load("guide-depth.onnx"), "guide-depth.onnx");
        expect(model.guides).toEqual({ order: ["depth"], depth: { near: 3, far: 7 } });
        expect(model.inputChannels).toBe(4);
        expect(model.warnings).toEqual([]);
        // An RGB model has none.
        expect(describeModel(load("identity.onnx"), "identity.onnx")).toMatchObject({ guides: undefined, inputChannels: 3 });
    });

    test("guide declarations the plugin cannot follow are refused, each naming the fix", () => {
        const guided = (metadata: Record<string, string>, channels = 4) =>
            thrown(() => describeModel(tinyModel("Relu", [1, channels, "H", "W"], { outDims: [1, 3, "H", "W"], metadata }), "g.onnx"));
        expect(guided({ "stylize.guides": "albedo", "stylize.depth_range": "1,2" }).message).toContain('"albedo" is not one it can feed');
        expect(guided({ "stylize.guides": "depth,depth", "stylize.depth_range": "1,2" }).message).toContain('"depth" is listed twice');
        expect(guided({ "stylize.guides": "depth,normal", "stylize.depth_range": "1,2" }, 4).message).toContain("declares 4 guide channel(s)");
        expect(guided({ "stylize.guides": "depth" }).message).toContain('stylize.depth_range is null; expected "near,far"');
        expect(guided({ "stylize.guides": "depth", "stylize.depth_range": "5,2" }).message).toContain('stylize.depth_range is "5,2"');
        const wrongCount = guided({ "stylize.guides": "depth", "stylize.depth_range": "1,20" }, 3);
        expect(wrongCount).toBeInstanceOf(UnsupportedModelError);
        expect(wrongCount.message).toContain("has 3 channels");
        expect(wrongCount.message).toContain("declares 1 guide channel(s)");
    });

    test("external-data.onnx -> UnsupportedModelError naming the tensor and the path, which is never read", () => {
        const info = readOnnxModelInfo(load("external-data.onnx"));
        expect(info.externalData).toEqual([{ tensor: "w", location: "../../secrets/weights.bin" }]);
        const e = thrown(() => describeModel(load("external-data.onnx"), "external-data.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain('model external-data.onnx keeps weights in external data files (tensor "w" in "../../secrets/weights.bin")');
        expect(e.message).toContain("save_as_external_data=False");
        // Models with their weights inside list none.
        expect(readOnnxModelInfo(load("generator-dynamic.onnx")).externalData).toEqual([]);
    });

    test("rank3.onnx -> UnsupportedModelError about rank 4", () => {
        const e = thrown(() => describeModel(load("rank3.onnx"), "rank3.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain("rank 4");
        expect(e.message).toContain("[3, H, W]");
    });

    test("a float16 input -> UnsupportedModelError naming float16", () => {
        const e = thrown(() => describeModel(tinyModel("Relu", [1, 3, "H", "W"], { inType: onnx.TensorProto.DataType.FLOAT16 }), "half.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain('input "input" is float16');
    });

    test("a float16 output -> UnsupportedModelError", () => {
        const e = thrown(() => describeModel(tinyModel("Cast", [1, 3, "H", "W"], { outType: onnx.TensorProto.DataType.FLOAT16 }), "m"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain('output "output" is float16');
    });

    test("a fixed batch of 4 -> UnsupportedModelError", () => {
        const e = thrown(() => describeModel(tinyModel("Relu", [4, 3, 64, 64]), "batch4.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain("fixed batch of 4");
    });

    test("a 1-channel output and two inputs are rejected", () => {
        const gray = thrown(() => describeModel(tinyModel("Relu", [1, 3, "H", "W"], { outDims: [1, 1, "H", "W"] }), "m"));
        expect(gray).toBeInstanceOf(UnsupportedModelError);
        expect(gray.message).toContain('output "output" has 1 channels');
        expect(gray.message).not.toContain("guide");

        const two = encodeModel({
            nodes: [node("Add", ["a", "b"], ["output"])],
            initializers: [],
            inputs: [valueInfo("a", [1, 3, "H", "W"]), valueInfo("b", [1, 3, "H", "W"])],
            outputs: [valueInfo("output", [1, 3, "H", "W"])],
        });
        const e = thrown(() => describeModel(two, "two.onnx"));
        expect(e).toBeInstanceOf(UnsupportedModelError);
        expect(e.message).toContain("has 2 inputs (a, b)");
    });

    test("initializers listed as graph inputs do not count as inputs", () => {
        const bytes = encodeModel({
            nodes: [node("Mul", ["input", "k"], ["output"])],
            initializers: [floatTensor("k", [1], [2])],
            inputs: [valueInfo("input", [1, 3, "H", "W"]), valueInfo("k", [1])],
            outputs: [valueInfo("output", [1, 3, "H", "W"])],
        });
        expect(describeModel(bytes, "m").inputName).toBe("input");
    });
});
