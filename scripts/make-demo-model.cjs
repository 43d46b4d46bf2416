// Writes models/ink-wash.onnx: a hand-built (not trained) image-to-image network that gives the demo a painterly
// look until trained generators land: colours smoothed in 5x5 blocks with boosted saturation, dark ink on edges.
// It uses the contract a trained generator declares: RGB in [-1,1], Tanh output in [-1,1].
const fs = require("fs");
const path = require("path");
const { floatTensor, int64Tensor, node, valueInfo, encodeModel } = require("./onnxBuilder.cjs");

const sobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
const sobelY = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
// Edge filters see the mean of R, G, B.
const edgeWeights = [sobelX, sobelY].flatMap((k) => [0, 1, 2].flatMap(() => k.map((v) => v / 3)));
// Saturation boost around the grey axis: out = grey + s * (c - grey).
const s = 1.6;
const grey = 1 / 3;
const saturate = [0, 1, 2].flatMap((o) => [0, 1, 2].map((i) => (o === i ? s : 0) + grey * (1 - s)));

const nodes = [
    node("Pad", ["input", "pad1"], ["padded1"], { mode: "reflect" }),
    node("Conv", ["padded1", "edge_w"], ["gradients"], { kernel_shape: [3, 3] }),
    node("Abs", ["gradients"], ["gradients_abs"]),
    node("Conv", ["gradients_abs", "sum_w"], ["edge"], { kernel_shape: [1, 1] }),
    node("Pad", ["input", "pad2"], ["padded2"], { mode: "reflect" }),
    node("AveragePool", ["padded2"], ["smooth"], { kernel_shape: [5, 5] }),
    node("Conv", ["smooth", "sat_w", "sat_b"], ["vivid"], { kernel_shape: [1, 1] }),
    node("Mul", ["edge", "ink"], ["ink_amount"]),
    node("Sub", ["vivid", "ink_amount"], ["inked"]),
    node("Tanh", ["inked"], ["output"]),
];
const initializers = [
    int64Tensor("pad1", [8], [0, 0, 1, 1, 0, 0, 1, 1]),
    int64Tensor("pad2", [8], [0, 0, 2, 2, 0, 0, 2, 2]),
    floatTensor("edge_w", [2, 3, 3, 3], edgeWeights),
    floatTensor("sum_w", [1, 2, 1, 1], [1, 1]),
    floatTensor("sat_w", [3, 3, 1, 1], saturate),
    floatTensor("sat_b", [3], [0.05, 0.05, 0.05]),
    floatTensor("ink", [1], [0.9]),
];
const dims = [1, 3, "height", "width"];
const bytes = encodeModel(
    { nodes, initializers, inputs: [valueInfo("input", dims)], outputs: [valueInfo("output", dims)] },
    {
        "stylize.input_range": "[-1,1]",
        "stylize.output_range": "[-1,1]",
        "stylize.channel_order": "RGB",
        "stylize.color_space": "sRGB",
        "stylize.description": "hand-built ink-and-wash filter network (not trained)",
    }
);
const out = path.join(__dirname, "..", "models", "ink-wash.onnx");
fs.writeFileSync(out, bytes);
console.log(`wrote ${path.relative(process.cwd(), out)} (${bytes.length} bytes)`);
