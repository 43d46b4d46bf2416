// Small helpers to write ONNX models with onnx-proto: used by the test-model and demo-model scripts.
const { onnx } = require("onnx-proto");

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Deterministic pseudo-random floats in [-scale/2, scale/2] (a linear congruential generator: same bytes every run). */
function seeded(count, scale, seed) {
    const out = new Float32Array(count);
    let x = seed >>> 0;
    for (let i = 0; i < count; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        out[i] = ((x >>> 8) / 0x1000000 - 0.5) * scale;
    }
    return out;
}

function floatTensor(name, dims, values) {
    const data = values instanceof Float32Array ? values : new Float32Array(values);
    return onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

function int64Tensor(name, dims, values) {
    const data = new BigInt64Array(values.map(BigInt));
    return onnx.TensorProto.create({ name, dims, dataType: INT64, rawData: new Uint8Array(data.buffer) });
}

function attribute(name, value) {
    const T = onnx.AttributeProto.AttributeType;
    if (typeof value === "string") return onnx.AttributeProto.create({ name, type: T.STRING, s: Buffer.from(value) });
    if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
    if (Number.isInteger(value) && !(typeof value === "number" && Object.is(value, -0))) return onnx.AttributeProto.create({ name, type: T.INT, i: value });
    return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value });
}

function node(opType, inputs, outputs, attributes = {}) {
    return onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: `${outputs[0]}_${opType}`,
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
}

function valueInfo(name, dims, elemType = FLOAT) {
    return onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
    });
}

/** Encodes a model: `graph` = { nodes, initializers, inputs, outputs }, `metadata` = { key: value }. */
function encodeModel({ nodes, initializers, inputs, outputs }, metadata = {}, opset = 17) {
    const graph = onnx.GraphProto.create({ name: "generator", node: nodes, initializer: initializers, input: inputs, output: outputs });
    const model = onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: "", version: opset }],
        producerName: "babylon-stylize scripts",
        graph,
        metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
}

module.exports = { seeded, floatTensor, int64Tensor, node, valueInfo, encodeModel, FLOAT, INT64 };
