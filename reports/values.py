"""How a plain stored value reads on a screen or a printed form."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any


def display(value: Any) -> Any:
    """How a plain value reads on a screen: nothing for None, 是/否, minutes for times."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def total_text(value: Decimal | None) -> str:
    """A total as the criteria rounded it, trailing zeros kept (84.70, as every door shows it)."""
    return "" if value is None else format(value, "f")


def masked_id_number(value: str | None) -> str:
    """A 身份证号 with only its first 6 and last 4 characters shown (370202********1234)."""
    text = (value or "").strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def is_id_number(column: str) -> bool:
    """Columns that hold a 身份证号: ``id_number`` and header fields named ``..._id_number``."""
    return column == "id_number" or column.endswith("_id_number")
