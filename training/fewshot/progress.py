"""A dependency-free progress bar: redraws one line on a terminal, prints a line every 10% otherwise (CI logs)."""
from __future__ import annotations

import sys
import time
from typing import Dict


class Progress:
    def __init__(self, total: int, start: int = 0, width: int = 28) -> None:
        self.total, self.start, self.width = total, start, width
        self.t0 = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_draw = 0.0
        self.next_decile = start + max(1, (total - start) // 10)

    def update(self, iteration: int, losses: Dict[str, float]) -> None:
        now = time.monotonic()
        done = iteration - self.start
        rate = done / max(now - self.t0, 1e-9)
        eta = (self.total - iteration) / rate if rate > 0 else 0.0
        terms = " ".join(f"{k} {v:.4f}" for k, v in losses.items())
        filled = int(self.width * iteration / self.total)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {iteration}/{self.total} {rate:.1f} it/s eta {eta:.0f}s | {terms}"
        if self.tty:
            if now - self.last_draw > 0.2 or iteration == self.total:
                sys.stderr.write("\r" + line[:200].ljust(120))
                sys.stderr.flush()
                self.last_draw = now
        elif iteration >= self.next_decile or iteration == self.total:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            self.next_decile += max(1, (self.total - self.start) // 10)

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.t0
