"""What the 办理 page shows besides the workflow: header values, sub-table inputs, the live result,
record-level evidence. Everything comes from the kind (the YAML); nothing here is specific to one kind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import url_for

from criteria.pack import Kind, Pack
from models import Attachment
from views.assessments import field_choices
from workflow.entries import Entry, is_weighted, preview, stored_entries, subtable_names
from workflow.records import record_evidence_key


def header_rows(pack: Pack, kind: Kind, record: Any) -> list[tuple[str, Any]]:
    """(label, shown value) of every header field; a choice shows its label, not its code."""
    rows = []
    for field in kind.header_fields:
        value = getattr(record, field.code, None)  # a field of another version may have no column
        if field.type == "choice" and value:
            value = field_choices(field, kind, pack).get(value, value)
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        rows.append((field.label, value))
    return rows


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def page_context(pack: Pack, kind: Kind, record: Any, evidence: dict[str, list[Attachment]]) -> dict[str, Any]:
    """Template values of the 办理 page that depend on the scoring method and the kind's evidence."""
    entries: dict[str, Entry] = stored_entries(kind, record.items)
    weighted = is_weighted(kind)
    live = preview(pack, kind, entries) if weighted and kind.items else None
    points = {}
    if live and live.get("ok"):
        points = {item["code"]: f"{item['points']:.2f}" for item in live["items"] if item["points"] is not None}
    return {
        "weighted": weighted,
        "subtable_names": subtable_names(kind),
        "result_max": kind.scoring.get("result_max"),
        "saved_results": {code: {sub: _text(value) for sub, value in entry.results} for code, entry in entries.items()},
        "live": live,
        "points": points,
        "record_evidence": [(entry, evidence.get(record_evidence_key(entry.code), [])) for entry in kind.record_evidence],
        "edit_url": url_for(f"{type(record).__name__}View.edit", pk=record.id),
    }
