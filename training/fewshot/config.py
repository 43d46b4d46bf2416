"""A training run's configuration, read from JSON (training/configs/*.json). Relative paths are relative to the repo root."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Dict, List, Optional, Union

from .model import GeneratorConfig

RepoRoot = Path(__file__).resolve().parents[2]


def resolve(path: Union[str, Path]) -> Path:
    p = Path(path)
    return p if p.is_absolute() else RepoRoot / p


# Channels each guide adds after RGB (src/plugin/contract/guides.ts).
GUIDE_CHANNELS = {"depth": 1, "normal": 3}


@dataclasses.dataclass
class DataConfig:
    frames: str = "training/data/frames"
    targets: str = "training/data/painted/oil"
    # Painter style used to create missing targets; None when the targets are supplied (artist-painted keyframes).
    style: Optional[str] = "oil"
    heldout_every: int = 5
    heldout_offset: int = 2
    keyframes: Union[int, str, List[str]] = 8
    # G-buffer guides fed after RGB, in channel order: any of "depth" (view distances from `capture-frames --depth`, in
    # <frames>/depth/, one channel) and "normal" (view-space normals from `--normal`, in <frames>/normal/, three).
    guides: List[str] = dataclasses.field(default_factory=list)
    # The view distances (scene units) the depth guide spans 0..1 over, as the plugin normalizes it (stylize.depth_range).
    depth_range: List[float] = dataclasses.field(default_factory=lambda: [0.5, 60.0])


@dataclasses.dataclass
class TrainConfig:
    iterations: int = 8000
    batch: int = 16
    patch: int = 32
    lr: float = 2e-4
    # The learning rate decays linearly to lr * final_lr_fraction over the last (1 - decay_start) of the run.
    decay_start: float = 0.6
    final_lr_fraction: float = 0.1
    seed: int = 1
    hflip: bool = True
    loss: Dict[str, float] = dataclasses.field(default_factory=lambda: {"l1": 1.0, "gradient": 1.0, "structure": 0.5, "adversarial": 0.0})
    checkpoint_every: int = 1000
    # One thread: on a shared 2-core machine two OpenMP threads spin-wait against other processes and run 5-10x slower.
    threads: int = 1


@dataclasses.dataclass
class ExportConfig:
    opset: int = 13
    # Held-out frame used for the reference pair (file name); None: the first held-out frame.
    reference_frame: Optional[str] = None
    # (width, height) of each reference pair; multiples of 4.
    reference_sizes: List[List[int]] = dataclasses.field(default_factory=lambda: [[256, 192], [96, 72]])
    out_dir: str = "models"


@dataclasses.dataclass
class RunConfig:
    name: str
    architecture: GeneratorConfig
    data: DataConfig
    train: TrainConfig
    export: ExportConfig
    description: str = ""

    @classmethod
    def load(cls, path: Union[str, Path]) -> "RunConfig":
        with open(path) as f:
            raw = json.load(f)
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict) -> "RunConfig":
        def build(kind, data):
            known = {f.name for f in dataclasses.fields(kind)}
            unknown = set(data) - known
            if unknown:
                raise ValueError(f"{kind.__name__}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
            return kind(**data)

        unknown = set(raw) - {"name", "description", "architecture", "data", "train", "export"}
        if unknown:
            raise ValueError(f"run config: unknown keys {sorted(unknown)}")
        config = cls(
            name=raw["name"],
            description=raw.get("description", ""),
            architecture=GeneratorConfig.from_dict(raw.get("architecture", {})),
            data=build(DataConfig, raw.get("data", {})),
            train=build(TrainConfig, raw.get("train", {})),
            export=build(ExportConfig, raw.get("export", {})),
        )
        guides, near_far = config.data.guides, config.data.depth_range
        if any(g not in GUIDE_CHANNELS for g in guides) or len(set(guides)) != len(guides):
            raise ValueError(f"data.guides is {guides}; the plugin feeds \"depth\" and \"normal\", each at most once")
        channels = 3 + sum(GUIDE_CHANNELS[g] for g in guides)
        if config.architecture.input_channels != channels:
            raise ValueError(f"architecture.input_channels is {config.architecture.input_channels}; RGB + guides {guides} needs {channels}")
        if len(near_far) != 2 or not 0 <= near_far[0] < near_far[1]:
            raise ValueError(f"data.depth_range is {near_far}; expected [near, far] with 0 <= near < far")
        return config

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "architecture": self.architecture.to_dict(),
            "data": dataclasses.asdict(self.data),
            "train": dataclasses.asdict(self.train),
            "export": dataclasses.asdict(self.export),
        }
