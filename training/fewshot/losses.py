"""
Training losses that need no downloaded weights.

- L1 on pixels: colours.
- Multi-scale gradient term: L1 between the horizontal and vertical finite differences of output and target at full,
  half and quarter resolution: edges, ink lines and stroke texture (what a VGG feature loss mostly adds in practice).
- Multi-scale structure term: 1 - SSIM on the luminance at full and half resolution: local contrast and structure.
- Optional adversarial term: a small patch discriminator (least-squares GAN) that sharpens textures when weighted in.
"""
from __future__ import annotations

from typing import Dict

import torch
import torch.nn.functional as F
from torch import nn


def _gradients(x: torch.Tensor):
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


def gradient_loss(pred: torch.Tensor, target: torch.Tensor, scales: int = 3) -> torch.Tensor:
    total = pred.new_zeros(())
    for s in range(scales):
        if s:
            pred, target = F.avg_pool2d(pred, 2), F.avg_pool2d(target, 2)
        pdx, pdy = _gradients(pred)
        tdx, tdy = _gradients(target)
        total = total + (pdx - tdx).abs().mean() + (pdy - tdy).abs().mean()
    return total / scales


def _luma(x: torch.Tensor) -> torch.Tensor:
    # [-1,1] RGB -> [0,1] luminance
    w = x.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
    return ((x + 1) * 0.5 * w).sum(1, keepdim=True)


def _gauss_window(size: int, sigma: float, like: torch.Tensor) -> torch.Tensor:
    t = torch.arange(size, dtype=like.dtype, device=like.device) - (size - 1) / 2
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = g / g.sum()
    return (g[:, None] * g[None, :]).view(1, 1, size, size)


def ssim_map(a: torch.Tensor, b: torch.Tensor, window: int = 7, sigma: float = 1.5) -> torch.Tensor:
    """SSIM of single-channel images in [0,1] (valid windows only)."""
    w = _gauss_window(window, sigma, a)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mu_a, mu_b = F.conv2d(a, w), F.conv2d(b, w)
    saa = F.conv2d(a * a, w) - mu_a ** 2
    sbb = F.conv2d(b * b, w) - mu_b ** 2
    sab = F.conv2d(a * b, w) - mu_a * mu_b
    return ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))


def structure_loss(pred: torch.Tensor, target: torch.Tensor, scales: int = 2) -> torch.Tensor:
    a, b = _luma(pred), _luma(target)
    total = pred.new_zeros(())
    for s in range(scales):
        if s:
            a, b = F.avg_pool2d(a, 2), F.avg_pool2d(b, 2)
        total = total + (1 - ssim_map(a, b, window=7 if s == 0 else 5).mean())
    return total / scales


class PatchDiscriminator(nn.Module):
    """A small PatchGAN: 32x32 RGB patch -> a 4x4 map of real/fake scores (input and target are both in [-1,1])."""

    def __init__(self, channels: int = 32) -> None:
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            nn.Conv2d(3, c, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(c, 2 * c, 4, 2, 1), nn.InstanceNorm2d(2 * c, affine=True), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(2 * c, 4 * c, 3, 1, 1), nn.InstanceNorm2d(4 * c, affine=True), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(4 * c, 1, 3, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class GeneratorLoss:
    """Weighted sum of the terms above; returns the total and each term (for the progress bar and the log)."""

    def __init__(self, weights: Dict[str, float]) -> None:
        unknown = set(weights) - {"l1", "gradient", "structure", "adversarial"}
        if unknown:
            raise ValueError(f"unknown loss terms {sorted(unknown)}")
        self.weights = {"l1": 1.0, "gradient": 1.0, "structure": 0.5, "adversarial": 0.0, **weights}

    def __call__(self, pred: torch.Tensor, target: torch.Tensor, discriminator: nn.Module = None):
        terms = {
            "l1": (pred - target).abs().mean(),
            "gradient": gradient_loss(pred, target),
            "structure": structure_loss(pred, target),
        }
        if self.weights["adversarial"] > 0 and discriminator is not None:
            terms["adversarial"] = ((discriminator(pred) - 1) ** 2).mean()
        total = sum(self.weights[k] * v for k, v in terms.items())
        return total, {k: float(v.detach()) for k, v in terms.items()}


def discriminator_loss(discriminator: nn.Module, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return 0.5 * (((discriminator(target) - 1) ** 2).mean() + (discriminator(pred.detach()) ** 2).mean())
