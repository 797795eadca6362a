"""What is entered for an item, and the checks every method applies to typed numbers.

Two inputs reach a method: the scorer's JSON payload (``criteria score``, stored records) and the
posted fields of the 办理 page or the workflow API. Their numbers are read here, with messages that
quote what was typed without growing with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


class ScoreInputError(ValueError):
    """The entered scores do not fit the kind; the message names the item."""


@dataclass(frozen=True)
class Entry:
    """One item as entered: not applicable, a self score (sum kinds) or sub-table results."""

    not_applicable: bool = False
    score: Decimal | None = None
    results: tuple[tuple[str, Decimal], ...] = ()  # (sub-table code, result), in the item's order


def payload_number(value: Any, where: str) -> Decimal:
    """A number of the scorer's payload, or ScoreInputError naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ScoreInputError(f"{where}：应为数字，收到 {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ScoreInputError(f"{where}：应为数字，收到 {value!r}") from None
    if not number.is_finite():
        raise ScoreInputError(f"{where}：应为有限数字")
    return number


def typed_number(text: str | None) -> Decimal | None:
    """The number typed in a form field, None when nothing was typed; ValueError(text) when it is
    not a number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def too_precise(number: Decimal, places: int) -> bool:
    return number != number.quantize(Decimal(1).scaleb(-places))


def shown(number: Decimal) -> str:
    """A number as a message quotes it: plain digits, or scientific when written out it would be
    absurdly long (1e999999999 would otherwise become a gigabyte of zeros)."""
    if -12 <= number.adjusted() <= 12:
        return format(number.normalize(), "f")
    return str(number)


def typed(text: str, limit: int = 30) -> str:
    """What the user typed, as a message quotes it (cut short: a message never grows with the input)."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def json_number(value: Decimal) -> int | float:
    """A result as a JSON number: whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def self_score_problem(item: Any, score: Decimal | None, places: int) -> str | None:
    """Why a self score cannot be stored for ``item`` (range 0..max, declared decimals), or None.
    The same check guards the 办理 page and the generated item screens and API."""
    if score is None:
        return None
    if not 0 <= score <= item.max:
        return f"“{item.name}”的自评分应在 0 到 {item.max} 之间，填写的是 {shown(score)}"
    if too_precise(score, places):
        return f"“{item.name}”的自评分最多保留 {places} 位小数"
    return None
