"""
Static int8 quantization of an exported generator, in ONNX's QDQ form (QuantizeLinear/DequantizeLinear pairs around
float operators), which onnxruntime fuses into integer kernels (QLinearConv) on its CPU and wasm providers.

- weights: symmetric int8 per output channel; biases int32 with scale = input scale x weight scale (what the fused
  kernel expects);
- activations: asymmetric uint8 per tensor, ranges calibrated on real frames. Every Conv's input and output gets a
  Q/DQ pair; a Relu right after a Conv takes the output pair instead (its zero point is then 0, and onnxruntime drops
  the Relu into the quantized Conv); Add, Resize, Concat and Tanh stay float between the pairs.

Calibration runs the ONNX graph itself (a small interpreter for the generator family's operators on PyTorch), so the
ranges belong to exactly the tensors the graph names, whatever the exporter called them.
"""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper

Ranges = Dict[str, Tuple[float, float]]


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _run_node(node: onnx.NodeProto, values: Dict[str, torch.Tensor]) -> torch.Tensor:
    a = _attrs(node)
    x = [values[name] if name else None for name in node.input]
    op = node.op_type
    if op == "Conv":
        pads = a.get("pads", [0, 0, 0, 0])
        if pads[0] != pads[2] or pads[1] != pads[3]:
            raise ValueError(f"Conv {node.name}: asymmetric pads {pads}")
        return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, stride=a.get("strides", [1, 1]), padding=pads[:2],
                        dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
    if op == "Relu":
        return torch.relu(x[0])
    if op == "Tanh":
        return torch.tanh(x[0])
    if op == "Add":
        return x[0] + x[1]
    if op == "Concat":
        return torch.cat(x, dim=a["axis"])
    if op == "Constant":
        return torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
    if op == "QuantizeLinear":
        return torch.clamp(torch.round(x[0] / x[1]) + x[2].float(), 0, 255).to(torch.uint8)
    if op == "DequantizeLinear":
        shape = [-1, 1, 1, 1][: x[0].dim()] if x[1].dim() else []
        return (x[0].float() - x[2].float().reshape(shape or x[2].shape)) * x[1].reshape(shape or x[1].shape)
    if op == "Resize":
        scales = x[2] if len(x) > 2 and x[2] is not None and x[2].numel() else None
        if scales is None:
            raise ValueError(f"Resize {node.name}: only scale-based resizes are supported")
        mode = a.get("mode", b"nearest")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        factor = [float(s) for s in scales[2:]]
        if mode == "nearest":
            return F.interpolate(x[0], scale_factor=factor, mode="nearest")
        align = a.get("coordinate_transformation_mode", b"half_pixel")
        align = align.decode() if isinstance(align, bytes) else align
        return F.interpolate(x[0], scale_factor=factor, mode="bilinear", align_corners=align == "align_corners")
    raise ValueError(f"calibration: operator {op} ({node.name}) is not in the generator family")


def run_graph(model: onnx.ModelProto, frame: np.ndarray) -> Dict[str, torch.Tensor]:
    """Every tensor of the graph for one input (NCHW float32), QDQ operators included."""
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    values[model.graph.input[0].name] = torch.from_numpy(frame)
    with torch.no_grad():
        for node in model.graph.node:
            values[node.output[0]] = _run_node(node, values)
    return values


def calibrate(model: onnx.ModelProto, frames: Sequence[np.ndarray]) -> Ranges:
    """Min and max of every tensor of the graph over `frames` (NCHW float32 inputs in the model's input range)."""
    init = {t.name for t in model.graph.initializer}
    ranges: Ranges = {}
    for frame in frames:
        for name, v in run_graph(model, frame).items():
            if name in init or not v.is_floating_point():
                continue
            lo, hi = float(v.min()), float(v.max())
            old = ranges.get(name, (lo, hi))
            ranges[name] = (min(old[0], lo), max(old[1], hi))
    return ranges


def _uint8_params(lo: float, hi: float) -> Tuple[float, int]:
    lo, hi = min(lo, 0.0), max(hi, 0.0)  # zero must be exact (padding, Relu)
    scale = (hi - lo) / 255 or 1.0
    return float(scale), int(np.clip(round(-lo / scale), 0, 255))


def quantize_qdq(model: onnx.ModelProto, ranges: Ranges) -> onnx.ModelProto:
    """A copy of `model` with QDQ pairs on every Conv (see the module's docstring)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    init = {t.name: t for t in graph.initializer}
    consumers: Dict[str, List[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    convs = [n for n in graph.node if n.op_type == "Conv"]
    # The activations that get a Q/DQ pair: every Conv's input, and its output (or its Relu's).
    activations: List[str] = []
    for conv in convs:
        after = consumers.get(conv.output[0], [])
        out = after[0].output[0] if len(after) == 1 and after[0].op_type == "Relu" else conv.output[0]
        for name in (conv.input[0], out):
            if name not in activations:
                activations.append(name)
    added_init: List[onnx.TensorProto] = []
    added_nodes: List[onnx.NodeProto] = []

    def const(name: str, array: np.ndarray) -> str:
        added_init.append(numpy_helper.from_array(array, name))
        return name

    def dequantize(source: str, scale: str, zero: str, out: str, **attrs) -> None:
        added_nodes.append(helper.make_node("DequantizeLinear", [source, scale, zero], [out], name=f"{out}_node", **attrs))

    scales: Dict[str, float] = {}
    for tensor in activations:
        if tensor not in ranges:
            raise ValueError(f"no calibration range for {tensor}")
        scale, zero = _uint8_params(*ranges[tensor])
        scales[tensor] = scale
        s, z = const(f"{tensor}_scale", np.array(scale, dtype=np.float32)), const(f"{tensor}_zero", np.array(zero, dtype=np.uint8))
        added_nodes.append(helper.make_node("QuantizeLinear", [tensor, s, z], [f"{tensor}_q"], name=f"{tensor}_Q"))
        dequantize(f"{tensor}_q", s, z, f"{tensor}_dq")
        for node in consumers.get(tensor, []):
            node.input[:] = [f"{tensor}_dq" if name == tensor else name for name in node.input]
    dropped = set()
    for conv in convs:
        x, w = conv.input[0][: -len("_dq")], conv.input[1]
        weight = numpy_helper.to_array(init[w]).astype(np.float32)
        channels = weight.shape[0]
        w_scale = (np.maximum(np.abs(weight).reshape(channels, -1).max(axis=1), 1e-12) / 127).astype(np.float32)
        w_q = np.clip(np.round(weight / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
        dequantize(const(f"{w}_int8", w_q), const(f"{w}_wscale", w_scale), const(f"{w}_wzero", np.zeros(channels, np.int8)), f"{w}_dq", axis=0)
        conv.input[1] = f"{w}_dq"
        dropped.add(w)
        if len(conv.input) > 2 and conv.input[2]:
            b = conv.input[2]
            b_scale = (scales[x] * w_scale).astype(np.float32)
            b_q = np.round(numpy_helper.to_array(init[b]).astype(np.float64) / b_scale).astype(np.int32)
            dequantize(const(f"{b}_int32", b_q), const(f"{b}_bscale", b_scale), const(f"{b}_bzero", np.zeros(channels, np.int32)), f"{b}_dq", axis=0)
            conv.input[2] = f"{b}_dq"
            dropped.add(b)
    kept = [t for t in graph.initializer if t.name not in dropped] + added_init
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node) + added_nodes
    del graph.node[:]
    graph.node.extend(_topological(nodes, {i.name for i in graph.input} | {t.name for t in graph.initializer}))
    onnx.checker.check_model(model)
    return model


def _topological(nodes: List[onnx.NodeProto], available: set) -> List[onnx.NodeProto]:
    ordered, pending, have = [], list(nodes), set(available)
    while pending:
        ready = [n for n in pending if all(not i or i in have for i in n.input)]
        if not ready:
            raise ValueError("quantized graph has a cycle or a missing input: " + ", ".join(n.name for n in pending[:5]))
        for n in ready:
            ordered.append(n)
            have.update(n.output)
        pending = [n for n in pending if n not in ready]
    return ordered
