"""Check one registry record and turn it into typed values, or say everything that is wrong with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.core import Enterprise, Project
from models.credit_code import credit_code_problem
from registry.reader import LABELS, PROBLEM, Record

Problem = tuple[str, str]  # (Chinese column label, Chinese reason)

TRUE = {"是", "true", "1", "yes", "y", "本地"}
FALSE = {"否", "false", "0", "no", "n", "外地"}
SCIENTIFIC = re.compile(r"^\d(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
CENTS = Decimal("0.01")
MAX_AREA = Decimal(10) ** 12  # Numeric(14, 2)
LENGTHS = {
    "permit_no": Project.__table__.c.permit_no.type.length,
    "name": Project.__table__.c.name.type.length,
    "enterprise_name": Enterprise.__table__.c.name.type.length,
    "project_manager": Project.__table__.c.project_manager.type.length,
    "address": Project.__table__.c.address.type.length,
}


class RowError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{label}：{reason}" for label, reason in problems))
        self.problems = problems


@dataclass(frozen=True)
class Valid:
    """A checked row. None in an optional field means the file says nothing about it."""

    permit_no: str
    name: str
    enterprise_name: str
    credit_code: str
    district_id: int
    project_manager: str | None
    building_area: Decimal | None
    address: str | None
    enterprise_district_id: int | None
    is_local: bool


class _Checker:
    def __init__(self, record: Record, districts: dict[str, int]) -> None:
        self.record = record
        self.districts = districts
        self.problems: list[Problem] = []

    def fail(self, field: str, reason: str) -> None:
        self.problems.append((LABELS[field], reason))

    def text(self, field: str, required: bool = False) -> str | None:
        value = self.record.get(field)
        if value is None:
            if required:
                self.fail(field, f"请填写{LABELS[field]}")
            return None
        limit = LENGTHS.get(field)
        if limit and len(value) > limit:
            self.fail(field, f"不能超过 {limit} 个字，当前为 {len(value)} 个字")
        return value

    def permit_no(self) -> str | None:
        value = self.text("permit_no", required=True)
        if value and SCIENTIFIC.match(value):
            self.fail("permit_no", f"“{value}”是科学计数法，号码已被表格软件改动；请把该列设为文本后重新导出")
        return value

    def credit_code(self) -> str | None:
        value = self.record.get("credit_code")
        problem = credit_code_problem(value)
        if problem:
            self.fail("credit_code", problem)
            return None
        return value.strip().upper() if value else None

    def district(self, field: str, required: bool = False) -> int | None:
        value = self.text(field, required)
        if value is None:
            return None
        found = self.districts.get(value.lower())
        if found is None:
            self.fail(field, f"未知的辖区“{value}”，应为本市辖区的名称或代码")
        return found

    def area(self) -> Decimal | None:
        value = self.record.get("building_area")
        if value is None:
            return None
        try:
            number = Decimal(value.replace(",", "").replace("，", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.fail("building_area", f"“{value}”不是数字")
            return None
        if number < 0:
            self.fail("building_area", f"不能为负数（{value}）")
            return None
        if number >= MAX_AREA:
            self.fail("building_area", f"数值过大（{value}）")
            return None
        return number.quantize(CENTS, rounding=ROUND_HALF_UP)

    def is_local(self) -> bool:
        value = self.record.get("is_local")
        if value is None or value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        self.fail("is_local", f"“{value}”无法识别，应为 是 或 否")
        return True


def validate(record: Record, districts: dict[str, int]) -> Valid:
    """The record as typed values; raises RowError listing every problem of the row."""
    if PROBLEM in record:
        raise RowError([("记录", record[PROBLEM] or "无法读取该记录")])
    check = _Checker(record, districts)
    values = {
        "permit_no": check.permit_no(),
        "name": check.text("name", required=True),
        "enterprise_name": check.text("enterprise_name", required=True),
        "credit_code": check.credit_code(),
        "district_id": check.district("district", required=True),
        "project_manager": check.text("project_manager"),
        "building_area": check.area(),
        "address": check.text("address"),
        "enterprise_district_id": check.district("enterprise_district"),
        "is_local": check.is_local(),
    }
    if check.problems:
        raise RowError(check.problems)
    return Valid(**values)
