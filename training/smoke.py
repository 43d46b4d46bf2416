#!/usr/bin/python3
"""
CI smoke test of the recipe (run by test/unit/trainingRecipe.test.ts): synthetic frames, painter, a few training
iterations with every loss term (adversarial included), a checkpoint and a resume, evaluation and ONNX export, all in
a temporary folder. Prints one JSON line with what it produced.

    /usr/bin/python3 training/smoke.py --out /tmp/smoke [--depth] [--normal]   # a generator guided by depth, normals
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fewshot.config import RunConfig  # noqa: E402
from fewshot.data import save_rgb  # noqa: E402
from PIL import Image  # noqa: E402
from fewshot.export import evaluate, export  # noqa: E402
from fewshot.train import train  # noqa: E402


def synthetic_frame(i: int, width: int = 64, height: int = 48) -> np.ndarray:
    """A sky/ground gradient with a few coloured shapes drifting across, different per frame, same every run."""
    rng = np.random.default_rng(1000 + i)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.zeros((height, width, 3), np.float32)
    horizon = height * 0.45
    img[...] = np.where((y < horizon)[..., None], [0.5, 0.7, 0.9], [0.35, 0.55, 0.3])
    img *= (0.8 + 0.2 * x / width)[..., None]
    for _ in range(4):
        cx, cy = rng.uniform(0, width) + 2 * i, rng.uniform(horizon - 5, height)
        r = rng.uniform(4, 10)
        colour = rng.uniform(0.1, 0.95, 3)
        if rng.uniform() < 0.5:
            mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        else:
            mask = (abs(x - cx) < r) & (abs(y - cy) < r * 0.8)
        img[mask] = colour
    return np.clip(img, 0, 1)


def synthetic_depth(width: int = 64, height: int = 48) -> np.ndarray:
    """View distances in centimetres: nothing drawn above the horizon, the ground from 20 m at the horizon to 2 m."""
    y = np.mgrid[0:height, 0:width][0].astype(np.float32)
    horizon = height * 0.45
    metres = np.where(y < horizon, 0.0, 2.0 + 18.0 * (height - y) / (height - horizon))
    return np.round(metres * 100).astype(np.uint16)


def synthetic_normals(width: int = 64, height: int = 48) -> np.ndarray:
    """View-space normals as recorded (n * 0.5 + 0.5 in bytes): nothing drawn above the horizon, the ground facing up."""
    y = np.mgrid[0:height, 0:width][0]
    up = np.array([0.0, 0.94, -0.34])  # the ground seen from a camera looking slightly down
    normals = np.where((y < height * 0.45)[..., None], 0.0, up)
    return np.round((normals * 0.5 + 0.5) * 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--depth", action="store_true", help="train a depth-guided generator (a depth map per frame)")
    parser.add_argument("--normal", action="store_true", help="train a normal-guided generator (a normal map per frame)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    for i in range(10):
        save_rgb(out / "frames" / f"frame_{i:04d}.png", synthetic_frame(i))
        for guide, make in (("depth", synthetic_depth), ("normal", synthetic_normals)):
            if getattr(args, guide):
                (out / "frames" / guide).mkdir(parents=True, exist_ok=True)
                Image.fromarray(make()).save(out / "frames" / guide / f"frame_{i:04d}.png")
    names = [g for g in ("depth", "normal") if getattr(args, g)]
    guides = {"guides": names, "depth_range": [1.0, 20.0]} if names else {}
    channels = 3 + (1 if args.depth else 0) + (3 if args.normal else 0)
    config = RunConfig.from_dict(
        {
            "name": "smoke",
            "description": "CI smoke test",
            "architecture": {"filters": [8, 16, 16, 16, 16, 8], "resnet_blocks": 1, "norm": "batch", "input_channels": channels},
            "data": {"frames": str(out / "frames"), "targets": str(out / "painted"), "style": "oil",
                     "heldout_every": 5, "heldout_offset": 2, "keyframes": 4, **guides},
            "train": {"iterations": args.iterations // 2, "batch": 4, "patch": 32, "seed": 3, "checkpoint_every": 5,
                      "loss": {"l1": 1, "gradient": 1, "structure": 0.5, "adversarial": 0.05}},
            "export": {"opset": 13, "reference_sizes": [[64, 48]], "out_dir": str(out / "models")},
        }
    )
    run_dir = out / "run"
    first = train(config, run_dir, resume=False, quiet=True)
    config.train.iterations = args.iterations  # resume from the checkpoint up to the full count
    second = train(config, run_dir, resume=True, quiet=True)
    quality = evaluate(config, run_dir)
    info = export(config, run_dir)
    print(json.dumps({
        "first_iterations": first["iterations"],
        "resumed_iterations": second["iterations"],
        "final_losses": second["final_losses_last_500"],
        "evaluation": quality,
        "model": str(out / "models" / info["file"]),
        "reference": info["references"][0],
        "metadata": info["metadata"],
        "parameters": info["parameters"],
    }))


if __name__ == "__main__":
    main()
