"""
The few-shot patch-based generator family (a U-Net-like encoder/decoder with residual blocks in the bottleneck).

Shape, from input to output, with f = filters:
    stem    7x7 conv, in -> f0                       full resolution
    down1   3x3 conv stride 2, f0 -> f1              1/2
    down2   3x3 conv stride 2, f1 -> f2              1/4
    blocks  resnet_blocks x (3x3 conv, norm, ReLU, 3x3 conv, norm) + identity, at f2
    up2     nearest x2 + 3x3 conv, f2 -> f3          1/2
    up1     nearest x2 + 3x3 conv, f3 + f1 -> f4     full  (skip: concatenates down1's features)
    fuse    7x7 conv, f4 + f0 + in -> f5             full  (skips: the stem's features and the input itself)
    smooth  optional 2 x 3x3 conv at f5               full
    head    1x1 conv, f5 -> 3, Tanh                   output in [-1,1]

Every conv except the head is followed by the chosen norm layer and a ReLU. Height and width must be multiples of 4
(two stride-2 steps). The two lines that shrink the network are `filters` and `resnet_blocks`.

`family: "transformer"` builds instead the per-frame network of fast_neural_style (Johnson et al.'s TransformerNet
layout), the baseline the few-shot generator is compared with for flicker (issue "Motion"):
    9x9 conv f0, 3x3 conv stride 2 f1, 3x3 conv stride 2 f2, resnet_blocks x residual block at f2,
    nearest x2 + 3x3 conv f1, nearest x2 + 3x3 conv f0, 9x9 conv -> 3, Tanh
with reflection padding, no skip connections, and `filters` = [f0, f1, f2] ([32, 64, 128] and 5 blocks in the
original, instance norm). Tanh keeps the recipe's [-1,1] output contract where the original scaled to [0,255].
"""
from __future__ import annotations

import dataclasses
import json
from typing import List, Sequence

import torch
from torch import nn


@dataclasses.dataclass
class GeneratorConfig:
    """Architecture of one generator; stored as JSON in the ONNX metadata (`stylize.architecture`)."""

    filters: List[int] = dataclasses.field(default_factory=lambda: [32, 64, 128, 128, 128, 64])
    resnet_blocks: int = 7
    norm: str = "batch"  # "batch" | "instance" | "none"
    input_channels: int = 3
    smoothers: bool = True
    tanh: bool = True
    family: str = "fewshot"  # "fewshot" | "transformer"

    def __post_init__(self) -> None:
        if self.family not in ("fewshot", "transformer"):
            raise ValueError(f"family must be 'fewshot' or 'transformer', got {self.family!r}")
        count = 6 if self.family == "fewshot" else 3
        if len(self.filters) != count or any(int(f) <= 0 for f in self.filters):
            raise ValueError(f"filters must be {count} positive channel counts for the {self.family} family, got {self.filters}")
        if self.norm not in ("batch", "instance", "none"):
            raise ValueError(f"norm must be 'batch', 'instance' or 'none', got {self.norm!r}")
        if self.resnet_blocks < 0:
            raise ValueError(f"resnet_blocks must be >= 0, got {self.resnet_blocks}")
        self.filters = [int(f) for f in self.filters]

    @classmethod
    def from_dict(cls, data: dict) -> "GeneratorConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown architecture keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        # Affine, no running statistics: each image is normalized by its own statistics at train and test time.
        return nn.InstanceNorm2d(channels, affine=True, track_running_stats=False)
    return nn.Identity()


def _conv_block(cin: int, cout: int, kernel: int, stride: int, norm: str) -> nn.Sequential:
    # A norm layer follows, so the conv needs no bias (except without norm).
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=norm == "none"),
        _norm(norm, cout),
        nn.ReLU(inplace=True),
    )


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, norm: str) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=norm == "none"),
            _norm(norm, channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, padding=1, bias=norm == "none"),
            _norm(norm, channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class UpBlock(nn.Module):
    """Nearest-neighbour x2 upsampling then a 3x3 conv (no transposed conv: no checkerboard artefacts)."""

    def __init__(self, cin: int, cout: int, norm: str) -> None:
        super().__init__()
        self.conv = _conv_block(cin, cout, 3, 1, norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(nn.functional.interpolate(x, scale_factor=2.0, mode="nearest"))


class Generator(nn.Module):
    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        self.config = config
        f = config.filters
        c_in = config.input_channels
        n = config.norm
        self.stem = _conv_block(c_in, f[0], 7, 1, n)
        self.down1 = _conv_block(f[0], f[1], 3, 2, n)
        self.down2 = _conv_block(f[1], f[2], 3, 2, n)
        self.blocks = nn.Sequential(*[ResidualBlock(f[2], n) for _ in range(config.resnet_blocks)])
        self.up2 = UpBlock(f[2], f[3], n)
        self.up1 = UpBlock(f[3] + f[1], f[4], n)
        self.fuse = _conv_block(f[4] + f[0] + c_in, f[5], 7, 1, n)
        self.smooth = nn.Sequential(_conv_block(f[5], f[5], 3, 1, n), _conv_block(f[5], f[5], 3, 1, n)) if config.smoothers else nn.Identity()
        self.head = nn.Conv2d(f[5], 3, 1)
        self.out = nn.Tanh() if config.tanh else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.stem(x)
        s1 = self.down1(s0)
        y = self.blocks(self.down2(s1))
        y = self.up2(y)
        y = self.up1(torch.cat([y, s1], dim=1))
        y = self._fuse([y, s0, x])
        return self.out(self.head(self.smooth(y)))

    # Export form of the fuse layer. onnxruntime-web's WebGPU EP (1.30) computes a Conv that reads a Concat of three
    # tensors wrongly (errors of the order of the values; wasm and onnxruntime-node are right; a Conv on an ordinary
    # 51-channel tensor and the Concat itself are right). conv(cat(a, b, c), W) = conv(a, Wa) + conv(b, Wb) +
    # conv(c, Wc), so exporting with `split_fuse = True` emits three convs and two adds instead: the same function,
    # equal to the training form within float32 rounding.
    split_fuse = False

    def _fuse(self, parts: List[torch.Tensor]) -> torch.Tensor:
        conv = self.fuse[0]
        if not self.split_fuse:
            return self.fuse(torch.cat(parts, dim=1))
        norm = self.fuse[1]
        # Constants (no autograd history), so that the exporter stores them as initializers with known shapes.
        with torch.no_grad():
            weight = conv.weight.detach().clone()
            bias = conv.bias.detach().clone() if conv.bias is not None else torch.zeros(conv.out_channels)
            if isinstance(norm, nn.BatchNorm2d) and not self.training:
                # Fold the eval-mode batch norm into the split convs, as the exporter does for an ordinary conv.
                scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
                weight = weight * scale[:, None, None, None]
                bias = bias * scale + norm.bias - norm.running_mean * scale
                norm = nn.Identity()
            sizes = [int(p.shape[1]) for p in parts]
            starts = [sum(sizes[:i]) for i in range(len(sizes))]
            weights = [weight[:, a:a + c].contiguous() for a, c in zip(starts, sizes)]
        out = None
        for part, w in zip(parts, weights):
            term = nn.functional.conv2d(part, w, None, conv.stride, conv.padding)
            out = term if out is None else out + term
        return self.fuse[2](norm(out + bias.view(1, -1, 1, 1)))


def _reflect_conv(cin: int, cout: int, kernel: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.ReflectionPad2d(kernel // 2), nn.Conv2d(cin, cout, kernel, stride=stride))


class TransformerNet(nn.Module):
    """fast_neural_style's layout (see the module's docstring); `config.family == "transformer"`."""

    split_fuse = False  # nothing to split: the export sets it on every family

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        self.config = config
        f0, f1, f2 = config.filters
        n = config.norm

        def block(cin: int, cout: int, kernel: int, stride: int = 1, up: bool = False) -> nn.Sequential:
            layers: List[nn.Module] = [nn.Upsample(scale_factor=2.0, mode="nearest")] if up else []
            return nn.Sequential(*layers, _reflect_conv(cin, cout, kernel, stride), _norm(n, cout), nn.ReLU(inplace=True))

        self.body = nn.Sequential(
            block(config.input_channels, f0, 9),
            block(f0, f1, 3, 2),
            block(f1, f2, 3, 2),
            *[ResidualBlock(f2, n) for _ in range(config.resnet_blocks)],
            block(f2, f1, 3, up=True),
            block(f1, f0, 3, up=True),
            _reflect_conv(f0, 3, 9, 1),
            nn.Tanh() if config.tanh else nn.Identity(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def build_generator(config: GeneratorConfig) -> nn.Module:
    """The network a config describes: the few-shot generator, or the TransformerNet baseline."""
    return TransformerNet(config) if config.family == "transformer" else Generator(config)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_macs(model: nn.Module, height: int, width: int) -> int:
    """Multiply-accumulates of every conv for one height x width frame (norms, ReLUs and Tanh are not counted)."""
    macs = 0
    hooks = []

    def hook(module: nn.Conv2d, _inputs: Sequence[torch.Tensor], output: torch.Tensor) -> None:
        nonlocal macs
        k = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
        macs += k * output.numel() // output.shape[0]

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(hook))
    # Every layer's output area scales with the frame's, so count on a frame k times smaller per side (exact when
    # both sides stay multiples of 4) and multiply by k*k: the reference config at 720x540 would take seconds.
    k = next(k for k in (10, 5, 4, 2, 1) if height % (4 * k) == 0 and width % (4 * k) == 0) if height % 4 == 0 and width % 4 == 0 else 1
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, model.config.input_channels, height // k, width // k))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return macs * k * k
