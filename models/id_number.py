"""公民身份号码 (resident identity card number), GB 11643-1999: format, birth date and check character.

The check character and the birth date come from python-stdnum (``stdnum.cn.ric``). Its ``validate``
is not used: it also requires the address code to have existed in the holder's year of birth, which
refuses every holder born before their county got its present code (a 崂山区 number, 370212, of anyone
born before 1994), although GB 11643 gives the code of the place where the number was issued."""

from __future__ import annotations

import datetime
import re

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17: str) -> str:
    """The 18th character that GB 11643 computes from the first 17."""
    return ric.calc_check_digit(first17 + "0")  # stdnum takes the number with a check place


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
        born = ric.get_birth_date(text)
    except ValidationError:
        return f"身份证号中的出生日期 {text[6:14]} 不是有效日期"
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        return f"身份证号中的出生日期 {text[6:14]} 不合理"
    expected = check_character(text[:17])
    if text[17] != expected:
        return f"身份证号校验位错误：第18位应为 {expected}，实际为 {text[17]}"
    return None
