"""
Where training runs: one process on the CPU or a CUDA GPU, or several processes (one per GPU, or CPU processes) under
PyTorch's own launcher, `torchrun`, with DistributedDataParallel: NCCL between GPUs, gloo on CPUs.

Sampling is exact: every process draws the same global batch from the same seeded sampler and trains on its own
slice, and DDP averages the gradients, so a step sees exactly the patches a one-process run's step sees (batch norm
statistics are per slice, the one difference). Rank 0 writes checkpoints and logs; every rank resumes from them.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Dict

import torch
import torch.distributed as dist


@dataclasses.dataclass
class Placement:
    rank: int = 0
    world: int = 1
    device: torch.device = dataclasses.field(default_factory=lambda: torch.device("cpu"))

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def main(self) -> bool:
        return self.rank == 0

    def slice(self, batch: int) -> slice:
        """This process's part of a global batch of `batch` items."""
        if batch % self.world:
            raise ValueError(f"train.batch {batch} is not divisible by the {self.world} processes; pick a multiple")
        part = batch // self.world
        return slice(self.rank * part, (self.rank + 1) * part)

    def mean(self, values: Dict[str, float]) -> Dict[str, float]:
        """The mean of each value over the processes (the loss of the whole global batch)."""
        if not self.distributed:
            return values
        keys = sorted(values)
        t = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return {k: float(v) / self.world for k, v in zip(keys, t.tolist())}

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()


def setup() -> Placement:
    """The process's place: from torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK) when launched by it."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    if world == 1:
        return Placement(device=torch.device("cuda" if cuda else "cpu"))
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo")
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    return Placement(rank=rank, world=world, device=device)


def teardown(place: Placement) -> None:
    if place.distributed and dist.is_initialized():
        dist.destroy_process_group()
