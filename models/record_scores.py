"""Score a stored assessment with the pure scorers: its item rows become the scorer's input."""

from __future__ import annotations

from typing import Any

from criteria.pack import Kind, Pack
from scoring import ScoreInputError, ScoreResult, score_kind


def payload_of(kind: Kind, record: Any, which: str = "assessed") -> dict[str, Any]:
    """``which`` = 'assessed' (the reviewed scores) or 'self' (the enterprise's own).

    A weighted category gives the results of its sub-tables present on site (``results``, in the
    order the criteria list them); a category with none yet is left out, so the record has no
    total until it is complete (it is not silently treated as 不涉及).
    """
    items: dict[str, Any] = {}
    subtables = {item.code: item.subtables for item in kind.items}
    for row in record.items:
        if row.not_applicable:
            items[row.item_code] = None
        elif kind.scoring["method"] == "weighted_categories":
            saved = row.results or {}
            values = [float(saved[code]) for code in subtables.get(row.item_code, tuple(saved)) if saved.get(code) is not None]
            if values:
                items[row.item_code] = values
        else:
            value = row.assessed_score if which == "assessed" else row.self_score
            items[row.item_code] = None if value is None else float(value)
    return {"items": items}


def score_record(pack: Pack, kind: Kind, record: Any, which: str = "assessed") -> ScoreResult | None:
    """The record's result, or None while it lacks the scores to compute one."""
    if not kind.items:
        return None
    try:
        return score_kind(pack, kind.code, payload_of(kind, record, which))
    except ScoreInputError:
        return None


def settle(pack: Pack, kind: Kind, record: Any) -> ScoreResult | None:
    """Fix a record's total, grade and stored result from its reviewed scores (a final state)."""
    result = score_record(pack, kind, record, "assessed")
    record.total, record.grade = (result.total, result.grade_label) if result else (None, None)
    record.result = result.summary() if result else None
    return result


def final_states(kind: Kind) -> set[str]:
    """States no transition leaves: the assessment's result stands."""
    leaving = {s for t in kind.workflow["transitions"] for s in t["from_states"]}
    return {s["code"] for s in kind.workflow["states"]} - leaving
