"""What a printed assessment form shows, as plain values the caller fills in.

No database objects and no criteria lookups here: the caller (a view, a CLI command, a test) copies
the names, standards, maxima, scores and labels it wants printed, so the renderer stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Number = int | float | Decimal

DEFAULT_SIGNATURES: tuple[str, ...] = ("检查人", "负责人", "企业负责人（盖章）")


@dataclass(frozen=True)
class FormItem:
    """One scored item row: 考核项目, 评价标准, 分值 and the scores (None when not filled)."""

    name: str
    standard: str
    max: Number
    self_score: Number | None = None
    assessed_score: Number | None = None
    opinion: str = ""


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "headings", tuple(self.headings))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        object.__setattr__(self, "widths", tuple(self.widths))


@dataclass(frozen=True)
class FormData:
    """Everything one assessment form prints.

    ``header_fields`` are the kind's extra header fields as (label, value) pairs, already formatted
    by the caller. ``signature_labels``: a label containing "盖章" gets a stamp area.
    """

    title: str
    subtitle: str
    enterprise_name: str
    project_name: str | None = None
    period: str = ""
    state_label: str = ""
    header_fields: Sequence[tuple[str, str]] = ()
    items: Sequence[FormItem] = ()
    total: Number | str | None = None  # a text is printed as given (a total with its declared places)
    grade_label: str | None = None
    reviews: Sequence[FormReview] = ()
    criteria_version: str = ""
    verification_code: str | None = None
    verify_url: str | None = None
    signature_labels: Sequence[str] = field(default=DEFAULT_SIGNATURES)
    sections: Sequence[FormSection] = ()  # tables after the header (materials, personnel lists)
    graded: bool = True  # the form states a result (scored or rated); False for an entry such as a daily event
    document_number: str = ""  # 编号
    issuer: str = ""  # 出具单位
    printed_on: date | None = None  # 打印日期 (none on a blank form)
    watermark: str = ""  # drawn across every page (草稿 on a form whose result is not settled)
    keywords: str = ""  # the document's /Keywords: what a signed copy is later compared with

    def __post_init__(self) -> None:
        # Freeze the sequences too, so a FormData can be shared and hashed safely.
        for name in ("items", "reviews", "signature_labels", "sections"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "header_fields", tuple((str(label), value) for label, value in self.header_fields))
