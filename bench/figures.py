"""A measured figure, its target, and how a run prints them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str | None = None  # as printed, e.g. "<= 2 s"
    met: bool | None = None  # None: no target, or a comparison printed elsewhere

    def line(self) -> str:
        value = f"{self.value:.0f}" if abs(self.value) >= 100 or float(self.value).is_integer() else f"{self.value:.3g}"
        tail = "" if self.target is None else f"  # 目标 {self.target}：{'达到' if self.met else '未达到'}"
        return f"{self.name} {value} {self.unit}{tail}"


def at_most(name: str, value: float, unit: str, limit: float) -> Figure:
    return Figure(name, value, unit, f"<= {limit:g} {unit}", value <= limit)


def at_least(name: str, value: float, unit: str, limit: float) -> Figure:
    return Figure(name, value, unit, f">= {limit:g} {unit}", value >= limit)


def median_ms(action: Callable[[], object], runs: int, warmup: int = 2) -> float:
    """Median wall time of ``action`` in milliseconds, after ``warmup`` unmeasured runs."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def summary(figures: list[Figure]) -> str:
    targeted = [f for f in figures if f.met is not None]
    missed = [f.name for f in targeted if not f.met]
    tail = f"，未达到：{', '.join(missed)}" if missed else ""
    return f"summary {len(figures)} figures, {len(targeted) - len(missed)}/{len(targeted)} targets met{tail}"
