"""A person of a personnel list as posted on the 办理 page: checked field by field (pure).

Form fields: ``list_code``, ``person_name``, ``id_number``, ``role`` (职务 / 工种, optional),
``certificate_no``, ``certificate_valid_until`` (YYYY-MM-DD). The certificate scan is checked by the
caller like every other PDF.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from criteria.pack import PersonnelList
from models.field_limits import length_problems
from models.id_number import id_number_problem

LIMITS = {"person_name": 50, "role": 40, "certificate_no": 60}
# What each part of a person is called wherever it is shown (registry screen, 办理 page, printed form,
# what submitting still lacks); a list's position column takes its ``position_label`` instead.
PERSON_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "role": "职务/工种",
    "list_code": "人员名单",
    "certificate_no": "证书编号",
    "certificate_valid_until": "证书有效期至",
    "scan_name": "证书扫描件",
}


@dataclass(frozen=True)
class PersonEntry:
    list_code: str
    name: str
    id_number: str
    role: str | None
    certificate_no: str
    valid_until: datetime.date


def read_person(lists: tuple[PersonnelList, ...], form: Mapping[str, str]) -> tuple[PersonEntry | None, dict[str, str]]:
    """The entry, or the problems by field name (the entry is None then)."""
    errors: dict[str, str] = {}
    by_code = {entry.code: entry for entry in lists}
    code = (form.get("list_code") or "").strip()
    chosen = by_code.get(code)
    if chosen is None:
        errors["list_code"] = "人员名单“" + code[:40] + "”不存在，应为：" + "、".join(e.name for e in lists)
    values = {
        name: (form.get(name) or "").strip() for name in ("person_name", "id_number", "role", "certificate_no", "certificate_valid_until")
    }
    if not values["person_name"]:
        errors["person_name"] = "请填写姓名"
    errors.update(length_problems(values, LIMITS))
    problem = id_number_problem(values["id_number"])
    if problem:
        errors["id_number"] = problem
    if not values["certificate_no"]:
        errors["certificate_no"] = f"请填写{chosen.certificate if chosen else '证书'}编号"
    valid_until = None
    try:
        valid_until = datetime.date.fromisoformat(values["certificate_valid_until"])
    except ValueError:
        errors["certificate_valid_until"] = (
            "请填写证书有效期"
            if not values["certificate_valid_until"]
            else f"证书有效期应为日期（如 2027-06-30），填写的是“{values['certificate_valid_until'][:20]}”"
        )
    if errors:
        return None, errors
    return PersonEntry(
        code, values["person_name"], values["id_number"].upper(), values["role"] or None, values["certificate_no"], valid_until
    ), {}


def expired(valid_until: datetime.date | None, on: datetime.date) -> bool:
    """A certificate whose validity ended before ``on`` (flagged on screen; it blocks nothing)."""
    return valid_until is not None and valid_until < on
