"""Score a stored assessment with the pure scorers: its item rows become the scorer's input."""

from __future__ import annotations

from typing import Any

from criteria.pack import Kind, Pack
from scoring import ScoreInputError, ScoreResult, score_kind
from scoring.expiry import expired_vetoes, record_dates


def payload_of(kind: Kind, record: Any, which: str = "assessed") -> dict[str, Any]:
    """``which`` = 'assessed' (the reviewed scores) or 'self' (the enterprise's own).

    Each row gives what its kind's scoring method reads of it (a self or assessed score, the results
    of the sub-tables present on site); a row with nothing entered yet is left out, so the record has
    no total until it is complete (it is not silently treated as 不涉及). The vetoes reviewers
    recorded, and did not withdraw, go with both, and so do the vetoes its own dates make (an expired
    licence).
    """
    items: dict[str, Any] = {}
    by_code = {item.code: item for item in kind.items}
    for row in record.items:
        item = by_code.get(row.item_code)
        if item is None:
            continue
        value = None if row.not_applicable else kind.scoring.row_payload(item, row, which)
        if row.not_applicable or value is not None:
            items[row.item_code] = value
    declared = {veto.code for veto in kind.manual_vetoes}
    vetoes = [v.veto_code for v in getattr(record, "recorded_vetoes", ()) if v.withdrawn_on is None and v.veto_code in declared]
    dates = record_dates(kind, record)
    if dates:
        vetoes += expired_vetoes(kind, dates, record.period or "")
    return {"items": items, "vetoes": vetoes} if vetoes else {"items": items}


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
    leaving = {s for t in kind.workflow.transitions for s in t.from_states}
    return {s.code for s in kind.workflow.states} - leaving
