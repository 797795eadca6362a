"""Decimal arithmetic as the criteria declare it: rounding places, mode, and what grades compare."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from criteria.rules import Rounding

MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def rounded(value: Decimal, rounding: Rounding) -> Decimal:
    """``value`` to ``rounding.places`` decimals with ``rounding.mode``."""
    return value.quantize(Decimal(1).scaleb(-rounding.places), rounding=MODES[rounding.mode])


def compared(raw: Decimal, shown: Decimal, rounding: Rounding) -> Decimal:
    """The value grade thresholds are compared with: the rounded total, or the raw one."""
    return shown if rounding.compare_on == "rounded" else raw


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def plain(value: Decimal | None) -> float | None:
    """A Decimal as a JSON number (already rounded where it is shown)."""
    return None if value is None else float(value)
