#!/usr/bin/python3
"""
The training recipe's command line. Run with Debian's Python (python3-torch etc.), from anywhere:

    /usr/bin/python3 training/recipe.py params                       # parameter counts, sizes, MACs of the family
    /usr/bin/python3 training/recipe.py paint --style oil --frames training/data/frames --out training/data/painted/oil
    /usr/bin/python3 training/recipe.py train training/configs/oil-tiny.json [--fresh] [--iterations N]
    /usr/bin/python3 training/recipe.py evaluate training/configs/oil-tiny.json
    /usr/bin/python3 training/recipe.py export training/configs/oil-tiny.json
    /usr/bin/python3 training/recipe.py all training/configs/oil-tiny.json   # train (resuming), evaluate, export
    /usr/bin/python3 training/recipe.py pick-keyframes --frames frames --count 8 --out to-paint   # for an artist
    /usr/bin/python3 training/recipe.py import-keyframes painted --frames frames --name my-style   # checks, writes a config

See training/README.md.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fewshot.config import RunConfig, resolve  # noqa: E402
from fewshot.model import GeneratorConfig, build_generator, count_macs, parameter_count  # noqa: E402

# The family's named configurations: the reference generator and the shrunk ones (filters + resnet_blocks), and the
# per-frame baseline they are compared with (fast_neural_style's TransformerNet layout).
FAMILY = {
    "reference": GeneratorConfig(filters=[32, 64, 128, 128, 128, 64], resnet_blocks=7),
    "half": GeneratorConfig(filters=[24, 48, 64, 64, 64, 24], resnet_blocks=3),
    "tiny": GeneratorConfig(filters=[16, 32, 32, 32, 32, 16], resnet_blocks=2),
    "micro": GeneratorConfig(filters=[8, 16, 16, 16, 16, 8], resnet_blocks=1),
    "transformer": GeneratorConfig(family="transformer", filters=[32, 64, 128], resnet_blocks=5, norm="instance"),
}


def cmd_params(args) -> None:
    rows = []
    for name, cfg in FAMILY.items():
        g = build_generator(cfg)
        n = parameter_count(g)
        rows.append({"name": name, "filters": cfg.filters, "resnet_blocks": cfg.resnet_blocks, "parameters": n,
                     "float32_mb": round(n * 4 / 1e6, 3), "gmacs_720x540": round(count_macs(g, 540, 720) / 1e9, 1)})
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'config':<12} {'filters':<28} {'blocks':>6} {'params':>10} {'MB':>7} {'GMAC@720x540':>13}")
    for r in rows:
        print(f"{r['name']:<12} {str(r['filters']):<28} {r['resnet_blocks']:>6} {r['parameters']:>10,} {r['float32_mb']:>7.2f} {r['gmacs_720x540']:>13.1f}")


def cmd_paint(args) -> None:
    from fewshot.data import list_frames, load_rgb, save_rgb
    from fewshot.painter import paint

    out = resolve(args.out)
    frames = list_frames(resolve(args.frames))
    for i, f in enumerate(frames):
        target = out / f.name
        if target.exists() and not args.overwrite:
            continue
        save_rgb(target, paint(load_rgb(f), args.style))
        print(f"\r{i + 1}/{len(frames)} {target}", end="", file=sys.stderr)
    print(file=sys.stderr)


def _config(args) -> RunConfig:
    config = RunConfig.load(args.config)
    if getattr(args, "iterations", None):
        config.train.iterations = args.iterations
    return config


def _run_dir(args, config: RunConfig) -> Path:
    return resolve(args.run_dir) if args.run_dir else resolve("training/runs") / config.name


def _main_process() -> bool:
    """False in the other processes of a torchrun launch: they train, rank 0 alone reports, evaluates and exports."""
    import os

    return int(os.environ.get("RANK", "0")) == 0


def cmd_train(args) -> None:
    from fewshot.train import train

    config = _config(args)
    summary = train(config, _run_dir(args, config), resume=not args.fresh, stop_after=args.stop_after)
    if _main_process():
        print(json.dumps({k: v for k, v in summary.items() if k not in ("keyframes", "heldout")}, indent=2))


def cmd_evaluate(args) -> None:
    from fewshot.export import evaluate

    config = _config(args)
    sequence = resolve(args.sequence) if args.sequence else None
    print(json.dumps(evaluate(config, _run_dir(args, config), limit=args.limit, sequence=sequence), indent=2))


def cmd_export(args) -> None:
    from fewshot.export import export

    config = _config(args)
    info = export(config, _run_dir(args, config), resolve(args.out) if args.out else None)
    print(json.dumps({k: info[k] for k in ("file", "bytes", "parameters", "gmacs_720x540")}, indent=2))


def cmd_export_untrained(args) -> None:
    """A family member with random weights, exported as training exports: the same graph, for speed figures only."""
    import torch
    from fewshot.export import export_onnx

    torch.manual_seed(args.seed)
    generator = build_generator(FAMILY[args.family])
    metadata = {"stylize.input_range": "[-1,1]", "stylize.output_range": "[-1,1]", "stylize.name": f"{args.family}-untrained",
                "stylize.architecture": FAMILY[args.family].to_json()}
    out = resolve(args.out)
    export_onnx(generator, out, 13, metadata, f"{args.family} generator with random weights (speed benchmarks only)")
    print(json.dumps({"file": str(out), "bytes": out.stat().st_size, "parameters": parameter_count(generator)}))


def cmd_quantize(args) -> None:
    """models/<name>.onnx -> models/<name>.int8.onnx (QDQ), calibrated on frames; prints its PSNR against fp32."""
    import numpy as np
    import onnx
    from fewshot.data import list_frames, load_rgb
    from fewshot.metrics import psnr
    from fewshot.quantize import calibrate, quantize_qdq, run_graph
    from PIL import Image

    config = _config(args)
    out_dir = resolve(args.out) if args.out else resolve(config.export.out_dir)
    source = out_dir / f"{config.name}.onnx"
    model = onnx.load(str(source))
    width, height = (int(v) for v in args.size.split("x"))

    def frame(path):  # the contract of the family's export: RGB sRGB in [-1,1], NCHW
        img = np.asarray(Image.open(path).convert("RGB").resize((width, height), Image.BILINEAR), dtype=np.float32) / 255
        return np.ascontiguousarray((img * 2 - 1).transpose(2, 0, 1)[None])

    frames = [frame(p) for p in list_frames(resolve(args.frames))]
    calibration, check = frames[::2], frames[1::2]  # ranges from half the frames, the PSNR on the other half
    quantized = quantize_qdq(model, calibrate(model, calibration))
    entry = quantized.metadata_props.add()
    entry.key = "stylize.quantization"
    entry.value = f"int8 QDQ: weights per channel, activations per tensor, calibrated on {len(calibration)} frames at {args.size}"
    target = out_dir / f"{config.name}.int8.onnx"
    onnx.save(quantized, str(target))
    output = model.graph.output[0].name
    psnrs = []
    for f in check:
        a, b = run_graph(model, f)[output].numpy(), run_graph(quantized, f)[output].numpy()
        psnrs.append(psnr(a, b, peak=2.0))  # [-1,1] outputs: peak-to-peak 2
    print(json.dumps({"file": str(target), "bytes": target.stat().st_size, "fp32_bytes": source.stat().st_size,
                      "simulated_psnr_db": round(float(np.mean(psnrs)), 2), "checked_frames": len(check)}, indent=2))


def cmd_half(args) -> None:
    """models/<name>.onnx -> models/<name>.fp16.onnx, named in the fp32 model's metadata and its reference manifest."""
    from fewshot.half import TWIN_KEY, write_twin

    config = _config(args)
    out_dir = resolve(args.out) if args.out else resolve(config.export.out_dir)
    source = out_dir / f"{config.name}.onnx"
    twin = write_twin(source)
    manifest_path = out_dir / "reference" / f"{config.name}.json"
    if manifest_path.exists():  # the fp32 model's bytes and metadata changed with the twin's name
        manifest = json.loads(manifest_path.read_text())
        manifest["bytes"] = source.stat().st_size
        manifest["metadata"][TWIN_KEY] = twin.name
        manifest["fp16_twin"] = {"file": twin.name, "bytes": twin.stat().st_size}
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps({"file": str(twin), "bytes": twin.stat().st_size, "fp32_bytes": source.stat().st_size}, indent=2))


def cmd_pick_keyframes(args) -> None:
    from fewshot.keyframes import pick

    manifest = pick(args.frames, args.count, args.out, args.heldout_every, args.heldout_offset)
    print(json.dumps({k: manifest[k] for k in ("keyframes", "basis", "size")}))
    print(f"copied {len(manifest['keyframes'])} frames to paint into {args.out}/ ({manifest['basis']})", file=sys.stderr)


def cmd_import_keyframes(args) -> None:
    from fewshot.keyframes import KeyframeError, import_painted

    try:
        result = import_painted(args.painted, args.frames, args.name, args.base_config, args.targets_root, args.configs)
    except KeyframeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result))
    if result["not_painted"]:
        print(f"note: {len(result['not_painted'])} picked keyframe(s) not painted (training uses the others): {', '.join(result['not_painted'])}",
              file=sys.stderr)
    print(f"next: /usr/bin/python3 training/recipe.py all {result['config']}", file=sys.stderr)


def cmd_all(args) -> None:
    cmd_train(args)
    if _main_process():
        cmd_evaluate(args)
        cmd_export(args)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("params", help="parameter counts of the family's configurations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_params)
    p = sub.add_parser("paint", help="stylize captured frames with a deterministic painter")
    p.add_argument("--style", required=True, choices=["oil", "glass"])
    p.add_argument("--frames", default="training/data/frames")
    p.add_argument("--out", required=True)
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=cmd_paint)
    p = sub.add_parser("pick-keyframes", help="choose keyframes spread over camera poses and content, copy them for painting")
    p.add_argument("--frames", required=True, help="captured frames (with capture-frames' frames.json for the poses)")
    p.add_argument("--count", type=int, default=8)
    p.add_argument("--out", required=True, help="folder for the frames to paint (and keyframes.json)")
    p.add_argument("--heldout-every", type=int, default=5)
    p.add_argument("--heldout-offset", type=int, default=2)
    p.set_defaults(func=cmd_pick_keyframes)
    p = sub.add_parser("import-keyframes", help="check painted keyframes, copy them as targets and write a config")
    p.add_argument("painted", help="folder of painted PNGs named as their frames")
    p.add_argument("--frames", required=True)
    p.add_argument("--name", required=True, help="run and model name: training/configs/<name>.json, models/<name>.onnx")
    p.add_argument("--base-config", default="training/configs/oil-tiny-keyframes.json", help="architecture and training settings to start from")
    p.add_argument("--targets-root", default="training/data/painted")
    p.add_argument("--configs", default="training/configs")
    p.set_defaults(func=cmd_import_keyframes)
    p = sub.add_parser("export-untrained", help="export a family member with random weights (for speed benchmarks)")
    p.add_argument("--family", required=True, choices=sorted(FAMILY))
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_export_untrained)
    p = sub.add_parser("half", help="fp16 twin of an exported model (models/<name>.fp16.onnx), used on GPUs with shader-f16")
    p.add_argument("config")
    p.add_argument("--out", help="models folder (default: the config's export.out_dir)")
    p.set_defaults(func=cmd_half)
    p = sub.add_parser("quantize", help="int8 QDQ twin of an exported model (models/<name>.int8.onnx)")
    p.add_argument("config")
    p.add_argument("--frames", default="assets/keyframes/village/frames", help="calibration frames (PNG)")
    p.add_argument("--size", default="256x192", help="calibration size WxH")
    p.add_argument("--out", help="models folder (default: the config's export.out_dir)")
    p.set_defaults(func=cmd_quantize)
    for name, func, help_ in (("train", cmd_train, "train (resumes from the run's checkpoint)"),
                              ("evaluate", cmd_evaluate, "held-out PSNR/SSIM vs the painter"),
                              ("export", cmd_export, "ONNX with metadata + reference pairs"),
                              ("all", cmd_all, "train, evaluate, export")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("config")
        p.add_argument("--run-dir", help="default: training/runs/<name>")
        p.add_argument("--iterations", type=int, help="override train.iterations")
        p.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
        p.add_argument("--stop-after", type=int, help="stop after this many iterations with a checkpoint (resume by running again)")
        p.add_argument("--out", help="export folder (default: the config's export.out_dir)")
        p.add_argument("--limit", type=int, default=0, help="evaluate at most this many frames per group")
        p.add_argument("--sequence", help="evaluate: also the temporal figures along these consecutive frames (capture-frames --step 1)")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
