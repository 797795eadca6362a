"""Save what the filler typed in the fill-in table: self scores (or, for weighted categories, the
sub-table results) and 不涉及 marks, all in one transaction; any problem saves nothing. An item the
reviewer had passed and the filler changes goes back to 待审核, marked as changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.assessment_work import Work, commit, permissions, require_current
from services.errors import Invalid, Refused
from workflow.entries import SCORE_FIELDS, is_weighted, read_form, results_json, unknown_codes, unknown_message
from workflow.records import filled, reopen_if_changed


def save_entries(work: Work, fields: Mapping[str, str], lock_version: Any) -> str:
    """``fields``: the fill-in table's fields (``score_<item>``, ``na_<item>``, ``result_<sub-table>``).
    Returns the message for the user."""
    kind, record = work.kind, work.record
    if not permissions(work).can_fill:
        raise Refused(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能修改得分")
    require_current(work, lock_version)
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
        if is_weighted(kind):
            row.results = results_json(entry)
        else:
            row.self_score = entry.score
        reopened += reopen_if_changed(kind, row, before)
    commit(work)
    again = f"；{reopened} 项审核已通过的内容有改动，将重新审核" if reopened else ""
    return f"得分已保存（草稿）{again}"
