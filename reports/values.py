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
