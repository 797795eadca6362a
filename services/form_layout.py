"""A record's printed form laid out as its kind's ``print`` block says: the header lines in order,
the item rows with the columns the guide chose, the scoring's working, the blank sub-table sheets
and the signature blocks. A kind without a ``print`` block gets the plain layout of ``reports``."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from criteria.print_layout import KindPrint
from models.assessments import header_values
from models.record_scores import score_record
from reports import FormColumn, FormItem, FormSection, FormSignature
from reports.data import DEFAULT_COLUMNS, DEFAULT_SIGNATURES
from reports.values import display, is_id_number, masked_id_number, total_text
from scoring.methods.weighted import COMBINE
from scoring.numbers import rounded
from scoring.result import ScoreResult
from workflow.header import entry_points, field_choices
from workflow.records import project_choices

# The header lines every record has besides its kind's fields (criteria.print_layout), as printed.
LINE_LABELS = {
    "enterprise_name": "企业名称",
    "project_name": "项目名称",
    "project_manager": "项目经理",
    "permit_no": "施工许可证号",
    "period": "考核期间",
    "state": "状态",
    "rectification_due": "整改期限",
}
WIDE_LINES = {"enterprise_name", "project_name"}  # always a line of their own
OPTIONAL_LINES = {"rectification_due"}  # printed only when the record has one


def laid_out(kind: Kind, issuing: Pack) -> Kind:
    """The record's kind with a layout: its own, else the one the issuing guide gives the same kind
    (a header line the record's version lacks is left out by ``header_lines``)."""
    running = issuing.kinds.get(kind.code)
    if kind.printing != KindPrint() or running is None or running.printing == KindPrint():
        return kind
    if running.scoring.uses_subtables != kind.scoring.uses_subtables:  # columns the record cannot fill
        return kind
    return replace(kind, printing=running.printing)


def title(pack: Pack, kind: Kind) -> tuple[str, str]:
    return kind.printing.title or kind.name, kind.printing.subtitle or pack.name


def columns(kind: Kind) -> tuple[FormColumn, ...]:
    declared = kind.printing.columns
    return tuple(FormColumn(c.show, c.label, c.width) for c in declared) if declared else DEFAULT_COLUMNS


def signatures(kind: Kind) -> tuple[FormSignature, ...]:
    declared = kind.printing.signatures
    return tuple(FormSignature(s.label, s.stamp) for s in declared) if declared is not None else DEFAULT_SIGNATURES


def _default_order(kind: Kind) -> list[str]:
    project = ["project_name"] if kind.subject == "project" else []
    return ["enterprise_name", *project, "period", "state", *(f.code for f in kind.header_fields), "rectification_due"]


def header_lines(
    session: Session, pack: Pack, kind: Kind, record: Any, blank: bool, id_numbers: str = "masked"
) -> list[tuple[str, str, bool]]:
    """(label, value as a person reads it, wide) in the layout's order: a choice by its label, a
    project by its name, a 身份证号 masked unless ``id_numbers`` is ``full``; a blank form keeps the
    names and leaves the state empty."""
    values = header_values(session, kind, record)
    fields = {field.code: field for field in kind.header_fields}
    projects = project_choices(session, kind, record) if kind.has_project_field else {}
    project = record.project if kind.subject == "project" else None
    facts = {
        "enterprise_name": str(record.enterprise),
        "project_name": str(project or ""),
        "project_manager": getattr(project, "project_manager", None) or "",
        "permit_no": getattr(project, "permit_no", None) or "",
        "period": record.period or "",
        "state": "" if blank else kind.state_labels.get(record.state, record.state),
        "rectification_due": "" if blank else display(record.rectification_due),
    }
    named = dict(kind.printing.labels)  # what this kind's form calls a line
    lines: list[tuple[str, str, bool]] = []
    for code in kind.printing.header or _default_order(kind):
        if code in facts:
            if facts[code] or code not in OPTIONAL_LINES:
                lines.append((named.get(code, LINE_LABELS[code]), str(facts[code]), code in WIDE_LINES))
            continue
        field = fields.get(code)
        if field is None:  # not in the record's version (the running guide's layout of an older record)
            continue
        value = values.get(code)
        labels = field_choices(field, kind, pack) if field.type == "choice" else projects if field.type == "project" else {}
        shown = str(labels[value] if value in labels else display(value))
        masked = masked_id_number(shown) if is_id_number(code) and id_numbers != "full" and shown else shown
        lines.append((named.get(code, field.label), masked, False))
        if kind.catalogue and code == kind.scoring.entry_field:
            lines.append(("分值", entry_points(kind, record), False))  # what the entry counts, as its list shows it
    return lines


def scored(pack: Pack, kind: Kind, record: Any) -> ScoreResult | None:
    """The reviewed result of a kind that scores sub-tables (None while incomplete or not weighted)."""
    return score_record(pack, kind, record, "assessed") if kind.scoring.uses_subtables else None


def item_rows(kind: Kind, record: Any, score: ScoreResult | None) -> list[FormItem]:
    """One row per item: scores, opinion; for a weighted kind its sub-table result (and, where it
    averages several, each of them) and the points it gives."""
    rows = {row.item_code: row for row in record.items}
    names = {table["code"]: table["name"] for table in kind.subtables}
    points = {p.code: p for p in score.items} if score else {}
    rounding = getattr(kind.scoring, "rounding", None)

    def shown(value: Decimal | None) -> str:
        return "" if value is None else total_text(rounded(Decimal(str(value)), rounding)) if rounding else display(value)

    items = []
    for item in kind.items:
        row = rows.get(item.code)
        skipped = row is not None and row.not_applicable
        results = {code: value for code, value in ((row.results or {}).items() if row is not None else ()) if value is not None}
        assessed = row.assessed_score if row is not None else None
        result = COMBINE[item.combine or "mean"]([Decimal(str(v)) for v in results.values()]) if results else None
        if results:
            assessed = result
        earned = points.get(item.code)
        items.append(
            FormItem(
                item.name,
                item.standard,
                item.max,
                None if row is None or skipped else row.self_score,
                None if row is None or skipped else assessed,
                "不涉及" if skipped else (row.opinion or "") if row else "",
                result=shown(result),
                points=shown(earned.points) if earned is not None and earned.applicable else "",
                parts=[(names.get(code, code), shown(value)) for code, value in results.items()] if len(item.subtables) > 1 else (),
            )
        )
    return items


def working(kind: Kind, score: ScoreResult | None) -> tuple[str, list[str]]:
    """The layout's heading and how the total was reached (averages, 缺项 rescale, forced grade)."""
    heading = kind.printing.working
    return (heading, list(score.reasons)) if heading and score else ("", [])


def check_sheets(kind: Kind) -> list[FormSection]:
    """The blank sheet of every sub-table: its check lines grouped (保证项目 first), 扣分标准 as the guide
    gives it, 应得分, and empty 扣减分 / 实得分 to fill in by hand; a total row at the bottom."""
    sheets = kind.printing.sheets
    if sheets is None:
        return []
    shows = [column.show for column in sheets.columns]
    result = []
    for table in kind.subtables:
        lines = sorted(table["lines"], key=lambda line: not line["guaranteed"])
        rows, last_group = [], None
        for number, line in enumerate(lines, start=1):
            group = sheets.guaranteed if line["guaranteed"] else sheets.general
            cells = {
                "number": str(number),
                "group": group if group != last_group else "",
                "name": line["name"],
                "standard": line.get("standard") or "",
                "max": display(line["max"]),
            }
            last_group = group
            rows.append([cells.get(show, "") for show in shows])
        total = {"name": sheets.total, "max": display(sum((line["max"] for line in lines), Decimal(0)))}
        rows.append([total.get(show, "") for show in shows])
        result.append(
            FormSection(
                sheets.title.format(name=table["name"]),
                [column.label for column in sheets.columns],
                rows,
                [column.width for column in sheets.columns],
                footer=sheets.signed,
            )
        )
    return result
