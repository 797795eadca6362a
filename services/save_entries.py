"""Save what the filler typed in the fill-in table: self scores (or, for weighted categories, the
sub-table results) and 不涉及 marks, all in one transaction; any problem saves nothing. An item the
reviewer had passed and the filler changes goes back to 待审核, marked as changed.

``apply_entries`` is the same change without the commit: uploading a file and taking a step from the
办理 page carry the table as typed, so nothing typed is lost to a reload (one save)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.assessment_work import Work, commit, may_fill, require_current
from services.errors import Invalid, Refused
from workflow.entries import SCORE_FIELDS, read_form, unknown_codes, unknown_message
from workflow.records import filled, reopen_if_changed

ALSO_SAVED = "得分已一并保存"


def carries_entries(fields: Mapping[str, str]) -> bool:
    """Whether a posted form holds the fill-in table (its score, 不涉及 or sub-table fields)."""
    return any(name.startswith((*SCORE_FIELDS, "result_")) for name in fields)


def apply_entries(work: Work, fields: Mapping[str, str]) -> int:
    """Check and apply the table to the record's items (the caller commits); returns how many passed
    items went back to 待审核. Invalid, with the problems by item, when anything cannot be stored."""
    kind, record = work.kind, work.record
    unknown = unknown_codes(kind, fields, SCORE_FIELDS)
    if unknown:
        raise Invalid(unknown_message(kind, unknown))
    entries, errors = read_form(kind, fields)
    if errors:
        raise Invalid("有得分填写有误，未保存，请按提示修改。", errors)
    rows = {row.item_code: row for row in record.items}
    reopened = 0
    for item in kind.items:
        row, entry = rows[item.code], entries[item.code]
        before = filled(row)
        row.not_applicable = entry.not_applicable
        for column, value in kind.scoring.entry_columns(entry).items():
            setattr(row, column, value)
        reopened += reopen_if_changed(kind, row, before)
    return reopened


def reopened_note(reopened: int) -> str:
    return f"；{reopened} 项审核已通过的内容有改动，将重新审核" if reopened else ""


def save_entries(work: Work, fields: Mapping[str, str], lock_version: Any) -> str:
    """``fields``: the fill-in table's fields (``score_<item>``, ``na_<item>``, ``result_<sub-table>``).
    Returns the message for the user."""
    kind, record = work.kind, work.record
    if not may_fill(work):
        raise Refused(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能修改得分")
    require_current(work, lock_version)
    reopened = apply_entries(work, fields)
    commit(work)
    return f"得分已保存（草稿）{reopened_note(reopened)}"
