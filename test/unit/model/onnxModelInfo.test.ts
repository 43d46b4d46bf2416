import { onnx } from "onnx-proto";
import { looksLikeHtmlOrText, OnnxParseError, readOnnxModelInfo } from "../../../src/plugin/model/onnxModelInfo";

const F = onnx.TensorProto.DataType.FLOAT;
const AT = onnx.AttributeProto.AttributeType;

const vi = (name: string, dims?: (number | string)[]) =>
    onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: F, shape: dims && { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
    });
const tensor = (name: string, values: Float32Array) =>
    onnx.TensorProto.create({ name, dims: [values.length], dataType: F, rawData: new Uint8Array(values.buffer) });

const encodeModel = (m: onnx.IModelProto) => onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
const encodeGraph = (g: onnx.IGraphProto) => onnx.GraphProto.encode(onnx.GraphProto.create(g)).finish();

function concat(...parts: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
        out.set(p, o);
        o += p.length;
    }
    return out;
}
function varint(n: number): Uint8Array {
    const out: number[] = [];
    while (n >= 0x80) {
        out.push((n % 0x80) | 0x80);
        n = Math.floor(n / 0x80);
    }
    out.push(n);
    return Uint8Array.from(out);
}
/** A length-delimited field: tag + length + payload. */
const lenField = (no: number, payload: Uint8Array) => concat(varint(no * 8 + 2), varint(payload.length), payload);

function seededBytes(seed: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let x = seed >>> 0;
    for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        out[i] = x >>> 24;
    }
    return out;
}

function expectParseError(bytes: Uint8Array, message?: RegExp): void {
    let caught: unknown;
    try {
        readOnnxModelInfo(bytes);
    } catch (e) {
        caught = e;
    }
    expect(caught).toBeInstanceOf(OnnxParseError);
    expect((caught as Error).name).toBe("OnnxParseError");
    if (message) expect((caught as Error).message).toMatch(message);
}

/** A typical model, encoded in protobufjs' natural field order (nodes before initializers). */
const basicModel = () =>
    encodeModel({
        irVersion: 8,
        producerName: "unit-test",
        opsetImport: [
            { domain: "", version: 17 },
            { domain: "com.microsoft", version: 1 },
        ],
        metadataProps: [
            { key: "stylize.inputRange", value: "[-1,1]" },
            { key: "description", value: 'Ünïcödé ✓ with "quotes"' },
            { key: "empty", value: "" },
        ],
        graph: {
            name: "g",
            node: [onnx.NodeProto.create({ opType: "Conv", name: "conv0", input: ["input", "w"], output: ["output"] })],
            initializer: [tensor("w", new Float32Array(27))],
            // Old-exporter style: the weight is also listed as a graph input.
            input: [vi("input", [1, 3, "H", "W"]), vi("w", [27])],
            output: [vi("output", [1, 3, "H", "W"])],
        },
    });

describe("readOnnxModelInfo", () => {
    test("reads header, opsets and metadata exactly", () => {
        const info = readOnnxModelInfo(basicModel());
        expect(info.irVersion).toBe(8);
        expect(info.producerName).toBe("unit-test");
        expect(info.opsets).toEqual([
            { domain: "", version: 17 },
            { domain: "com.microsoft", version: 1 },
        ]);
        expect(info.metadata).toEqual({
            "stylize.inputRange": "[-1,1]",
            description: 'Ünïcödé ✓ with "quotes"',
            empty: "",
        });
    });

    test("fixed and symbolic dims; initializers listed as inputs are excluded", () => {
        const info = readOnnxModelInfo(basicModel());
        expect(info.inputs).toEqual([{ name: "input", elemType: F, dims: [{ value: 1 }, { value: 3 }, { param: "H" }, { param: "W" }] }]);
        expect(info.outputs).toEqual([{ name: "output", elemType: F, dims: [{ value: 1 }, { value: 3 }, { param: "H" }, { param: "W" }] }]);
        expect(info.nodes).toEqual([{ opType: "Conv", domain: "", name: "conv0", attributes: {} }]);
    });

    test("no shape -> dims undefined; scalar shape -> []; unknown dim -> {}", () => {
        const info = readOnnxModelInfo(
            encodeModel({
                irVersion: 8,
                graph: {
                    input: [
                        vi("a"),
                        vi("b", []),
                        onnx.ValueInfoProto.create({ name: "c", type: { tensorType: { elemType: F, shape: { dim: [{}, { dimValue: 4 }] } } } }),
                    ],
                    output: [vi("o", [2])],
                },
            })
        );
        expect(info.inputs.map((i) => i.dims)).toEqual([undefined, [], [{}, { value: 4 }]]);
    });

    test("skips a 1 MB initializer placed before the nodes, still decodes everything after it", () => {
        const big = new Float32Array(262144).map((_, i) => i * 0.5);
        // Concatenated encodings merge in protobuf, which lets us force the initializer ahead of the nodes
        // and the metadata after the graph.
        const graph = concat(
            encodeGraph({ initializer: [tensor("big", big)], input: [vi("big", [262144])] }),
            encodeGraph({
                node: [
                    onnx.NodeProto.create({ opType: "Add", name: "add", input: ["x", "big"], output: ["y"] }),
                    onnx.NodeProto.create({ opType: "Relu", name: "relu", input: ["y"], output: ["z"], domain: "ai.onnx" }),
                ],
                input: [vi("x", [262144])],
                output: [vi("z", [262144])],
            })
        );
        const bytes = concat(
            encodeModel({ irVersion: 7, opsetImport: [{ version: 13 }] }),
            lenField(7, graph),
            encodeModel({ metadataProps: [{ key: "after", value: "graph" }] })
        );
        expect(bytes.length).toBeGreaterThan(1_048_576);
        // Sanity: the hand-assembled bytes are a valid model for a real protobuf decoder.
        const decoded = onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
        expect(decoded.node.map((n) => n.opType)).toEqual(["Add", "Relu"]);
        expect(decoded.initializer[0].rawData?.length).toBe(1_048_576);

        const info = readOnnxModelInfo(bytes);
        expect(info.nodes.map((n) => [n.opType, n.name, n.domain])).toEqual([
            ["Add", "add", ""],
            ["Relu", "relu", "ai.onnx"],
        ]);
        expect(info.inputs.map((i) => i.name)).toEqual(["x"]);
        expect(info.outputs.map((o) => o.name)).toEqual(["z"]);
        expect(info.metadata).toEqual({ after: "graph" });
        expect(info.opsets).toEqual([{ domain: "", version: 13 }]);
    });

    test("decodes INT (incl. negative and > 2^32), FLOAT, STRING, INTS attributes; others are undefined", () => {
        const attrs = [
            onnx.AttributeProto.create({ name: "axis", type: AT.INT, i: 1 }),
            onnx.AttributeProto.create({ name: "neg", type: AT.INT, i: -1 }),
            onnx.AttributeProto.create({ name: "big", type: AT.INT, i: 2 ** 40 }),
            onnx.AttributeProto.create({ name: "zero", type: AT.INT, i: 0 }),
            onnx.AttributeProto.create({ name: "eps", type: AT.FLOAT, f: 1e-5 }),
            onnx.AttributeProto.create({ name: "half", type: AT.FLOAT, f: -0.5 }),
            onnx.AttributeProto.create({ name: "mode", type: AT.STRING, s: new TextEncoder().encode("reflect") }),
            onnx.AttributeProto.create({ name: "pads", type: AT.INTS, ints: [1, -2, 3, 2 ** 35] }),
            onnx.AttributeProto.create({ name: "value", type: AT.TENSOR, t: tensor("v", new Float32Array([1, 2])) }),
            onnx.AttributeProto.create({ name: "scales", type: AT.FLOATS, floats: [1, 2] }),
        ];
        const node = onnx.NodeProto.create({ opType: "Custom", domain: "my.domain", name: "n", attribute: attrs });
        const info = readOnnxModelInfo(encodeModel({ irVersion: 8, graph: { node: [node] } }));
        const a = info.nodes[0].attributes;
        expect(info.nodes[0].domain).toBe("my.domain");
        expect(a.axis).toBe(1);
        expect(a.neg).toBe(-1);
        expect(a.big).toBe(2 ** 40);
        expect(a.zero).toBe(0);
        expect(a.eps as number).toBeCloseTo(1e-5, 10);
        expect(a.half).toBe(-0.5);
        expect(a.mode).toBe("reflect");
        expect(a.pads).toEqual([1, -2, 3, 2 ** 35]);
        expect(Object.keys(a)).toContain("value");
        expect(a.value).toBeUndefined();
        expect(a.scales).toBeUndefined();
    });

    test("accepts packed INTS and infers the type when an old model omits it", () => {
        const packed = concat(varint(1), varint(2), varint(3));
        const attr = (name: string, rest: Uint8Array) => concat(lenField(1, new TextEncoder().encode(name)), rest);
        const attrType = (t: number) => concat(varint(20 * 8), varint(t));
        const node = concat(
            lenField(4, new TextEncoder().encode("Op")),
            lenField(5, attr("packed", concat(lenField(8, packed), attrType(AT.INTS)))),
            lenField(5, attr("untypedInt", concat(varint(3 * 8), varint(7)))),
            lenField(5, attr("untypedStr", lenField(4, new TextEncoder().encode("abc"))))
        );
        const info = readOnnxModelInfo(concat(encodeModel({ irVersion: 3 }), lenField(7, lenField(1, node))));
        expect(info.nodes[0]).toEqual({ opType: "Op", domain: "", name: "", attributes: { packed: [1, 2, 3], untypedInt: 7, untypedStr: "abc" } });
    });

    test("decodes a model built like the spike generator and agrees with protobufjs", () => {
        const bytes = basicModel();
        const ref = onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
        const info = readOnnxModelInfo(bytes);
        expect(info.outputs.map((o) => o.name)).toEqual(ref.output.map((o) => o.name));
        expect(info.nodes.map((n) => n.opType)).toEqual(ref.node.map((n) => n.opType));
    });
});

describe("readOnnxModelInfo errors", () => {
    test("truncated bytes (cut in half) throw OnnxParseError naming the offset", () => {
        const bytes = basicModel();
        expectParseError(bytes.subarray(0, bytes.length >> 1), /truncated at byte \d+/);
    });

    test("every truncation point throws OnnxParseError (never another error type)", () => {
        const bytes = basicModel();
        for (let n = 1; n < bytes.length; n++) {
            try {
                readOnnxModelInfo(bytes.subarray(0, n));
            } catch (e) {
                expect(e).toBeInstanceOf(OnnxParseError);
                continue;
            }
            // A cut exactly between top-level fields after the graph is a valid (smaller) model.
            expect(onnx.ModelProto.decode(bytes.subarray(0, n)).graph).toBeTruthy();
        }
    });

    test("empty input and a model without graph", () => {
        expectParseError(new Uint8Array(0), /empty/);
        expectParseError(encodeModel({ irVersion: 8, producerName: "x" }), /no graph found/);
    });

    test("group wire types and lengths past the end are rejected", () => {
        expectParseError(Uint8Array.from([0x0b, 0x0c]), /wire type 3/);
        expectParseError(Uint8Array.from([0x3a, 0x05, 0x01]), /truncated at byte 0/);
        expectParseError(Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), /varint/);
    });

    test("an HTML 404 page is detected and rejected", () => {
        const html = new TextEncoder().encode("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>");
        expect(looksLikeHtmlOrText(html)).toBe(true);
        expectParseError(html);
    });

    test("random bytes throw OnnxParseError", () => {
        for (let seed = 1; seed <= 200; seed++) expectParseError(seededBytes(seed, 4096));
    });
});

describe("looksLikeHtmlOrText", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    test("html, whitespace-prefixed html, BOM, plain text", () => {
        expect(looksLikeHtmlOrText(text("  \r\n\t<html>"))).toBe(true);
        expect(looksLikeHtmlOrText(concat(Uint8Array.from([0xef, 0xbb, 0xbf]), text('<?xml version="1.0"?>')))).toBe(true);
        expect(looksLikeHtmlOrText(text("Not Found"))).toBe(true);
        expect(looksLikeHtmlOrText(text('{"error":"AccessDenied","message":"Request has expired"}'.repeat(2)))).toBe(true);
    });
    test("models, binary and empty input are not text", () => {
        expect(looksLikeHtmlOrText(basicModel())).toBe(false);
        expect(looksLikeHtmlOrText(seededBytes(7, 256))).toBe(false);
        expect(looksLikeHtmlOrText(new Uint8Array(0))).toBe(false);
    });
});
