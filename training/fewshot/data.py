"""
Frames, keyframe/held-out splits and random patch sampling.

A dataset is a folder of captured frames (PNG, any names that sort in camera-path order) and, per style, a folder of
stylized frames with the same file names: painted by `recipe.py paint`, or painted by an artist (only the keyframes
need one). Held-out frames are chosen by position in the sorted list and are never used for training.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np
import torch
from PIL import Image


def load_rgb(path: Union[str, Path]) -> np.ndarray:
    """An 8-bit sRGB PNG as float32 H x W x 3 in [0, 1] (what torchvision's ToTensor gives, channels last)."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0


def save_rgb(path: Union[str, Path], img: np.ndarray) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(to_bytes(img)).save(path, optimize=True)


def to_bytes(img: np.ndarray) -> np.ndarray:
    """[0,1] floats -> uint8, rounding to nearest (as a GPU writing a unorm8 target does)."""
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """H x W x 3 in [0,1] -> 1 x 3 x H x W in [-1,1]: ToTensor then Normalize(0.5, 0.5), the declared contract."""
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None] * 2.0 - 1.0


def from_tensor(t: torch.Tensor) -> np.ndarray:
    """1 x 3 x H x W in [-1,1] -> H x W x 3 in [0,1] (unclamped)."""
    return ((t[0].detach().cpu().numpy().transpose(1, 2, 0) + 1.0) * 0.5).astype(np.float32)


def load_depth_guide(frames_dir: Union[str, Path], name: str, near: float, far: float) -> np.ndarray:
    """
    The depth guide of frame `name` (H x W in 0..1), as the plugin computes it (src/plugin/contract/guides.ts): the view
    distance from <frames>/depth/<name> (16-bit centimetres, 0 where nothing was drawn) over near..far, clamped, 1
    where nothing was drawn.
    """
    path = Path(frames_dir) / "depth" / name
    if not path.exists():
        raise FileNotFoundError(f"no depth map {path}; capture the frames with `npm run capture-frames -- --depth ...`")
    with Image.open(path) as im:
        return depth_guide(np.asarray(im, dtype=np.float64) / 100.0, near, far)


def depth_guide(distance: np.ndarray, near: float, far: float) -> np.ndarray:
    """View distances (0: nothing drawn) -> the depth guide in 0..1."""
    guide = np.clip((distance - near) / (far - near), 0.0, 1.0)
    guide[distance == 0] = 1.0
    return guide.astype(np.float32)


def normal_guide(normal_rgb: np.ndarray) -> np.ndarray:
    """
    A normal map as recorded (H x W x 3 bytes, each view-space component n * 0.5 + 0.5 over 0..255, 128 where nothing
    was drawn) -> the normal guide, 3 x H x W in 0..1 as the plugin computes it (src/plugin/contract/guides.ts).
    """
    return (np.asarray(normal_rgb, dtype=np.float32).transpose(2, 0, 1) / 255.0).astype(np.float32)


def load_normal_guide(frames_dir: Union[str, Path], name: str) -> np.ndarray:
    """The normal guide of frame `name` from <frames>/normal/<name> (3 x H x W in 0..1)."""
    path = Path(frames_dir) / "normal" / name
    if not path.exists():
        raise FileNotFoundError(f"no normal map {path}; capture the frames with `npm run capture-frames -- --normal ...`")
    with Image.open(path) as im:
        return normal_guide(np.asarray(im.convert("RGB")))


def guide_tensor(planes: Dict[str, np.ndarray], guides: Sequence[str]) -> torch.Tensor:
    """Guide planes in 0..1 (depth: H x W, normal: 3 x H x W) -> 1 x C x H x W in [-1,1], in the order of `guides`."""
    stacked = [planes[g][None] if planes[g].ndim == 2 else planes[g] for g in guides]
    return torch.from_numpy(np.concatenate(stacked, axis=0))[None] * 2.0 - 1.0


def input_tensor(frames_dir: Union[str, Path], name: str, guides: Sequence[str] = (), depth_range: Sequence[float] = (0.5, 60.0)) -> torch.Tensor:
    """Frame `name` as the network's input: 1 x (3 + guides) x H x W in [-1,1] (a guide's 0..1 taken in like RGB)."""
    rgb = to_tensor(load_rgb(Path(frames_dir) / name))
    if not guides:
        return rgb
    planes = {}
    if "depth" in guides:
        planes["depth"] = load_depth_guide(frames_dir, name, depth_range[0], depth_range[1])
    if "normal" in guides:
        planes["normal"] = load_normal_guide(frames_dir, name)
    guide = guide_tensor(planes, guides)
    if guide.shape[2:] != rgb.shape[2:]:
        raise ValueError(f"guide maps of {name} are {tuple(guide.shape[2:])}, the frame {tuple(rgb.shape[2:])}: capture them together")
    return torch.cat([rgb, guide], dim=1)


def list_frames(folder: Union[str, Path]) -> List[Path]:
    frames = sorted(Path(folder).glob("*.png"))
    if not frames:
        raise FileNotFoundError(f"no PNG frames in {folder}; capture them first (see training/README.md)")
    return frames


@dataclasses.dataclass
class Split:
    keyframes: List[str]
    heldout: List[str]


def make_split(names: Sequence[str], heldout_every: int, heldout_offset: int, keyframes: Union[int, str, List[str]]) -> Split:
    """
    Held-out frames: every `heldout_every`-th frame starting at `heldout_offset`, so that they spread along the whole
    camera path. Keyframes come from the remaining frames: `"all"`, a count spread evenly along the path, or an
    explicit list of file names (for artist-painted keyframes).
    """
    names = list(names)
    heldout = [n for i, n in enumerate(names) if heldout_every > 0 and i % heldout_every == heldout_offset % heldout_every]
    pool = [n for n in names if n not in set(heldout)]
    if keyframes == "all":
        chosen = pool
    elif isinstance(keyframes, int):
        if not 1 <= keyframes <= len(pool):
            raise ValueError(f"asked for {keyframes} keyframes; {len(pool)} frames are not held out")
        # Evenly spaced along the path, centred in their intervals.
        chosen = [pool[int((i + 0.5) * len(pool) / keyframes)] for i in range(keyframes)]
    else:
        overlap = set(keyframes) & set(heldout)
        if overlap:
            raise ValueError(f"keyframes {sorted(overlap)} are held-out frames")
        missing = set(keyframes) - set(names)
        if missing:
            raise ValueError(f"keyframes {sorted(missing)} are not among the frames")
        chosen = list(keyframes)
    return Split(keyframes=chosen, heldout=heldout)


class PatchSampler:
    """
    Random aligned patches from keyframe pairs (inputs: RGB and any guide channels; targets: RGB). All keyframes are held in memory as [-1,1] tensors; each batch draws a
    keyframe, a position and (optionally) a horizontal flip per patch from its own seeded generator, so a run is
    reproducible and a resumed run continues the same sequence.
    """

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor, patch: int, seed: int, hflip: bool = True) -> None:
        if inputs.shape[0] != targets.shape[0] or inputs.shape[2:] != targets.shape[2:]:
            raise ValueError(f"inputs {tuple(inputs.shape)} and targets {tuple(targets.shape)} differ (inputs may have guide channels)")
        n, _, h, w = inputs.shape
        if h < patch or w < patch:
            raise ValueError(f"frames of {w}x{h} are smaller than {patch}x{patch} patches")
        self.inputs, self.targets, self.patch, self.hflip = inputs, targets, patch, hflip
        self.generator = torch.Generator().manual_seed(seed)

    def sample(self, batch: int) -> Tuple[torch.Tensor, torch.Tensor]:
        n, _, h, w = self.inputs.shape
        p = self.patch
        g = self.generator
        idx = torch.randint(0, n, (batch,), generator=g)
        ys = torch.randint(0, h - p + 1, (batch,), generator=g)
        xs = torch.randint(0, w - p + 1, (batch,), generator=g)
        flips = torch.rand(batch, generator=g) < 0.5
        a = torch.stack([self.inputs[i, :, y:y + p, x:x + p] for i, y, x in zip(idx.tolist(), ys.tolist(), xs.tolist())])
        b = torch.stack([self.targets[i, :, y:y + p, x:x + p] for i, y, x in zip(idx.tolist(), ys.tolist(), xs.tolist())])
        if self.hflip:
            a = torch.where(flips[:, None, None, None], a.flip(-1), a)
            b = torch.where(flips[:, None, None, None], b.flip(-1), b)
        return a, b

    def state_dict(self) -> dict:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.generator.set_state(state["generator"])


def channel_statistics(inputs: torch.Tensor) -> Tuple[List[float], List[float]]:
    """Mean and standard deviation per image channel (R, G, B) of the training inputs, in the network's [-1,1] units."""
    rgb = inputs[:, :3]
    flat = rgb.transpose(0, 1).reshape(3, -1).double()
    return flat.mean(1).tolist(), flat.std(1).tolist()
