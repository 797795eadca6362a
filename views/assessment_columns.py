"""How an assessment and its item rows read in the generated lists: an item's name, the 办理 button,
a catalogued record's columns and points, the result shown before it is settled, sub-table results
by name."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup

from criteria.pack import Kind
from models.criteria_versions import kind_for, pack_for
from models.record_scores import score_record
from reports.values import display
from workflow.header import entry_points


def item_name(row: Any) -> str:
    """An item row's name as the criteria version of its assessment has it."""
    kind = kind_for(row.assessment)
    return next((i.name for i in kind.items if i.code == row.item_code), row.item_code)


def work_link(kind_code: str, label: str, pk: int) -> Markup:
    """The list's button to a record's 办理 page (审核 on a review queue)."""
    url = url_for("AssessmentWorkflowView.page", kind_code=kind_code, pk=pk)
    return Markup('<a class="btn btn-xs btn-primary" href="{}">{}</a>').format(url, label)


def catalogue_columns(kind: Kind) -> list[str]:
    """A catalogued kind's list columns: the entry, the project, the dates, the points."""
    rules = kind.scoring
    dates = [f.code for f in kind.header_fields if f.type == "date"]
    return [rules.entry_field, *([rules.project_field] if rules.project_field else []), *dates, "points_shown"]


def catalogue_points(record: Any) -> str:
    """The points of a catalogued record's entry (+4, -5) or 一票否决, as the list shows them."""
    return entry_points(kind_for(record), record)


def shown_result(record: Any) -> tuple[str, str]:
    """(总分, 等次) as a list shows them: the settled result, or before it what the scorer makes of
    the entries so far, marked （自评） when the subject fills them in itself, else （未审核）. Scored
    once per loaded record: the list reads both columns."""
    cached = record.__dict__.get("_shown_result")
    if cached is None:
        cached = record.__dict__["_shown_result"] = _shown_result(record)
    return cached


def unsettled(record: Any) -> bool:
    """No result is stored yet: a list shows what the scorer makes of its entries so far."""
    return record.total is None and not record.grade


def _shown_result(record: Any) -> tuple[str, str]:
    if not unsettled(record):
        return display(record.total) or "", record.grade or ""
    kind, pack = kind_for(record), pack_for(record)
    result = score_record(pack, kind, record, "self")
    if result is None or result.total is None:
        return "", ""
    filler = next((role for role in pack.roles if role.code == kind.filled_by), None)
    mark = "（自评）" if filler is not None and filler.scope == "enterprise" else "（未审核）"
    return f"{format(result.total, 'f')}{mark}", f"{result.grade_label}{mark}"


def results_shown(names: dict[str, str], results: Any) -> str:
    """Sub-table results by each sub-table's name (``<name>：<result>``, joined by ；), never its code."""
    pairs = results.items() if isinstance(results, dict) else (results or ())
    return "；".join(f"{names.get(code, code)}：{display(value)}" for code, value in pairs)
