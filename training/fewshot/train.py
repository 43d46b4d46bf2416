"""Patch-based training with checkpoints: `train(config, run_dir, resume=True)`."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .config import RunConfig, resolve
from .distributed import setup, teardown
from .data import PatchSampler, Split, channel_statistics, input_tensor, list_frames, load_rgb, make_split, save_rgb, to_tensor
from .losses import GeneratorLoss, PatchDiscriminator, discriminator_loss
from .model import Generator, build_generator, parameter_count
from .painter import paint
from .progress import Progress


def dataset_split(config: RunConfig) -> Tuple[List[Path], Split]:
    frames = list_frames(resolve(config.data.frames))
    split = make_split([f.name for f in frames], config.data.heldout_every, config.data.heldout_offset, config.data.keyframes)
    return frames, split


def target_for(config: RunConfig, name: str) -> np.ndarray:
    """The stylized version of frame `name`: from the targets folder, painted (and cached there) when missing."""
    path = resolve(config.data.targets) / name
    if path.exists():
        return load_rgb(path)
    if not config.data.style:
        raise FileNotFoundError(f"no stylized keyframe {path}; supply one for every keyframe or set data.style to paint them")
    painted = paint(load_rgb(resolve(config.data.frames) / name), config.data.style)
    save_rgb(path, painted)
    return load_rgb(path)  # what was stored, 8-bit, so a rerun trains on identical bytes


def load_pairs(config: RunConfig, names: List[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    inputs, targets = [], []
    for name in names:
        inputs.append(input_tensor(resolve(config.data.frames), name, config.data.guides, config.data.depth_range))
        targets.append(to_tensor(target_for(config, name)))
    shapes = {tuple(t.shape) for t in inputs}
    if len(shapes) != 1:
        raise ValueError(f"keyframes have different sizes {sorted(shapes)}; capture them at one size")
    return torch.cat(inputs), torch.cat(targets)


def learning_rate(config: RunConfig, iteration: int) -> float:
    t = config.train
    start = t.decay_start * t.iterations
    if iteration < start:
        return t.lr
    frac = (iteration - start) / max(1.0, t.iterations - start)
    return t.lr * (1.0 - (1.0 - t.final_lr_fraction) * min(1.0, frac))


def _save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train(config: RunConfig, run_dir: Path, resume: bool = True, quiet: bool = False, stop_after: Optional[int] = None) -> Dict:
    """
    Trains on this process's place (see distributed.py): CPU, a CUDA GPU, or one of several torchrun processes.
    `stop_after` ends this invocation after that many iterations with a checkpoint (a preemptible slot); the next call
    resumes where it stopped, on the same schedule.
    """
    place = setup()
    quiet = quiet or not place.main
    t = config.train
    part = place.slice(t.batch)  # fails early when the batch does not split over the processes
    torch.set_num_threads(t.threads)
    random.seed(t.seed)
    np.random.seed(t.seed)
    torch.manual_seed(t.seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    if place.main:
        (run_dir / "config.json").write_text(json.dumps(config.to_dict(), indent=2))

    frames, split = dataset_split(config)
    if not place.main:
        place.barrier()  # rank 0 paints and caches missing targets first
    inputs, targets = load_pairs(config, split.keyframes)
    if place.main:
        place.barrier()
    mean, std = channel_statistics(inputs)
    sampler = PatchSampler(inputs, targets, t.patch, seed=t.seed, hflip=t.hflip)

    generator = build_generator(config.architecture).to(place.device)
    optimizer = torch.optim.Adam(generator.parameters(), lr=t.lr, betas=(0.9, 0.999))
    loss_fn = GeneratorLoss(t.loss)
    adversarial = loss_fn.weights["adversarial"] > 0
    discriminator = PatchDiscriminator().to(place.device) if adversarial else None
    d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=t.lr, betas=(0.5, 0.999)) if adversarial else None

    iteration, elapsed, history = 0, 0.0, []
    checkpoint = run_dir / "checkpoint.pt"
    if resume and checkpoint.exists():
        state = torch.load(checkpoint, map_location=place.device)
        if state["architecture"] != config.architecture.to_dict():
            raise ValueError(f"{checkpoint} holds architecture {state['architecture']}, the config says {config.architecture.to_dict()}; use another run dir")
        generator.load_state_dict(state["generator"])
        optimizer.load_state_dict(state["optimizer"])
        sampler.load_state_dict(state["sampler"])
        torch.set_rng_state(state["torch_rng"].cpu())
        if adversarial and "discriminator" in state:
            discriminator.load_state_dict(state["discriminator"])
            d_optimizer.load_state_dict(state["d_optimizer"])
        iteration, elapsed, history = state["iteration"], state["elapsed"], state["history"]
        if not quiet:
            print(f"resuming {config.name} at iteration {iteration} from {checkpoint}")

    # Several processes: DDP averages the gradients of the slices (the modules are saved and resumed unwrapped).
    model, critic = generator, discriminator
    if place.distributed:
        ids = [place.device] if place.device.type == "cuda" else None
        model = torch.nn.parallel.DistributedDataParallel(generator, device_ids=ids)
        critic = torch.nn.parallel.DistributedDataParallel(discriminator, device_ids=ids) if adversarial else None

    def save() -> None:
        if not place.main:
            return
        state = {
            "name": config.name,
            "architecture": config.architecture.to_dict(),
            "generator": generator.state_dict(),
            "optimizer": optimizer.state_dict(),
            "sampler": sampler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "iteration": iteration,
            "elapsed": elapsed + progress.elapsed,
            "history": history,
            "keyframes": split.keyframes,
            "heldout": split.heldout,
            "train_mean": mean,
            "train_std": std,
        }
        if adversarial:
            state["discriminator"] = discriminator.state_dict()
            state["d_optimizer"] = d_optimizer.state_dict()
        _save_atomic(state, checkpoint)

    if not quiet:
        print(f"{config.name}: {parameter_count(generator):,} parameters, {len(split.keyframes)} keyframes "
              f"({inputs.shape[3]}x{inputs.shape[2]}), {len(split.heldout)} held out, {t.iterations} iterations")
    progress = Progress(t.iterations, start=iteration)
    generator.train()
    ema: Dict[str, float] = {}
    window: Dict[str, List[float]] = {}
    end = t.iterations if stop_after is None else min(t.iterations, iteration + stop_after)
    while iteration < end:
        lr = learning_rate(config, iteration)
        for group in optimizer.param_groups:
            group["lr"] = lr
        a, b = sampler.sample(t.batch)  # the global batch, identical on every process; this one trains on its slice
        a, b = a[part].to(place.device), b[part].to(place.device)
        pred = model(a)
        if adversarial:
            for group in d_optimizer.param_groups:
                group["lr"] = lr
            d_optimizer.zero_grad(set_to_none=True)
            d_loss = discriminator_loss(critic, pred, b)
            d_loss.backward()
            d_optimizer.step()
        total, terms = loss_fn(pred, b, critic)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()
        iteration += 1
        terms["total"] = float(total.detach())
        terms = place.mean(terms)  # the whole global batch's losses, for the log
        for k, v in terms.items():
            ema[k] = v if k not in ema else 0.98 * ema[k] + 0.02 * v
            window.setdefault(k, []).append(v)
        if iteration % 100 == 0 or iteration == t.iterations:
            history.append({"iteration": iteration, "lr": lr, **{k: float(np.mean(v)) for k, v in window.items()}})
            window = {}
        if not quiet:
            progress.update(iteration, ema)
        if iteration % t.checkpoint_every == 0 or iteration == end:
            save()
            place.barrier()  # every rank resumes from the same checkpoint
    progress.close()
    total_elapsed = elapsed + progress.elapsed
    last = history[-5:] if history else []
    final = {k: float(np.mean([h[k] for h in last if k in h])) for k in (last[-1] if last else {}) if k not in ("iteration", "lr")}
    summary = {
        "name": config.name,
        "parameters": parameter_count(generator),
        "iterations": iteration,
        "train_seconds": round(total_elapsed, 1),
        "iterations_per_second": round(iteration / max(total_elapsed, 1e-9), 1),
        "final_losses_last_500": final,
        "keyframes": split.keyframes,
        "heldout": split.heldout,
        "train_mean": mean,
        "train_std": std,
    }
    summary["processes"] = place.world
    summary["device"] = place.device.type
    if place.main:
        (run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    teardown(place)
    return summary


def load_generator(run_dir: Path, config: RunConfig) -> Tuple[Generator, dict]:
    state = torch.load(run_dir / "checkpoint.pt")
    generator = build_generator(config.architecture)
    generator.load_state_dict(state["generator"])
    generator.eval()
    return generator, state
