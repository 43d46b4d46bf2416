"""
The fp16 twin of an exported generator: the same graph with float16 weights and activations, for GPUs whose WebGPU
adapter has `shader-f16` (half the memory traffic and, where the hardware has them, twice the arithmetic rate).

The twin keeps the fp32 model's interface, so the plugin binds the same buffers: the float32 input is cast to float16
as the graph's first node and the output back to float32 as its last. Every float initializer and Constant becomes
float16 except Resize's `scales` (float32 by the operator's definition). The fp32 model names its twin in
`stylize.fp16_twin` (a file name beside it); the twin says what it is in `stylize.precision`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TWIN_KEY = "stylize.fp16_twin"


def _set_metadata(model: onnx.ModelProto, key: str, value: str) -> None:
    for entry in model.metadata_props:
        if entry.key == key:
            entry.value = value
            return
    entry = model.metadata_props.add()
    entry.key, entry.value = key, value


def to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """The fp16 twin of `model` (one float32 input, one float32 output); `model` is left as it is."""
    twin = onnx.ModelProto()
    twin.CopyFrom(model)
    graph = twin.graph
    if len(graph.input) != 1 or len(graph.output) != 1:
        raise ValueError("expected a generator with one input and one output")
    ops = {node.op_type for node in graph.node}
    unsupported = ops - {"Conv", "Relu", "LeakyRelu", "Add", "Mul", "Resize", "Concat", "Tanh", "Sigmoid", "Constant", "Pad"}
    if unsupported:
        raise ValueError(f"the fp16 twin handles the few-shot family's operators; this graph also has {sorted(unsupported)}")
    # Resize's scales stay float32 (the operator allows no other type).
    keep = {node.input[2] for node in graph.node if node.op_type == "Resize" and len(node.input) > 2 and node.input[2]}
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and init.name not in keep:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] not in keep:
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                    attr.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attr.t).astype(np.float16), attr.t.name))
    source, sink = graph.input[0].name, graph.output[0].name
    half_in, half_out = f"{source}_fp16", f"{sink}_fp16"
    for node in graph.node:
        node.input[:] = [half_in if name == source else name for name in node.input]
        node.output[:] = [half_out if name == sink else name for name in node.output]
    graph.node.insert(0, helper.make_node("Cast", [source], [half_in], to=TensorProto.FLOAT16, name="to_fp16"))
    graph.node.append(helper.make_node("Cast", [half_out], [sink], to=TensorProto.FLOAT, name="to_fp32"))
    del graph.value_info[:]  # intermediate types changed; onnxruntime infers them again
    _set_metadata(twin, "stylize.precision", "fp16")
    _set_metadata(twin, "stylize.name", f"{_metadata(model).get('stylize.name', 'model')} (fp16)")
    kept = [e for e in twin.metadata_props if e.key != TWIN_KEY]
    del twin.metadata_props[:]
    twin.metadata_props.extend(kept)
    onnx.checker.check_model(twin)
    return twin


def _metadata(model: onnx.ModelProto) -> dict:
    return {e.key: e.value for e in model.metadata_props}


def write_twin(fp32_path: Path) -> Path:
    """Writes `<name>.fp16.onnx` beside `<name>.onnx` and names it in the fp32 model's metadata; returns its path."""
    model = onnx.load(str(fp32_path))
    twin_path = fp32_path.with_name(f"{fp32_path.stem}.fp16.onnx")
    onnx.save(to_fp16(model), str(twin_path))
    _set_metadata(model, TWIN_KEY, twin_path.name)
    onnx.save(model, str(fp32_path))
    return twin_path
