"""
The keyframe workflow: pick the frames worth painting, hand them to the painter (an artist, or `recipe.py paint`),
check what comes back, and write the config that trains on it.

Picking: the held-out frames (`heldout_every`, `heldout_offset`, as training uses them) are never offered. Among the
others, each frame is described by where the camera was (position and viewing direction, from the `frames.json`
that `capture-frames` writes beside the frames) and by what it shows (a small colour thumbnail and the frame's
colour spread); keyframes are then chosen by farthest-point sampling from the most typical frame, so they spread over
the places, directions and looks of the capture rather than over its indices.

Importing: every problem with a painted folder is collected and reported at once, each with what to do.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from PIL import Image

from .config import resolve
from .data import list_frames, make_split

# A thumbnail of 16x12 cells summarizes a frame's layout and colours (a few hundred numbers per frame).
THUMB = (16, 12)
# Weights of the two parts of a frame's description, each normalized to unit spread over the capture first.
POSE_WEIGHT = 1.0
CONTENT_WEIGHT = 1.0
MANIFEST = "keyframes.json"


class KeyframeError(ValueError):
    """A folder of keyframes that cannot be used; the message lists every problem and what to do."""


def _poses(frames_dir: Path, names: Sequence[str]) -> Optional[np.ndarray]:
    """Per frame: camera position and viewing direction from frames.json, when every frame has one."""
    manifest = frames_dir / "frames.json"
    if not manifest.exists():
        return None
    entries = {e["file"]: e for e in json.loads(manifest.read_text()).get("frames", [])}
    rows = []
    for name in names:
        camera = entries.get(name, {}).get("camera")
        if not camera:
            return None
        rows.append(list(camera["position"]) + list(camera["forward"]))
    return np.asarray(rows, dtype=np.float64)


def _content(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        thumb = np.asarray(rgb.resize(THUMB, Image.BILINEAR), dtype=np.float64) / 255.0
        full = np.asarray(rgb, dtype=np.float64) / 255.0
    spread = full.reshape(-1, 3).std(axis=0)
    return np.concatenate([thumb.ravel(), spread])


def _normalized(features: np.ndarray) -> np.ndarray:
    """Centred, scaled to unit mean distance from the centre (so pose and content weigh alike)."""
    centred = features - features.mean(axis=0)
    scale = np.sqrt((centred ** 2).sum(axis=1)).mean()
    return centred / scale if scale > 0 else centred


def describe(frames_dir: Path, names: Sequence[str]) -> Dict[str, object]:
    """Each frame's description (rows in `names` order) and what it was made of."""
    content = _normalized(np.stack([_content(frames_dir / n) for n in names]))
    poses = _poses(frames_dir, names)
    if poses is None:
        return {"features": CONTENT_WEIGHT * content, "basis": "image content (no camera poses in frames.json)"}
    position, forward = _normalized(poses[:, :3]), _normalized(poses[:, 3:])
    pose = np.concatenate([position, forward], axis=1) / np.sqrt(2.0)
    return {"features": np.concatenate([POSE_WEIGHT * pose, CONTENT_WEIGHT * content], axis=1), "basis": "camera pose and image content"}


def farthest_points(features: np.ndarray, count: int) -> List[int]:
    """`count` row indices: the row nearest the mean first, then each time the row farthest from those chosen."""
    first = int(np.argmin(((features - features.mean(axis=0)) ** 2).sum(axis=1)))
    chosen = [first]
    distance = ((features - features[first]) ** 2).sum(axis=1)
    while len(chosen) < count:
        index = int(np.argmax(distance))
        chosen.append(index)
        distance = np.minimum(distance, ((features - features[index]) ** 2).sum(axis=1))
    return chosen


def pick(frames_dir: str, count: int, out_dir: str, heldout_every: int = 5, heldout_offset: int = 2) -> dict:
    """Chooses `count` keyframes and copies them to `out_dir` for painting, with keyframes.json saying what was done."""
    frames = resolve(frames_dir)
    names = [p.name for p in list_frames(frames)]
    split = make_split(names, heldout_every, heldout_offset, "all")
    pool = split.keyframes
    if not 1 <= count <= len(pool):
        raise KeyframeError(f"asked for {count} keyframes; {len(pool)} of the {len(names)} frames in {frames} are not held out")
    description = describe(frames, pool)
    picked = sorted(pool[i] for i in farthest_points(description["features"], count))
    out = resolve(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in picked:
        shutil.copyfile(frames / name, out / name)
    with Image.open(frames / picked[0]) as first:
        size = first.size
    manifest = {
        "frames": frames_dir,
        "keyframes": picked,
        "basis": description["basis"],
        "size": list(size),
        "heldout": split.heldout,
        "heldout_every": heldout_every,
        "heldout_offset": heldout_offset,
        "instructions": "Paint each PNG here at its own size (8-bit sRGB), keep its name, and save the painted ones in a folder of "
        "their own; then: recipe.py import-keyframes <that folder> --frames " + frames_dir,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def validate(painted_dir: str, frames_dir: str, heldout_every: int = 5, heldout_offset: int = 2) -> List[str]:
    """The painted keyframes' names, sorted, once every check passes; else a KeyframeError listing every problem."""
    painted, frames = resolve(painted_dir), resolve(frames_dir)
    if not painted.is_dir():
        raise KeyframeError(f"{painted} is not a folder: give the folder that holds the painted PNGs")
    names = [p.name for p in list_frames(frames)]
    split = make_split(names, heldout_every, heldout_offset, "all")
    heldout = set(split.heldout)
    problems: List[str] = []
    accepted: List[str] = []
    files = sorted(p for p in painted.iterdir() if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))
    for path in files:
        name = path.name
        if path.suffix.lower() != ".png":
            problems.append(f"{name}: not a PNG; save painted keyframes as PNG under their frame's name")
            continue
        if name not in names:
            problems.append(f"{name}: no captured frame has this name (frames are {names[0]} .. {names[-1]} in {frames}); keep the frame's file name")
            continue
        if name in heldout:
            problems.append(
                f"{name}: a held-out frame (every {heldout_every}th frame from index {heldout_offset}), kept out of training to measure it; paint another frame"
            )
            continue
        try:
            with Image.open(path) as im:
                im.load()
                size, mode = im.size, im.mode
        except Exception as error:  # a damaged file, whatever PIL says about it
            problems.append(f"{name}: cannot be read as an image ({error}); save it again as an 8-bit PNG")
            continue
        with Image.open(frames / name) as frame:
            expected = frame.size
        if size != expected:
            problems.append(f"{name}: {size[0]}x{size[1]}, its frame is {expected[0]}x{expected[1]}; paint at the frame's size (no crop, no scale)")
            continue
        if mode not in ("RGB", "RGBA", "P", "L"):
            problems.append(f"{name}: pixel format {mode}; save as 8-bit sRGB (RGB) PNG")
            continue
        accepted.append(name)
    if not files:
        problems.append(f"{painted} holds no painted keyframes")
    if problems:
        raise KeyframeError(f"{len(problems)} problem(s) with the painted keyframes in {painted}:\n  " + "\n  ".join(problems))
    return accepted


def import_painted(painted_dir: str, frames_dir: str, name: str, base_config: str, targets_root: str = "training/data/painted",
                   configs_dir: str = "training/configs") -> dict:
    """
    Validates, copies the painted keyframes to <targets_root>/<name>, writes <configs_dir>/<name>.json from `base_config`.
    Relative paths are the repository's (as in configs) and are written into the config as given.
    """
    base = json.loads(resolve(base_config).read_text())
    data = base.get("data", {})
    every, offset = int(data.get("heldout_every", 5)), int(data.get("heldout_offset", 2))
    accepted = validate(painted_dir, frames_dir, every, offset)
    targets = f"{targets_root.rstrip('/')}/{name}"
    resolve(targets).mkdir(parents=True, exist_ok=True)
    for file in accepted:
        with Image.open(resolve(painted_dir) / file) as im:
            im.convert("RGB").save(resolve(targets) / file)
    picked = resolve(painted_dir) / MANIFEST
    missing = []
    if picked.exists():
        missing = sorted(set(json.loads(picked.read_text()).get("keyframes", [])) - set(accepted))
    config = dict(base)
    config["name"] = name
    config["description"] = f"Trained on {len(accepted)} painted keyframes imported from {painted_dir} (frames: {frames_dir})."
    config["data"] = {**data, "frames": frames_dir, "targets": targets, "style": None, "keyframes": accepted}
    out = resolve(configs_dir) / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(config, indent=2) + "\n")
    return {"config": f"{configs_dir.rstrip('/')}/{name}.json", "targets": targets, "keyframes": accepted, "not_painted": missing}
