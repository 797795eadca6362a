"""What a scoring run returns: the total, the grade, the points of each item, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.numbers import plain


@dataclass
class ItemPoints:
    code: str
    name: str
    max: Decimal
    applicable: bool
    points: Decimal | None  # what the item contributes to the total (A1 for weighted categories)
    result: Decimal | None = None  # weighted categories: the 0-100 category result C
    subtables: list[Decimal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "max": plain(self.max),
            "applicable": self.applicable,
            "points": plain(self.points),
        }
        if self.result is not None or self.subtables:
            data["result"] = plain(self.result)
            data["subtables"] = [plain(v) for v in self.subtables]
        return data


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass
class ScoreResult:
    kind: str
    total: Decimal | None  # rounded as the criteria declare
    raw_total: Decimal | None
    grade: str | None  # band code
    grade_label: str | None
    items: list[ItemPoints]
    reasons: list[str]  # in order: how the total and the grade came about (Chinese, for users)
    forced: bool = False  # the grade was set by a veto or a zero rule, not by the bands
    vetoes: list[str] = field(default_factory=list)  # codes of the vetoes that apply

    def summary(self) -> dict[str, Any]:
        """What final grades need of the result, as JSON (see ``from_summary``)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "kind": self.kind,
            "total": text(self.total),
            "raw_total": text(self.raw_total),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "forced": self.forced,
            "vetoes": list(self.vetoes),
        }

    @classmethod
    def from_summary(cls, data: dict[str, Any]) -> ScoreResult:
        """A result rebuilt from ``summary()``: no item points or reasons, the rest exact."""
        return cls(
            data["kind"],
            _number(data["total"]),
            _number(data["raw_total"]),
            data["grade"],
            data["grade_label"],
            [],
            [],
            bool(data["forced"]),
            list(data["vetoes"]),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "total": plain(self.total),
            "raw_total": None if self.raw_total is None else str(self.raw_total),
            "grade": self.grade_label,
            "grade_code": self.grade,
            "forced": self.forced,
            "vetoes": self.vetoes,
            "items": [item.as_json() for item in self.items],
            "reasons": self.reasons,
        }
