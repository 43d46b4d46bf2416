"""
Figures for the model card: PSNR and SSIM between images in [0,1] (H x W x 3), and the temporal figures of a
stylized frame sequence (bench/motionMetrics.ts computes the same ones in the browser).
"""
from __future__ import annotations

import numpy as np
import torch

from typing import Dict, Sequence

from .losses import ssim_map


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 1.0) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak * peak / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over the RGB channels (Gaussian window 11, sigma 1.5, the usual constants)."""
    ta = torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[:, None].double()
    tb = torch.from_numpy(np.ascontiguousarray(b.transpose(2, 0, 1)))[:, None].double()
    return float(ssim_map(ta, tb, window=11, sigma=1.5).mean())


def temporal_figures(outputs: Sequence[np.ndarray], inputs: Sequence[np.ndarray]) -> Dict[str, float]:
    """
    Consecutive stylized frames `outputs` of consecutive `inputs` (8-bit values in [0,1]): the flicker ratio
    mean|S_t - S_t-1| / mean|I_t - I_t-1|, and the mean change |S_t - S_t-1| (in levels) where the input did not change.
    """
    change_s = change_i = still = 0.0
    still_count = 0
    for t in range(1, len(outputs)):
        s, sp = outputs[t].astype(np.float64) * 255, outputs[t - 1].astype(np.float64) * 255
        x, xp = inputs[t].astype(np.float64) * 255, inputs[t - 1].astype(np.float64) * 255
        change_s += float(np.abs(s - sp).mean())
        change_i += float(np.abs(x - xp).mean())
        input_still = np.all(np.abs(x - xp) < 0.5, axis=2)
        still += float(np.abs(s - sp)[input_still].sum())
        still_count += int(input_still.sum()) * 3
    return {"flicker_ratio": round(change_s / change_i, 3), "change_where_input_still": round(still / max(1, still_count), 3)}
