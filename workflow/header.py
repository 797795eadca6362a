"""The header fields of an assessment as the 办理 page and the workflow API post them (pure).

``read_header`` turns the posted ``header_<field>`` values into typed column values, or into a
problem per field that names it; only the fields posted are read, so a form that shows some of them
changes only those. Types: string, text, integer, decimal, date, boolean, phone, choice (a pack's
own choices, its catalogue's entries or its districts), project (one of the record's enterprise's
registered projects, stored by its 施工许可证号, the registry's key: the caller passes them in).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from criteria.pack import HeaderField, Kind, Pack

PREFIX = "header_"
TEXT_LIMIT = 4000  # a text field's longest value
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
PHONE_PROBLEM = "电话号码格式不正确：手机号为11位数字（如13912345678），固定电话需带区号（如0532-88886666）"
YES, NO = ("1", "true", "是"), ("0", "false", "否")


def phone_problem(value: object) -> str | None:
    """A mobile (11 digits, 1[3-9]…) or a landline with area code (0532-88888888)."""
    text = str(value or "").strip().replace(" ", "")
    if not text or MOBILE.match(text) or LANDLINE.match(text):
        return None
    return PHONE_PROBLEM


def field_choices(field: HeaderField, kind: Kind, pack: Pack) -> dict[str, str]:
    """Code -> label of a choice field."""
    if field.choices_from == "districts":
        return {d.code: d.name for d in pack.districts}
    if field.choices_from == "catalogue":
        return {e.code: e.name for e in kind.catalogue}
    return dict(field.choices)


def _text(limit: int) -> Callable[[str], Any]:
    def read(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"最多 {limit} 个字符，当前 {len(text)} 个")
        return text

    return read


def _integer(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise ValueError("应为整数")
    return int(text)


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("应为数字") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12") or number != number.quantize(Decimal("0.01")):
        raise ValueError("应为最多两位小数的数字")
    return number


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("应为日期，格式如 2026-12-31") from None


def _boolean(text: str) -> bool:
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ValueError("应为“是”或“否”")


def _phone(text: str) -> str:
    problem = phone_problem(text)
    if problem:
        raise ValueError(problem)
    return text


NOT_A_PROJECT = "应为本企业已登记的工程项目，请从列表中选择（未登记的项目请先在“工程项目”中登记）"


def _reader(field: HeaderField, kind: Kind, pack: Pack, projects: Mapping[str, str]) -> Callable[[str], Any]:
    if field.type == "project":

        def project(text: str) -> str:
            if text not in projects:
                raise ValueError(NOT_A_PROJECT)
            return text

        return project
    if field.type == "choice":
        choices = field_choices(field, kind, pack)

        def choice(text: str) -> str:
            if text not in choices:
                raise ValueError("应为：" + "、".join(choices.values()))
            return text

        return choice
    return {
        "string": _text(field.length),
        "text": _text(TEXT_LIMIT),
        "integer": _integer,
        "decimal": _decimal,
        "date": _date,
        "boolean": _boolean,
        "phone": _phone,
    }[field.type]


def posts_header(form: Mapping[str, str]) -> bool:
    return any(name.startswith(PREFIX) for name in form)


def read_header(
    pack: Pack, kind: Kind, form: Mapping[str, str], projects: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(column -> value of each posted field; empty text is None, a draft may be partial) and
    (``header_<field>`` -> problem). A posted name that is no header field of the kind is a problem too.
    ``projects``: what a project field may hold (``workflow.records.project_choices``)."""
    fields = {field.code: field for field in kind.header_fields}
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, posted in form.items():
        if not name.startswith(PREFIX):
            continue
        field = fields.get(name[len(PREFIX) :])
        if field is None:
            problems[name] = f"“{name[len(PREFIX) :][:40]}”不是{kind.short_name}的表头项目"
            continue
        text = str(posted or "").strip()
        try:
            values[field.code] = _reader(field, kind, pack, projects or {})(text) if text else None
        except ValueError as problem:
            problems[name] = f"{field.label}：{problem}"
    return values, problems


def entry_points(kind: Kind, record: Any) -> str:
    """The points of a catalogued record's entry as the catalogue sets them, times the count (+4, -5),
    or 一票否决; empty when the record names no entry of the catalogue."""
    rules = kind.scoring
    entry = next((e for e in kind.catalogue if e.code == getattr(record, rules.entry_field, None)), None)
    if entry is None:
        return ""
    if entry.kind == "veto":
        return "一票否决"
    points = Decimal(entry.points or 0) * (getattr(record, rules.count_field, None) or 1)
    shown = format(points.normalize(), "f") if points else "0"
    return f"{'+' if points > 0 else ''}{shown}"  # a deduction's points are negative already
