"""Image quality figures for the model card: PSNR and SSIM between images in [0,1] (H x W x 3)."""
from __future__ import annotations

import numpy as np
import torch

from .losses import ssim_map


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 1.0) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak * peak / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over the RGB channels (Gaussian window 11, sigma 1.5, the usual constants)."""
    ta = torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[:, None].double()
    tb = torch.from_numpy(np.ascontiguousarray(b.transpose(2, 0, 1)))[:, None].double()
    return float(ssim_map(ta, tb, window=11, sigma=1.5).mean())
