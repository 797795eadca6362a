"""What the 办理 page shows besides the workflow: header values, sub-table inputs, the live result,
record-level evidence. Everything comes from the kind (the YAML); nothing here is specific to one kind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import HeaderField, Kind, Pack
from grading.suggest import suggested_rating
from models import Attachment
from models.assessments import header_values
from models.record_scores import score_record
from scoring.inputs import Entry
from workflow import dossier, item_meaning
from workflow.entries import preview, stored_entries, subtable_names
from workflow.header import field_choices
from workflow.people import PERSON_LABELS
from workflow.records import project_choices, record_evidence_key
from workflow.rules import Actor


@dataclass(frozen=True)
class HeaderRow:
    """A header field of the record's version as the page shows it: ``shown`` reads as a person would
    (a choice's label, not its code), ``text`` is what its input holds, ``choices`` a choice's options."""

    field: HeaderField
    shown: Any
    text: str
    choices: dict[str, str]
    editable: bool  # the record's class maps the field (a field a later version dropped is read only)


def header_rows(session: Session, pack: Pack, kind: Kind, record: Any) -> list[HeaderRow]:
    rows = []
    values = header_values(session, kind, record)
    mapped = type(record)
    projects = project_choices(session, kind, record) if kind.has_project_field else {}
    for field in kind.header_fields:
        value = values[field.code]
        choices = field_choices(field, kind, pack) if field.type == "choice" else projects if field.type == "project" else {}
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        text = "" if value is None else ("1" if value is True else "0" if value is False else str(value))
        shown = choices.get(value, value) if choices and value else ("是" if value is True else "否" if value is False else value)
        rows.append(HeaderRow(field, shown, text, choices, hasattr(mapped, field.code)))
    return rows


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def page_context(pack: Pack, kind: Kind, record: Any, evidence: dict[str, list[Attachment]]) -> dict[str, Any]:
    """Template values of the 办理 page that depend on the scoring method and the kind's evidence."""
    entries: dict[str, Entry] = stored_entries(kind, record.items)
    weighted = kind.scoring.uses_subtables
    live = preview(pack, kind, entries) if kind.items else None
    points = {}
    if live and live.get("ok"):
        points = {item["code"]: f"{item['points']:.2f}" for item in live["items"] if item["points"] is not None}
    # the reviewer's total, once every item is 通过: what approval will settle (RULES §3.6)
    settled = kind.reviews_items and all(item_meaning(kind, row.review_status) == "pass" for row in record.items)
    reviewed = score_record(pack, kind, record, "assessed") if settled and record.items else None
    return {
        "reviewed": reviewed if reviewed is not None and reviewed.total is not None else None,
        "reviewed_overrides": any(row.score_decision == "override" for row in record.items),
        "weighted": weighted,
        "subtable_names": subtable_names(kind),
        "result_max": kind.scoring.result_max if weighted else None,
        "saved_results": {code: {sub: _text(value) for sub, value in entry.results} for code, entry in entries.items()},
        "live": live,
        "points": points,
        "record_evidence": [(entry, evidence.get(record_evidence_key(entry.code), [])) for entry in kind.record_evidence],
    }


def dossier_context(
    session: Session, pack: Pack, kind: Kind, record: Any, actor: Actor, found: dossier.Live | None = None
) -> dict[str, Any]:
    """The materials checklist, personnel lists, rating choices and rectification round of the page
    (``found``: the materials and people the page already read)."""
    today = datetime.date.today()
    source = pack.dossier_kind(kind)
    filler = kind.filled_by in actor.roles
    shown, live = dossier.shown(session, pack, kind, record, today, found) if source else ({}, False)
    labels = pack.band_labels(kind)
    overdue = record.rectification_due is not None and record.rectification_due < today and dossier.can_change(kind, record.state)
    return {
        "dossier_source": source,
        "dossier": shown,
        "dossier_live": live,
        "materials": dossier.shown_materials(pack, kind, record) if source else [],
        "fillable": dossier.fillable_materials(pack, kind, record) if source and filler else set(),
        "people_editable": bool(source) and filler and dossier.can_change(kind, record.state),  # 整改 included
        "personnel_lists": pack.personnel_lists if source else (),
        "rating_choices": [(band, labels.get(band, band)) for band in kind.rating_bands],
        "veto_choices": [(veto.code, veto.name, labels.get(veto.grade, veto.grade)) for veto in kind.manual_vetoes],
        "veto_names": {veto.code: veto.name for veto in kind.vetoes},
        "suggested_rating": suggested_rating(session, pack, kind, record) if kind.rated else None,
        "rectification_bands": kind.rectification_bands,
        "person_labels": PERSON_LABELS,
        "round_open": dossier.round_opened(record),
        "rectification_materials": [m.name for m in (source.materials if source else ()) if m.rectification],
        # a step back to the filler (its target state is editable again) is shown as a warning
        "sends_back": lambda step: kind.state_flag(step.to, "editable"),
        "expired_people": [
            f"{person['name']}（{entry.name}）"
            for entry in (pack.personnel_lists if source else ())
            for person in shown.get("personnel", {}).get(entry.code, [])
            if person.get("expired")
        ],
        "overdue": overdue,
        "today": today,
    }
