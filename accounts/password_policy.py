"""The password policy: a minimum length and required character classes, from the configuration.

Flask-AppBuilder calls ``fab_validator`` (FAB_PASSWORD_COMPLEXITY_VALIDATOR) wherever a password
is set through its forms: an admin adding a user, an admin resetting one, a user changing its own.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError

# code -> (name shown to users, test)
CLASSES: dict[str, tuple[str, Any]] = {
    "lower": ("小写字母", lambda c: "a" <= c <= "z"),
    "upper": ("大写字母", lambda c: "A" <= c <= "Z"),
    "digit": ("数字", lambda c: "0" <= c <= "9"),
    "symbol": ("特殊符号（如 @ # $ ! 等）", lambda c: c in string.punctuation),
}


def required_classes(text: str) -> tuple[str, ...]:
    """Parse PASSWORD_REQUIRED_CLASSES ("lower,upper,digit,symbol"); unknown names are refused."""
    codes = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [code for code in codes if code not in CLASSES]
    if unknown:
        raise ValueError(f"PASSWORD_REQUIRED_CLASSES 含未知字符类别：{', '.join(unknown)}（可选：{', '.join(CLASSES)}）")
    return codes


COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_words() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def too_common(password: str) -> bool:
    """Whether the password is a common one, or a common word dressed with digits and symbols
    around it (Password1!, Admin@123, Qingdao2026#)."""
    lowered = password.lower()
    core = lowered.strip(string.digits + string.punctuation + " ")
    return lowered in common_words() or core in common_words()


def problems(password: str, min_length: int, classes: tuple[str, ...]) -> list[str]:
    """What ``password`` lacks, one Chinese phrase per rule it breaks (empty when it complies)."""
    found = []
    if password and too_common(password):
        found.append("过于常见，容易被猜中（如 Password1!、Admin@123 这类常用词加数字和符号），请换一个")
    if len(password) < min_length:
        found.append(f"长度至少 {min_length} 位（当前 {len(password)} 位）")
    missing = [CLASSES[code][0] for code in classes if not any(CLASSES[code][1](c) for c in password)]
    if missing:
        found.append("缺少" + "、".join(missing))
    return found


def describe(min_length: int, classes: tuple[str, ...]) -> str:
    text = f"密码至少 {min_length} 位"
    if classes:
        text += "，且须同时包含" + "、".join(CLASSES[code][0] for code in classes)
    return text


def policy_from(config: Mapping[str, Any]) -> tuple[int, tuple[str, ...]]:
    return int(config["PASSWORD_MIN_LENGTH"]), required_classes(config["PASSWORD_REQUIRED_CLASSES"])


def fab_validator(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: raise with every unmet rule named."""
    found = problems(password or "", *policy_from(current_app.config))
    if found:
        raise PasswordComplexityValidationError("密码不符合要求：" + "；".join(found) + "。")


class PolicyText:
    """The policy as a field description, read when the form renders (the configuration may differ)."""

    def __str__(self) -> str:
        return describe(*policy_from(current_app.config)) + "。"

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))
