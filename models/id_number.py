"""公民身份号码 (resident identity card number), GB 11643-1999: format, birth date and check character."""

from __future__ import annotations

import datetime
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17: str) -> str:
    return CHECK[sum(int(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str | None) -> str | None:
    """None when ``value`` is a valid 18-character number, otherwise what is wrong (Chinese)."""
    text = (value or "").strip().upper()
    if not text:
        return "请填写身份证号"
    if len(text) != 18:
        return f"身份证号应为18位，当前为{len(text)}位"
    if not SHAPE.match(text):
        return "身份证号前17位应为数字，第18位为数字或 X"
    try:
        born = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {text[6:14]} 不是有效日期"
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        return f"身份证号中的出生日期 {text[6:14]} 不合理"
    expected = check_character(text[:17])
    if text[17] != expected:
        return f"身份证号校验位错误：第18位应为 {expected}，实际为 {text[17]}"
    return None
