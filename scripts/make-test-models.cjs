// Writes the test models into test/models/ (deterministic: same bytes every run). Run before the tests.
//  - channel-mix models (1x1 convolutions) whose output is exactly predictable, for checking each preprocessing mode;
//  - small generators with the ops real generators use, fixed 64x64 and dynamic H/W;
//  - malformed models for the error paths.
const fs = require("fs");
const path = require("path");
const { onnx } = require("onnx-proto");
const { seeded, floatTensor, int64Tensor, node, valueInfo, encodeModel } = require("./onnxBuilder.cjs");

const outDir = path.join(__dirname, "..", "test", "models");
fs.mkdirSync(outDir, { recursive: true });

function write(name, bytes) {
    fs.writeFileSync(path.join(outDir, name), bytes);
}

/** out[c] = sum_k matrix[c][k] * in[k] + bias[c], a 1x1 convolution. */
function channelMix(matrix, bias = [0, 0, 0], dims = [1, 3, "H", "W"], metadata = {}) {
    return encodeModel(
        {
            nodes: [node("Conv", ["input", "w", "b"], ["output"], { kernel_shape: [1, 1] })],
            initializers: [floatTensor("w", [3, 3, 1, 1], matrix.flat()), floatTensor("b", [3], bias)],
            inputs: [valueInfo("input", dims)],
            outputs: [valueInfo("output", dims)],
        },
        metadata
    );
}

const identity = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
];
write("identity.onnx", channelMix(identity));
write(
    "swap-rb.onnx",
    channelMix([
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
    ])
);
write(
    "identity-declared-0-255-bgr.onnx",
    channelMix(identity, undefined, undefined, { "stylize.input_range": "[0,255]", "stylize.output_range": "[0,255]", "stylize.channel_order": "BGR" })
);
write("identity-64.onnx", channelMix(identity, undefined, [1, 3, 64, 64]));

/**
 * A small generator in the shape of the few-shot patch-based one: reflect pad + conv, InstanceNorm, LeakyRelu, a
 * strided conv down, BatchNorm, nearest upsample, skip concat, conv, Tanh. `upsample` picks the Resize mode.
 */
function generator({ dims, upsample = "nearest", metadata = {} }) {
    let seed = 7;
    const w = (name, shape, scale) =>
        floatTensor(
            name,
            shape,
            seeded(
                shape.reduce((a, b) => a * b, 1),
                scale,
                seed++
            )
        );
    const f = 8;
    const nodes = [
        node("Pad", ["input", "pads1"], ["p1"], { mode: "reflect" }),
        node("Conv", ["p1", "w1", "b1"], ["c1"], { kernel_shape: [3, 3] }),
        node("InstanceNormalization", ["c1", "in_s", "in_b"], ["n1"], { epsilon: 1e-5 }),
        node("LeakyRelu", ["n1"], ["a1"], { alpha: 0.2 }),
        node("Conv", ["a1", "w2", "b2"], ["c2"], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        node("BatchNormalization", ["c2", "bn_s", "bn_b", "bn_m", "bn_v"], ["n2"], { epsilon: 1e-5 }),
        node("LeakyRelu", ["n2"], ["a2"], { alpha: 0.2 }),
        node("Resize", ["a2", "", "scales"], ["u2"], upsample === "nearest" ? { mode: "nearest" } : { mode: "linear" }),
        node("Concat", ["u2", "a1"], ["cat"], { axis: 1 }),
        node("Pad", ["cat", "pads1"], ["p3"], { mode: "reflect" }),
        node("Conv", ["p3", "w3", "b3"], ["c3"], { kernel_shape: [3, 3] }),
        node("Tanh", ["c3"], ["output"]),
    ];
    const initializers = [
        int64Tensor("pads1", [8], [0, 0, 1, 1, 0, 0, 1, 1]),
        w("w1", [f, 3, 3, 3], 0.8),
        w("b1", [f], 0.2),
        floatTensor("in_s", [f], new Float32Array(f).fill(1)),
        w("in_b", [f], 0.2),
        w("w2", [f, f, 3, 3], 0.4),
        w("b2", [f], 0.2),
        floatTensor("bn_s", [f], new Float32Array(f).fill(1.1)),
        w("bn_b", [f], 0.2),
        w("bn_m", [f], 0.2),
        floatTensor("bn_v", [f], new Float32Array(f).fill(0.9)),
        floatTensor("scales", [4], [1, 1, 2, 2]),
        w("w3", [3, 2 * f, 3, 3], 0.4),
        w("b3", [3], 0.1),
    ];
    return encodeModel({ nodes, initializers, inputs: [valueInfo("input", dims)], outputs: [valueInfo("output", dims)] }, metadata);
}

const declared = { "stylize.input_range": "[-1,1]", "stylize.output_range": "[-1,1]", "stylize.channel_order": "RGB", "stylize.color_space": "sRGB" };
write("generator-dynamic.onnx", generator({ dims: [1, 3, "H", "W"], metadata: declared }));
write("generator-64.onnx", generator({ dims: [1, 3, 64, 64], metadata: declared }));
write("generator-linear-upsample.onnx", generator({ dims: [1, 3, "H", "W"], upsample: "linear", metadata: declared }));

/**
 * Small nets for contract diagnosis, without normalization layers (which would hide the input range): a 3x3 conv
 * tuned for the input range the net "was trained on", LeakyRelu, a 1x1 conv, and a head for the output range.
 * Random channel mixing makes RGB/BGR and flips distinguishable.
 */
function diagnosisNet({ inputScale, head }) {
    let seed = 101;
    const w = (name, shape, scale) =>
        floatTensor(
            name,
            shape,
            seeded(
                shape.reduce((a, b) => a * b, 1),
                scale,
                seed++
            )
        );
    const nodes = [
        node("Pad", ["input", "pads"], ["p"], { mode: "reflect" }),
        node("Conv", ["p", "w1", "b1"], ["c1"], { kernel_shape: [3, 3] }),
        node("LeakyRelu", ["c1"], ["a1"], { alpha: 0.1 }),
        node("Conv", ["a1", "w2", "b2"], ["c2"], { kernel_shape: [1, 1] }),
    ];
    const initializers = [
        int64Tensor("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1]),
        floatTensor("w1", [8, 3, 3, 3], seeded(216, 0.9 / inputScale, seed++)),
        w("b1", [8], 0.3),
        w("w2", [3, 8, 1, 1], 1.2),
        w("b2", [3], 0.2),
    ];
    if (head === "tanh") {
        nodes.push(node("Tanh", ["c2"], ["output"]));
    } else {
        // fast_neural_style-like: an unbounded 0..255 output, here sigmoid * 255 with some overshoot.
        nodes.push(node("Sigmoid", ["c2"], ["s"]), node("Mul", ["s", "k"], ["output"]));
        initializers.push(floatTensor("k", [1], [270]));
    }
    const dims = [1, 3, "H", "W"];
    return encodeModel({ nodes, initializers, inputs: [valueInfo("input", dims)], outputs: [valueInfo("output", dims)] });
}
write("diagnose-tanh.onnx", diagnosisNet({ inputScale: 1, head: "tanh" }));
write("diagnose-0-255.onnx", diagnosisNet({ inputScale: 255, head: "0-255" }));

// A depth-guided generator (RGB + a depth guide channel): out_c = in_c + 0.5 * guide, so the guide shows on screen.
write(
    "guide-depth.onnx",
    encodeModel(
        {
            nodes: [node("Conv", ["input", "w"], ["output"], { kernel_shape: [1, 1] })],
            // prettier-ignore
            initializers: [floatTensor("w", [3, 4, 1, 1], [
                1, 0, 0, 0.5,
                0, 1, 0, 0.5,
                0, 0, 1, 0.5,
            ])],
            inputs: [valueInfo("input", [1, 4, "H", "W"])],
            outputs: [valueInfo("output", [1, 3, "H", "W"])],
        },
        { "stylize.guides": "depth", "stylize.depth_range": "3,7", "stylize.input_range": "[0,1]", "stylize.output_range": "[0,1]" }
    )
);

// Normal and depth guides in that order (RGB + normal x y z + depth: 7 channels): out_c = 0.5 in_c + 0.5 normal_c +
// 0.25 depth.
write(
    "guide-normal-depth.onnx",
    encodeModel(
        {
            nodes: [node("Conv", ["input", "w"], ["output"], { kernel_shape: [1, 1] })],
            // prettier-ignore
            initializers: [floatTensor("w", [3, 7, 1, 1], [
                0.5, 0, 0, 0.5, 0, 0, 0.25,
                0, 0.5, 0, 0, 0.5, 0, 0.25,
                0, 0, 0.5, 0, 0, 0.5, 0.25,
            ])],
            inputs: [valueInfo("input", [1, 7, "H", "W"])],
            outputs: [valueInfo("output", [1, 3, "H", "W"])],
        },
        {
            "stylize.guides": "normal,depth",
            "stylize.depth_range": "3,7",
            "stylize.normal_space": "view",
            "stylize.input_range": "[0,1]",
            "stylize.output_range": "[0,1]",
        }
    )
);

// Error paths.
write(
    "guide-6ch.onnx",
    encodeModel({
        nodes: [node("Conv", ["input", "w"], ["output"], { kernel_shape: [1, 1] })],
        initializers: [floatTensor("w", [3, 6, 1, 1], seeded(18, 1, 3))],
        inputs: [valueInfo("input", [1, 6, "H", "W"])],
        outputs: [valueInfo("output", [1, 3, "H", "W"])],
    })
);
write(
    "rank3.onnx",
    encodeModel({
        nodes: [node("Relu", ["input"], ["output"])],
        initializers: [],
        inputs: [valueInfo("input", [3, "H", "W"])],
        outputs: [valueInfo("output", [3, "H", "W"])],
    })
);
// Weights in a file beside the model: the plugin must refuse it without reading the path it names.
write(
    "external-data.onnx",
    encodeModel({
        nodes: [node("Conv", ["input", "w"], ["output"], { kernel_shape: [1, 1] })],
        initializers: [
            onnx.TensorProto.create({
                name: "w",
                dims: [3, 3, 1, 1],
                dataType: onnx.TensorProto.DataType.FLOAT,
                dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
                externalData: [
                    { key: "location", value: "../../secrets/weights.bin" },
                    { key: "offset", value: "0" },
                    { key: "length", value: "36" },
                ],
            }),
        ],
        inputs: [valueInfo("input", [1, 3, "H", "W"])],
        outputs: [valueInfo("output", [1, 3, "H", "W"])],
    })
);
// An operator no execution provider knows: every provider fails to start a session.
write(
    "unknown-op.onnx",
    encodeModel({
        nodes: [node("Stylize", ["input"], ["output"])],
        initializers: [],
        inputs: [valueInfo("input", [1, 3, "H", "W"])],
        outputs: [valueInfo("output", [1, 3, "H", "W"])],
    })
);
const good = generator({ dims: [1, 3, "H", "W"], metadata: declared });
write("truncated.onnx", good.subarray(0, Math.floor(good.length / 2)));
fs.writeFileSync(path.join(outDir, "not-a-model.onnx"), "<!DOCTYPE html><html><body>404 Not Found</body></html>\n");
console.log(`test models written to ${path.relative(process.cwd(), outDir)}`);
