"""
Deterministic painters: turn captured frames into stylized keyframes (the targets of patch training).

No pretrained style network can be downloaded here, so the targets come from classic image filters. Every style is a
pure function of the frame (same bytes in, same bytes out) and only of each pixel's neighbourhood, which is what a
translation-equivariant generator trained on random patches can learn. (A screen-fixed pattern such as a regular tile
grid is not a function of the local content: a patch-trained generator can only blur it.)

Styles:
- "oil": generalized Kuwahara filter (flat brush strokes that keep edges), a soft pull towards a fixed painter's
  palette, and dark ink lines from a difference of Gaussians.
- "glass": stained glass: smoothing, a hard snap to a fixed palette of saturated glass colours, thick dark lead lines
  along the boundaries between colour regions, and a lighter glow inside each pane.

Artist-painted keyframes (or another network's outputs) replace the painter entirely: see training/README.md.
"""
from __future__ import annotations

from typing import Callable, Dict

import numpy as np

Image = np.ndarray  # float32, H x W x 3, sRGB values in [0, 1]


def box_mean(x: np.ndarray, radius_y: int, radius_x: int) -> np.ndarray:
    """Mean over a (2*ry+1) x (2*rx+1) window with edge replication, via an integral image."""
    pad = [(radius_y + 1, radius_y), (radius_x + 1, radius_x)] + [(0, 0)] * (x.ndim - 2)
    p = np.pad(x.astype(np.float64), pad, mode="edge")
    s = p.cumsum(0).cumsum(1)
    h, w = x.shape[:2]
    ky, kx = 2 * radius_y + 1, 2 * radius_x + 1
    total = s[ky:ky + h, kx:kx + w] - s[:h, kx:kx + w] - s[ky:ky + h, :w] + s[:h, :w]
    return (total / (ky * kx)).astype(np.float32)


def gaussian_blur(x: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur with edge replication (H x W or H x W x C)."""
    r = max(1, int(np.ceil(3 * sigma)))
    t = np.arange(-r, r + 1, dtype=np.float32)
    k = np.exp(-0.5 * (t / sigma) ** 2)
    k /= k.sum()
    pad = [(r, r), (0, 0)] + [(0, 0)] * (x.ndim - 2)
    p = np.pad(x, pad, mode="edge")
    y = sum(k[i] * p[i:i + x.shape[0]] for i in range(2 * r + 1))
    pad = [(0, 0), (r, r)] + [(0, 0)] * (x.ndim - 2)
    p = np.pad(y, pad, mode="edge")
    return sum(k[i] * p[:, i:i + x.shape[1]] for i in range(2 * r + 1)).astype(np.float32)


def luminance(img: Image) -> np.ndarray:
    return (0.299 * img[..., 0] + 0.587 * img[..., 1] + 0.114 * img[..., 2]).astype(np.float32)


def kuwahara(img: Image, radius: int) -> Image:
    """
    Kuwahara filter: each pixel takes the mean colour of whichever of its four overlapping (r+1)x(r+1) quadrants has
    the lowest luminance variance, so flat regions smooth into strokes while edges stay sharp.
    """
    h, w = img.shape[:2]
    half = radius // 2
    lum = luminance(img)
    mean_c = box_mean(img, half, half)
    mean_l = box_mean(lum, half, half)
    var_l = box_mean(lum * lum, half, half) - mean_l * mean_l
    # Quadrant centres are offset by half a window up/down and left/right from the pixel.
    best_var = np.full((h, w), np.inf, dtype=np.float32)
    out = np.zeros_like(img)
    pad = half + 1
    var_p = np.pad(var_l, pad, mode="edge")
    mean_p = np.pad(mean_c, [(pad, pad), (pad, pad), (0, 0)], mode="edge")
    for dy in (-half, half):
        for dx in (-half, half):
            v = var_p[pad + dy:pad + dy + h, pad + dx:pad + dx + w]
            m = mean_p[pad + dy:pad + dy + h, pad + dx:pad + dx + w]
            better = v < best_var
            best_var = np.where(better, v, best_var)
            out = np.where(better[..., None], m, out)
    return out


def nearest_palette(img: Image, palette: np.ndarray) -> Image:
    """Each pixel's nearest palette colour (distance weighted like luminance so dark/bright stay apart)."""
    weights = np.array([0.30, 0.59, 0.11], dtype=np.float32) ** 0.5 * 1.7
    a = (img * weights).reshape(-1, 1, 3)
    b = (palette * weights).reshape(1, -1, 3)
    idx = np.argmin(((a - b) ** 2).sum(-1), axis=1)
    return palette[idx].reshape(img.shape).astype(np.float32), idx.reshape(img.shape[:2])


def _hex_palette(codes: str) -> np.ndarray:
    return np.array([[int(c[i:i + 2], 16) / 255 for i in (0, 2, 4)] for c in codes.split()], dtype=np.float32)


# A painter's palette: earths, greens, sky blues, warm lights and shadows.
OIL_PALETTE = _hex_palette(
    "2b2a33 4a3f3a 6b4f3a 8c5a3c b0703e c98e5a e0b77e f2dcaa fbf3dc "
    "3d4f2e 5b7137 7d9443 a5b45e 2f5d62 4f8a8b "
    "2e4a7d 4a6fa5 79a0cf a9c6e6 d6e6f2 "
    "7a2e2a a8423a d0653f e89a5c 8a6f9e c7c1b5 9a958c 5f5c58"
)

# Stained glass: saturated glass colours plus a few pale and dark panes.
GLASS_PALETTE = _hex_palette(
    "1f3f8f 2f6fd0 6fb0ef 1f7f5f 3fa04f 9fd05f e0c030 f0e8a0 e07020 c02828 8f1f5f 6f3fa0 "
    "f4f0e4 b8b0a0 6f6a60 3a2a20 a06a3a"
)


def paint_oil(img: Image) -> Image:
    h = img.shape[0]
    radius = max(2, round(h / 60))  # stroke size relative to the frame height: ~4 px at 240 rows
    smooth = kuwahara(img, radius)
    smooth = kuwahara(smooth, max(2, radius - 1))
    snapped, _ = nearest_palette(smooth, OIL_PALETTE)
    colour = 0.55 * snapped + 0.45 * smooth
    # Slightly richer colour, as oil pigments are.
    grey = luminance(colour)[..., None]
    colour = np.clip(grey + 1.25 * (colour - grey), 0, 1)
    # Ink: difference of Gaussians of the luminance, dark where an edge is.
    lum = luminance(smooth)
    dog = gaussian_blur(lum, 0.8) - gaussian_blur(lum, 1.6)
    ink = np.clip(-dog * 28.0 - 0.15, 0, 1) ** 0.8
    ink_colour = np.array([0.12, 0.09, 0.08], dtype=np.float32)
    out = colour * (1 - 0.85 * ink[..., None]) + ink_colour * 0.85 * ink[..., None]
    return np.clip(out, 0, 1).astype(np.float32)


def paint_glass(img: Image) -> Image:
    h = img.shape[0]
    radius = max(2, round(h / 48))
    smooth = kuwahara(kuwahara(img, radius), radius)
    grey = luminance(smooth)[..., None]
    vivid = np.clip(grey + 1.6 * (smooth - grey), 0, 1)
    glass, idx = nearest_palette(vivid, GLASS_PALETTE)
    # Lead lines where the palette index changes between neighbours, thickened by a small blur + threshold.
    edge = np.zeros(idx.shape, dtype=np.float32)
    edge[:, 1:] += idx[:, 1:] != idx[:, :-1]
    edge[1:, :] += idx[1:, :] != idx[:-1, :]
    edge = np.clip(edge, 0, 1)
    lead = np.clip(gaussian_blur(edge, max(0.8, h / 240)) * 3.0 - 0.3, 0, 1)
    # Panes glow brighter away from the lead (light through the glass), darker next to it.
    glow = 1.0 + 0.25 * (1.0 - gaussian_blur(lead, 2.0 * max(1.0, h / 240)))
    colour = np.clip(glass * glow[..., None], 0, 1)
    lead_colour = np.array([0.08, 0.08, 0.1], dtype=np.float32)
    out = colour * (1 - lead[..., None]) + lead_colour * lead[..., None]
    return np.clip(out, 0, 1).astype(np.float32)


PAINTERS: Dict[str, Callable[[Image], Image]] = {"oil": paint_oil, "glass": paint_glass}


def paint(img: Image, style: str) -> Image:
    if style not in PAINTERS:
        raise ValueError(f"unknown style {style!r}; known: {sorted(PAINTERS)}")
    return PAINTERS[style](img)
