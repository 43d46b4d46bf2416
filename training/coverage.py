#!/usr/bin/python3
"""
The coverage study: how far a handful of painted keyframes reaches over a whole level (models/README.md).

    /usr/bin/python3 training/coverage.py [--counts 1,2,4,8,16,32,80] [--iterations 1500] [--only spread-4,...]

Frames (capture them first; README "Frames from your own game"):
    npm run capture-frames -- --out training/data/coverage/frames --count 120 --random 60 --width 256 --height 192
    npm run capture-frames -- --out training/data/coverage/sequence --count 24 --start 600 --step 1 --width 256 --height 192

120 frames spread over one loop of the camera path and 60 seeded random viewpoints over the whole level; every 4th is
held out (45 frames, path and viewpoints alike). For each keyframe count N, a tiny generator is trained on N of the
other 135 frames, painted by the oil painter, chosen two ways:
  spread    farthest-point sampling over camera pose and image content (what `recipe.py pick-keyframes` offers),
  one-area  the N frames whose cameras stand nearest the first path frame's (one corner of the level).
And the teacher route: a per-frame network (training/runs/oil-transformer, fast_neural_style's layout trained on 80
painted frames of another capture) stylizes the 16 spread keyframes, and a tiny generator learns from its outputs.

Each is measured against the painter on the held-out frames (PSNR, SSIM), and along 24 consecutive path frames for the
temporal figures of bench/motionMetrics.ts (flicker ratio mean|S_t - S_t-1| / mean|I_t - I_t-1|, mean change where
the input did not change). Runs resume; results go to training/runs/coverage/results.json and models/coverage.svg.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fewshot.config import RunConfig, resolve  # noqa: E402
from fewshot.data import input_tensor, list_frames, load_rgb, make_split, save_rgb, to_bytes, from_tensor  # noqa: E402
from fewshot.export import run_generator  # noqa: E402
from fewshot.keyframes import _poses, describe, farthest_points  # noqa: E402
from fewshot.metrics import psnr, ssim, temporal_figures  # noqa: E402
from fewshot.train import load_generator, target_for, train  # noqa: E402

FRAMES = "training/data/coverage/frames"
SEQUENCE = "training/data/coverage/sequence"
PAINTED = "training/data/painted/coverage-oil"
TEACHER_TARGETS = "training/data/painted/coverage-teacher"
TEACHER_RUN = "training/runs/oil-transformer"
RUNS = "training/runs/coverage"
HELDOUT_EVERY, HELDOUT_OFFSET = 4, 2
TEACHER_COUNT = 16


def base_config(name: str, keyframes: List[str], iterations: int, targets: str = PAINTED, style=None) -> RunConfig:
    return RunConfig.from_dict({
        "name": name,
        "description": f"coverage study: {name}",
        "architecture": {"filters": [16, 32, 32, 32, 32, 16], "resnet_blocks": 2, "norm": "batch"},
        "data": {"frames": FRAMES, "targets": targets, "style": style, "heldout_every": HELDOUT_EVERY, "heldout_offset": HELDOUT_OFFSET,
                 "keyframes": keyframes},
        "train": {"iterations": iterations, "batch": 16, "patch": 32, "lr": 0.0005, "seed": 1,
                  "loss": {"l1": 1, "gradient": 1, "structure": 0.5, "adversarial": 0}, "checkpoint_every": 500, "threads": 2},
        "export": {"opset": 13, "reference_sizes": [[256, 192]]},
    })


def selections(names: List[str], pool: List[str], counts: List[int]) -> Dict[str, List[str]]:
    """Keyframes per run name: spread-N and one-area-N."""
    frames = resolve(FRAMES)
    features = describe(frames, pool)["features"]
    poses = _poses(frames, pool)
    if poses is None:
        raise SystemExit(f"{FRAMES}/frames.json lacks camera poses; capture the frames with capture-frames")
    anchor = poses[pool.index(names[0])] if names[0] in pool else poses[0]
    nearest = np.argsort(((poses[:, :3] - anchor[:3]) ** 2).sum(axis=1), kind="stable")
    chosen = {}
    for n in counts:
        chosen[f"spread-{n}"] = sorted(pool[i] for i in farthest_points(features, n))
        chosen[f"one-area-{n}"] = sorted(pool[i] for i in nearest[:n])
    return chosen


def stylize(generator, frames_dir: str, name: str) -> np.ndarray:
    """The generator's output for a frame as the screen shows it (8 bits), H x W x 3 in 0..1."""
    with torch.no_grad():
        out = np.clip(from_tensor(run_generator(generator, input_tensor(resolve(frames_dir), name))), 0, 1)
    return to_bytes(out).astype(np.float32) / 255


def heldout_scores(generator, painter_config: RunConfig, heldout: List[str]) -> Dict[str, float]:
    psnrs, ssims = [], []
    for name in heldout:
        out, target = stylize(generator, FRAMES, name), target_for(painter_config, name)
        psnrs.append(psnr(out, target))
        ssims.append(ssim(out, target))
    return {"psnr": round(float(np.mean(psnrs)), 2), "ssim": round(float(np.mean(ssims)), 4)}


def sequence_figures(generate) -> Dict[str, float]:
    names = [p.name for p in list_frames(resolve(SEQUENCE))]
    inputs = [load_rgb(resolve(SEQUENCE) / n) for n in names]
    return temporal_figures([generate(n) for n in names], inputs)


def teacher_targets(keyframes: List[str]) -> None:
    """The per-frame network's outputs for the keyframes, saved as their targets."""
    config = RunConfig.load(resolve(TEACHER_RUN) / "config.json")
    teacher, _ = load_generator(resolve(TEACHER_RUN), config)
    out = resolve(TEACHER_TARGETS)
    out.mkdir(parents=True, exist_ok=True)
    for name in keyframes:
        if not (out / name).exists():
            save_rgb(out / name, stylize(teacher, FRAMES, name))


def run(name: str, config: RunConfig, painter: RunConfig, heldout: List[str], results: Dict) -> None:
    run_dir = resolve(RUNS) / name
    summary = train(config, run_dir, resume=True, quiet=True)
    generator, _ = load_generator(run_dir, config)
    results[name] = {
        "keyframes": len(config.data.keyframes),
        "heldout": heldout_scores(generator, painter, heldout),
        "sequence": sequence_figures(lambda n: stylize(generator, SEQUENCE, n)),
        "train_seconds": summary.get("train_seconds"),
    }
    print(name, json.dumps(results[name]), flush=True)


def plot(results: Dict, out: Path) -> None:
    """Held-out PSNR and flicker ratio against the keyframe count (log scale), spread vs one area, as an SVG."""
    runs = {k: v for k, v in results.items() if k.startswith(("spread-", "one-area-"))}
    counts = sorted({v["keyframes"] for v in runs.values()})
    panels = [("held-out PSNR vs the painter (dB)", lambda r: r["heldout"]["psnr"]),
              ("flicker ratio along 24 path frames", lambda r: r["sequence"]["flicker_ratio"])]
    series = [("spread", "#1f77b4"), ("one-area", "#d62728")]
    width, height, left, top, plot_w, plot_h = 760, 300, 56, 36, 280, 200
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>']
    for p, (title, value) in enumerate(panels):
        x0 = left + p * (plot_w + 100)
        values = [value(r) for r in runs.values()]
        extra = [value(results["teacher"])] + ([results["painter"]["sequence"]["flicker_ratio"]] if p == 1 else [])
        lo, hi = min(values + extra), max(values + extra)
        lo, hi = lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9)
        sx = lambda n: x0 + plot_w * np.log2(n) / np.log2(max(counts))  # noqa: E731
        sy = lambda v: top + plot_h * (1 - (v - lo) / (hi - lo))  # noqa: E731
        parts.append(f'<text x="{x0}" y="{top - 14}" font-size="12" font-weight="bold">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
        for n in counts:
            parts.append(f'<text x="{sx(n):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x0 + plot_w / 2}" y="{top + plot_h + 30}" text-anchor="middle">keyframes</text>')
        for k in range(5):
            v = lo + (hi - lo) * k / 4
            parts.append(f'<text x="{x0 - 4}" y="{sy(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
        for name, color in series:
            points = sorted((r["keyframes"], value(r)) for k, r in runs.items() if k.startswith(name + "-"))
            path = " ".join(f"{sx(n):.1f},{sy(v):.1f}" for n, v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            parts += [f'<circle cx="{sx(n):.1f}" cy="{sy(v):.1f}" r="3" fill="{color}"/>' for n, v in points]
        if f"teacher-spread-{TEACHER_COUNT}" in results:
            v = value(results[f"teacher-spread-{TEACHER_COUNT}"])
            parts.append(f'<rect x="{sx(TEACHER_COUNT) - 4:.1f}" y="{sy(v) - 4:.1f}" width="8" height="8" fill="#2ca02c"/>')
        references = [("per-frame teacher", value(results["teacher"]), "#2ca02c")]
        if p == 1:
            references.append(("painter per frame", results["painter"]["sequence"]["flicker_ratio"], "#555"))
        for label, v, color in references:
            parts.append(f'<line x1="{x0}" x2="{x0 + plot_w}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" stroke="{color}" stroke-dasharray="4 3"/>')
            parts.append(f'<text x="{x0 + 4}" y="{sy(v) - 3:.1f}" fill="{color}">{label}</text>')
    legend = [("spread over the level", "#1f77b4"), ("one area", "#d62728"), (f"few-shot on the teacher's {TEACHER_COUNT} outputs", "#2ca02c")]
    for i, (label, color) in enumerate(legend):
        parts.append(f'<rect x="{left + i * 230}" y="{height - 22}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + i * 230 + 14}" y="{height - 13}">{label}</text>')
    parts.append("</svg>")
    out.write_text("\n".join(parts) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="1,2,4,8,16,32,80")
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--only", default="", help="comma-separated run names (default: all)")
    parser.add_argument("--plot", action="store_true", help="only draw models/coverage.svg from the results")
    args = parser.parse_args()
    results_file = resolve(RUNS) / "results.json"
    if args.plot:
        plot(json.loads(results_file.read_text()), resolve("models/coverage.svg"))
        return
    counts = [int(c) for c in args.counts.split(",")]
    torch.set_num_threads(2)

    names = [p.name for p in list_frames(resolve(FRAMES))]
    split = make_split(names, HELDOUT_EVERY, HELDOUT_OFFSET, "all")
    chosen = selections(names, split.keyframes, counts)
    painter = base_config("painter", split.keyframes, 0, style="oil")
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results["setup"] = {"frames": len(names), "heldout": len(split.heldout), "pool": len(split.keyframes), "iterations": args.iterations,
                        "keyframes": chosen}

    # References: the painter itself along the sequence, and the teacher (per-frame network) on both measures.
    painter_sequence = base_config("painter-sequence", [], 0, targets=PAINTED + "-sequence", style="oil")
    painter_sequence.data.frames = SEQUENCE
    results["painter"] = {"sequence": sequence_figures(lambda n: target_for(painter_sequence, n))}
    teacher_config = RunConfig.load(resolve(TEACHER_RUN) / "config.json")
    teacher, _ = load_generator(resolve(TEACHER_RUN), teacher_config)
    results["teacher"] = {"heldout": heldout_scores(teacher, painter, split.heldout),
                          "sequence": sequence_figures(lambda n: stylize(teacher, SEQUENCE, n))}
    print("teacher", json.dumps(results["teacher"]), flush=True)

    only = set(filter(None, args.only.split(",")))
    for name, keyframes in chosen.items():
        if not only or name in only:
            run(name, base_config(name, keyframes, args.iterations, style="oil"), painter, split.heldout, results)
            results_file.write_text(json.dumps(results, indent=1))
    teacher_name = f"teacher-spread-{TEACHER_COUNT}"
    if not only or teacher_name in only:
        keyframes = chosen[f"spread-{TEACHER_COUNT}"]
        teacher_targets(keyframes)
        run(teacher_name, base_config(teacher_name, keyframes, args.iterations, targets=TEACHER_TARGETS), painter, split.heldout, results)
    results_file.write_text(json.dumps(results, indent=1))
    plot(results, resolve("models/coverage.svg"))
    print(f"wrote {results_file} and models/coverage.svg")


if __name__ == "__main__":
    main()
