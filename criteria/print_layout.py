"""A kind's printed form, as its file declares it (``print``): title, header lines, item columns,
the sub-table sheets of a weighted kind, signature and stamp blocks, and whether the dossier prints.

Plain data built from the validated YAML; ``check_layout`` checks what spans the kind (a header
line or column the kind cannot fill). The wording is the pack's; the codes below are what a form
can show.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from criteria.methods import Found, scoring_methods

# Header lines every record has besides its kind's header fields (a project's only on a project kind).
RECORD_LINES = ("enterprise_name", "period", "state", "rectification_due")
PROJECT_LINES = ("project_name", "project_manager", "permit_no")
# What a column of the item table shows; result and points only where sub-tables are scored.
ITEM_COLUMNS = ("number", "name", "standard", "max", "self_score", "assessed_score", "opinion", "result", "points")
SUBTABLE_COLUMNS = frozenset({"result", "points"})
# What a column of a blank sub-table sheet shows (a check line of JGJ 59 appendix B).
LINE_COLUMNS = ("number", "group", "name", "standard", "max", "deducted", "earned")


@dataclass(frozen=True)
class PrintColumn:
    show: str  # one of ITEM_COLUMNS or LINE_COLUMNS
    label: str
    width: float = 1.0  # share of the table's width


@dataclass(frozen=True)
class PrintSignature:
    label: str
    stamp: bool = False  # a dashed area for the seal


@dataclass(frozen=True)
class CheckSheets:
    """The blank sheets of a weighted kind's sub-tables: one per sub-table, its check lines grouped."""

    title: str  # "{name}" is the sub-table's name
    columns: tuple[PrintColumn, ...]
    guaranteed: str  # what the group of guaranteed lines is called
    general: str
    total: str  # the label of the sheet's last row
    signed: str = ""  # a line under each sheet for the inspector (empty: none)


@dataclass(frozen=True)
class KindPrint:
    """None / empty: the platform's plain layout for that part."""

    title: str | None = None
    subtitle: str | None = None
    header: tuple[str, ...] | None = None
    labels: tuple[tuple[str, str], ...] = ()  # (header line, what this form calls it), e.g. 施工单位
    columns: tuple[PrintColumn, ...] | None = None
    signatures: tuple[PrintSignature, ...] | None = None
    dossier: bool = True
    working: str | None = None  # title of the scoring's working (缺项 rescale, averages)
    sheets: CheckSheets | None = None

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> KindPrint:
        if not data:
            return cls()
        sheets = data.get("sheets")
        return cls(
            title=data.get("title"),
            subtitle=data.get("subtitle"),
            header=tuple(data["header"]) if "header" in data else None,
            labels=tuple((entry["line"], entry["label"]) for entry in data.get("labels", ())),
            columns=_columns(data.get("columns")),
            signatures=tuple(PrintSignature(s["label"], s["stamp"]) for s in data["signatures"]) if "signatures" in data else None,
            dossier=data.get("dossier", True),
            working=data.get("working"),
            sheets=CheckSheets(
                sheets["title"],
                _columns(sheets["columns"]) or (),
                sheets["guaranteed"],
                sheets["general"],
                sheets["total"],
                sheets.get("signed") or "",
            )
            if sheets
            else None,
        )


def _columns(data: list[dict[str, Any]] | None) -> tuple[PrintColumn, ...] | None:
    if data is None:
        return None
    return tuple(PrintColumn(c["show"], c["label"], float(c["width"])) for c in data)


def sheet_title_problem(title: str) -> str | None:
    """What is wrong with a sheet title (English, like the schema's messages), or None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(title) if name is not None}
    except ValueError as problem:
        return f"is not a valid title ({problem})"
    unknown = names - {"name"}
    return f"unknown placeholder '{{{sorted(unknown)[0]}}}' (use {{name}}, the sub-table's name)" if unknown else None


def check_layout(file: str, kind: dict[str, Any]) -> Iterator[Found]:
    """A header line the record has, columns its scoring fills, sheets only where sub-tables exist
    (``dossier`` prints the lists where the kind shows them, and nothing where it shows none)."""
    layout = kind.get("printing")
    if not layout:
        return
    known = [*RECORD_LINES, *(PROJECT_LINES if kind["subject"] == "project" else ()), *(field["code"] for field in kind["header_fields"])]
    unknown = "unknown header line '{}' (use one of: " + ", ".join(known) + ")"
    seen: dict[str, int] = {}
    for index, code in enumerate(layout.get("header", ())):
        if code in seen:
            yield file, f"print.header[{index}]", f"duplicate header line '{code}' (also print.header[{seen[code]}])"
        elif code not in known:
            yield file, f"print.header[{index}]", unknown.format(code)
        seen.setdefault(code, index)
    for index, entry in enumerate(layout.get("labels", ())):
        if entry["line"] not in known:
            yield file, f"print.labels[{index}].line", unknown.format(entry["line"])
    weighted = scoring_methods()[kind["scoring"]["method"]].uses_subtables
    for index, column in enumerate(layout.get("columns") or ()):
        if column["show"] in SUBTABLE_COLUMNS and not weighted:
            yield file, f"print.columns[{index}].show", f"'{column['show']}' is only shown where sub-tables are scored"
    for key in ("working", "sheets"):
        if key in layout and not weighted:
            yield file, f"print.{key}", "only a kind that scores sub-tables prints them"


def layout_changes(old: KindPrint, new: KindPrint) -> Iterator[str]:
    """What a revision changes in a kind's printed form, as the version diff says it (not structural:
    a record whose version declares a layout keeps printing with it)."""

    def labels(entries: tuple[Any, ...] | None) -> str:
        return "（平台通用格式）" if entries is None else "、".join(entry.label for entry in entries) or "（无）"

    def text(value: object) -> str:
        return "（无）" if value is None else f"“{value}”" if isinstance(value, str) else "是" if value is True else "否"

    for attribute, label in (("title", "标题"), ("subtitle", "副标题"), ("dossier", "印申报材料和人员名单"), ("working", "计算说明")):
        if getattr(old, attribute) != getattr(new, attribute):
            yield f"打印格式的{label}：{text(getattr(old, attribute))} → {text(getattr(new, attribute))}"
    if old.labels != new.labels:
        shown = ["、".join(f"{line}：{label}" for line, label in labels) or "（无）" for labels in (old.labels, new.labels)]
        yield f"打印格式的表头名称：{shown[0]} → {shown[1]}"
    if old.header != new.header:
        shown = ["（平台通用格式）" if h is None else "、".join(h) for h in (old.header, new.header)]
        yield f"打印格式的表头各行：{shown[0]} → {shown[1]}"
    for attribute, label in (("columns", "考核项目表栏目"), ("signatures", "签字盖章栏")):
        if getattr(old, attribute) != getattr(new, attribute):
            yield f"打印格式的{label}：{labels(getattr(old, attribute))} → {labels(getattr(new, attribute))}"
    if old.sheets != new.sheets:
        yield "打印格式的空白分项检查评分表已修改"
