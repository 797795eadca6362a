"""Field checks shared by the HTML forms (WTForms) and the REST API (marshmallow)."""

from __future__ import annotations

import re
from collections.abc import Callable

import marshmallow
import wtforms

from models.credit_code import credit_code_problem

Check = Callable[[object], "str | None"]


def choice_check(choices: dict[str, str], label: str) -> Check:
    def problem(value: object) -> str | None:
        if value in (None, "") or value in choices:
            return None
        return f"{label}的取值“{value}”无效，应为：" + "、".join(choices.values())

    return problem


def year_problem(value: object) -> str | None:
    text = str(value or "")
    if re.fullmatch(r"20\d{2}", text):
        return None
    return "考核年度应为4位年份，如 2026"


def optional_credit_code_problem(value: object) -> str | None:
    return credit_code_problem(str(value)) if value else "请填写统一社会信用代码"


def first_problem(checks: list[Check], value: object) -> str | None:
    return next((p for p in (check(value) for check in checks) if p), None)


class FormCheck:
    """A WTForms validator from check functions."""

    def __init__(self, *checks: Check):
        self.checks = list(checks)

    def __call__(self, form: wtforms.Form, field: wtforms.Field) -> None:
        problem = first_problem(self.checks, field.data)
        if problem:
            raise wtforms.validators.ValidationError(problem)


class ApiCheck:
    """A marshmallow validator from check functions."""

    def __init__(self, *checks: Check):
        self.checks = list(checks)

    def __call__(self, value: object) -> None:
        problem = first_problem(self.checks, value)
        if problem:
            raise marshmallow.ValidationError(problem)

    def __repr__(self) -> str:
        """What ``_info`` lists for the check (not a Python object address)."""
        return "<按平台校验规则检查>"
