"""
ONNX export with the declared preprocessing contract, held-out evaluation, and reference pairs.

The exported graph takes `input` [1, 3, H, W] (H and W dynamic, multiples of 4) in [-1,1] RGB sRGB (plus a depth
guide channel when `data.guides` says so: `stylize.guides`, `stylize.depth_range`) and returns
`output` [1, 3, H, W] in [-1,1]. `metadata_props` carry the contract the plugin reads (see README.md and
src/plugin/model/modelContract.ts), the per-channel statistics of the training inputs, and the architecture.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Dict, List

import numpy as np
import onnx
import torch
from PIL import Image

from .config import RunConfig, resolve
from .data import depth_guide, from_tensor, guide_tensor, input_tensor, list_frames, load_rgb, normal_guide, save_rgb, to_bytes, to_tensor
from .metrics import psnr, ssim, temporal_figures
from .model import Generator, count_macs, parameter_count
from .train import load_generator, target_for


def contract_metadata(config: RunConfig, state: dict) -> Dict[str, str]:
    fmt = lambda v: ",".join(f"{x:.6f}" for x in v)  # noqa: E731
    return {
        "stylize.input_range": "[-1,1]",
        "stylize.output_range": "[-1,1]",
        "stylize.channel_order": "RGB",
        "stylize.color_space": "sRGB",
        "stylize.flip_y": "false",
        "stylize.resize": "bilinear",
        "stylize.clamp": "true",
        "stylize.train_mean": fmt(state["train_mean"]),
        "stylize.train_std": fmt(state["train_std"]),
        "stylize.architecture": config.architecture.to_json(),
        "stylize.training": json.dumps(
            {
                "style": config.data.style,
                "keyframes": len(state["keyframes"]),
                "iterations": state["iteration"],
                "patch": config.train.patch,
                "batch": config.train.batch,
                "seed": config.train.seed,
                "loss_weights": config.train.loss,
            },
            sort_keys=True,
            separators=(",", ":"),
        ),
        "stylize.name": config.name,
        **guide_metadata(config),
    }


def guide_metadata(config: RunConfig) -> Dict[str, str]:
    """The guides the plugin must feed (src/plugin/contract/guides.ts), none for an RGB model."""
    guides = config.data.guides
    if not guides:
        return {}
    metadata = {"stylize.guides": ",".join(guides)}
    if "depth" in guides:
        near, far = config.data.depth_range
        metadata["stylize.depth_range"] = f"{near:g},{far:g}"
    if "normal" in guides:
        metadata["stylize.normal_space"] = "view"
    return metadata


def export_onnx(generator: Generator, path: Path, opset: int, metadata: Dict[str, str], description: str) -> None:
    generator.eval()
    generator.split_fuse = True  # see Generator._fuse: the form onnxruntime-web's WebGPU EP computes correctly
    buffer = io.BytesIO()
    dummy = torch.zeros(1, generator.config.input_channels, 64, 64)
    torch.onnx.export(
        generator,
        dummy,
        buffer,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}},
        opset_version=opset,
        do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL,
    )
    generator.split_fuse = False
    model = onnx.load_from_string(buffer.getvalue())
    del model.metadata_props[:]
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    model.producer_name = "babylon-stylize training/recipe.py"
    model.doc_string = description
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def run_generator(generator: Generator, inputs: torch.Tensor) -> torch.Tensor:
    """Forward one input tensor (1 x C x H x W in [-1,1]: see input_tensor) in eval mode; returns the raw [-1,1] output."""
    with torch.no_grad():
        return generator(inputs)


def evaluate(config: RunConfig, run_dir: Path, limit: int = 0, sequence: Path = None) -> Dict:
    """
    PSNR/SSIM of the generator's output vs the painter's on held-out frames (and on the keyframes, for the fit); with
    `sequence` (a folder of consecutive frames, e.g. `capture-frames --step 1`), its temporal figures along them.
    """
    generator, state = load_generator(run_dir, config)
    frames_dir = resolve(config.data.frames)
    result = {}
    for group in ("heldout", "keyframes"):
        names = state[group][:limit] if limit else state[group]
        unpainted = [n for n in names if config.data.style is None and not (resolve(config.data.targets) / n).exists()]
        if unpainted:
            # Supplied targets (an artist's keyframes) rarely cover the held-out frames: nothing to measure against.
            result[group] = {"frames": 0, "skipped": f"{len(unpainted)} of {len(names)} frames have no target in {config.data.targets}"}
            continue
        psnrs, ssims = [], []
        for name in names:
            target = target_for(config, name)
            inputs = input_tensor(frames_dir, name, config.data.guides, config.data.depth_range)
            out = np.clip(from_tensor(run_generator(generator, inputs)), 0, 1)
            out = to_bytes(out).astype(np.float32) / 255  # what the screen shows
            psnrs.append(psnr(out, target))
            ssims.append(ssim(out, target))
        result[group] = {"frames": len(names), "psnr": round(float(np.mean(psnrs)), 2), "ssim": round(float(np.mean(ssims)), 4)}
    if sequence is not None:
        names = [p.name for p in list_frames(sequence)]
        outputs = [to_bytes(np.clip(from_tensor(run_generator(generator, input_tensor(sequence, n, config.data.guides, config.data.depth_range))), 0, 1))
                   for n in names]
        inputs = [load_rgb(sequence / n) for n in names]
        result["sequence"] = {"frames": len(names), **temporal_figures([o.astype(np.float32) / 255 for o in outputs], inputs)}
    (run_dir / "evaluation.json").write_text(json.dumps(result, indent=2))
    return result


def export(config: RunConfig, run_dir: Path, out_dir: Path = None) -> Dict:
    generator, state = load_generator(run_dir, config)
    out_dir = out_dir or resolve(config.export.out_dir)
    model_path = out_dir / f"{config.name}.onnx"
    export_onnx(generator, model_path, config.export.opset, contract_metadata(config, state), config.description)

    frames_dir = resolve(config.data.frames)
    ref_name = config.export.reference_frame or state["heldout"][0]
    if ref_name in state["keyframes"]:
        raise ValueError(f"reference frame {ref_name} was a training keyframe; pick a held-out frame")
    source = Image.open(frames_dir / ref_name).convert("RGB")
    references: List[dict] = []
    ref_dir = out_dir / "reference"
    for width, height in config.export.reference_sizes:
        if width % 4 or height % 4:
            raise ValueError(f"reference size {width}x{height}: width and height must be multiples of 4")
        stem = f"{config.name}.{width}x{height}"
        input_png = ref_dir / f"{stem}.input.png"
        resized = source if source.size == (width, height) else source.resize((width, height), Image.BILINEAR, reducing_gap=None)
        input_png.parent.mkdir(parents=True, exist_ok=True)
        resized.save(input_png, optimize=True)
        # The reference output is computed from the stored 8-bit PNG, exactly what a consumer decodes.
        inputs = to_tensor(load_rgb(input_png))
        guide_files = {}
        if config.data.guides:
            # The guide maps beside it, resized without filtering (depths and normals are never blended), as recorded.
            planes = {}
            for guide in config.data.guides:
                with Image.open(frames_dir / guide / ref_name) as png:
                    resized_map = png if png.size == (width, height) else png.resize((width, height), Image.NEAREST)
                    resized_map.save(ref_dir / f"{stem}.{guide}.png")
                    values = np.asarray(resized_map if guide == "depth" else resized_map.convert("RGB"))
                guide_files[guide] = f"reference/{stem}.{guide}.png"
                if guide == "depth":
                    planes[guide] = depth_guide(values.astype(np.float64) / 100.0, *config.data.depth_range)
                else:
                    planes[guide] = normal_guide(values)
            inputs = torch.cat([inputs, guide_tensor(planes, config.data.guides)], dim=1)
        out = run_generator(generator, inputs)
        data = out.numpy().astype("<f4")
        (ref_dir / f"{stem}.output.f32").write_bytes(data.tobytes())
        save_rgb(ref_dir / f"{stem}.output.png", from_tensor(out))
        references.append(
            {
                "width": width,
                "height": height,
                "frame": ref_name,
                "input": f"reference/{stem}.input.png",
                "output": f"reference/{stem}.output.png",
                "output_tensor": f"reference/{stem}.output.f32",
                "output_tensor_layout": "float32 little-endian, NCHW [1, 3, H, W], values in [-1,1]",
                "output_min": float(data.min()),
                "output_max": float(data.max()),
                **guide_files,
            }
        )
    info = {
        "name": config.name,
        "file": model_path.name,
        "bytes": model_path.stat().st_size,
        "parameters": parameter_count(generator),
        "gmacs_720x540": round(count_macs(generator, 540, 720) / 1e9, 2),
        "architecture": config.architecture.to_dict(),
        "metadata": contract_metadata(config, state),
        "references": references,
    }
    (ref_dir / f"{config.name}.json").write_text(json.dumps(info, indent=2) + "\n")
    return info
