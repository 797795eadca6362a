"""Typed rule blocks shared by several parts of a pack (built from validated YAML at load time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rounding:
    """How a total is rounded and what grade thresholds compare (RULES.md §3.4)."""

    places: int
    mode: str  # half_up | half_even | down | up
    compare_on: str  # rounded | raw

    @classmethod
    def of(cls, data: dict[str, Any]) -> Rounding:
        return cls(int(data["places"]), data["mode"], data["compare_on"])
