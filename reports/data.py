"""What a printed assessment form shows, as plain values the caller fills in.

No database objects and no criteria lookups here: the caller (a view, a CLI command, a test) copies
the names, standards, maxima, scores and labels it wants printed, so the renderer stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

Number = int | float | Decimal


@dataclass(frozen=True)
class FormColumn:
    """A column of the item table: what it shows (a ``FormItem`` field, or ``number`` for 序号), its
    heading and its share of the width."""

    show: str
    label: str
    width: float = 1.0


@dataclass(frozen=True)
class FormSignature:
    """A signature area; ``stamp`` adds a dashed box for the seal."""

    label: str
    stamp: bool = False


# The plain layout of a kind whose guide declares none.
DEFAULT_COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("number", "序号", 10),
    FormColumn("name", "考核项目", 30),
    FormColumn("standard", "评价标准", 70),
    FormColumn("max", "分值", 12),
    FormColumn("self_score", "自评分", 14),
    FormColumn("assessed_score", "核定分", 14),
    FormColumn("opinion", "审核意见", 30),
)
DEFAULT_SIGNATURES: tuple[FormSignature, ...] = (FormSignature("填报人"), FormSignature("审核人"), FormSignature("审核单位（盖章）", True))


@dataclass(frozen=True)
class FormItem:
    """One scored item row: 考核项目, 评价标准, 分值 and the scores (None when not filled); for a
    weighted kind also the sub-table result and the points it gives (折算得分)."""

    name: str
    standard: str
    max: Number
    self_score: Number | None = None
    assessed_score: Number | None = None
    opinion: str = ""
    result: Number | str | None = None
    points: Number | str | None = None
    parts: Sequence[tuple[str, Number | str]] = ()  # the results of the sub-tables a result averages

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(tuple(part) for part in self.parts))


@dataclass(frozen=True)
class FormReview:
    """One review step: which action (e.g. 区（市）主管部门审核), its opinion, who and when."""

    action_label: str
    opinion: str = ""
    reviewer: str = ""
    date: date | str | None = None


@dataclass(frozen=True)
class FormSection:
    """An extra table of the form (the materials checklist, a personnel list): a title, column
    headings with their share of the width, and rows of already formatted text."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = ()  # relative widths, one per heading (equal when empty)
    footer: str = ""  # a line under the table (where the inspector signs a sheet)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headings", tuple(self.headings))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        object.__setattr__(self, "widths", tuple(self.widths))


@dataclass(frozen=True)
class FormData:
    """Everything one assessment form prints.

    ``header_fields`` are the header lines in their order, (label, value) or (label, value, wide)
    already formatted by the caller; a wide or long value gets a whole line. ``appendix`` tables
    print after the signatures (the blank sheets of a weighted kind's sub-tables).
    """

    title: str
    subtitle: str
    enterprise_name: str  # names the PDF file's title
    header_fields: Sequence[tuple[str, Any] | tuple[str, Any, bool]] = ()
    items: Sequence[FormItem] = ()
    total: Number | str | None = None  # a text is printed as given (a total with its declared places)
    grade_label: str | None = None
    reviews: Sequence[FormReview] = ()
    criteria_version: str = ""
    verification_code: str | None = None
    verify_url: str | None = None
    signatures: Sequence[FormSignature] = field(default=DEFAULT_SIGNATURES)
    sections: Sequence[FormSection] = ()  # tables after the result (sub-table results, materials, personnel lists)
    columns: Sequence[FormColumn] = field(default=DEFAULT_COLUMNS)
    working_title: str = ""  # the heading of ``working``
    working: Sequence[str] = ()  # how the total was reached (averages, 缺项 rescale), one line each
    appendix: Sequence[FormSection] = ()
    graded: bool = True  # the form states a result (scored or rated); False for an entry such as a daily event
    document_number: str = ""  # 编号
    issuer: str = ""  # 出具单位
    printed_on: date | None = None  # 打印日期 (none on a blank form)
    watermark: str = ""  # drawn across every page (草稿 on a form whose result is not settled)
    keywords: str = ""  # the document's /Keywords: what a signed copy is later compared with

    def __post_init__(self) -> None:
        # Freeze the sequences too, so a FormData can be shared and hashed safely.
        for name in ("items", "reviews", "signatures", "sections", "columns", "working", "appendix"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        lines = tuple((str(line[0]), line[1], bool(line[2]) if len(line) > 2 else False) for line in self.header_fields)
        object.__setattr__(self, "header_fields", lines)
