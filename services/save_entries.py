"""Save what the filler typed on the 办理 page: the header fields, self scores (or, for weighted
categories, the sub-table results) and 不涉及 marks, all in one transaction; any problem saves
nothing. An item the reviewer had passed and the filler changes goes back to 待审核, marked as changed.

``apply_entries`` is the same change without the commit: uploading a file and taking a step from the
办理 page carry the table as typed, so nothing typed is lost to a reload (one save)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from services.assessment_work import Work, commit, may_fill, require_current
from services.errors import Invalid, Refused
from workflow.entries import SCORE_FIELDS, read_form, unknown_codes, unknown_message
from workflow.header import posts_header, read_header
from workflow.records import filled, project_choices, reopen_if_changed

ALSO_SAVED = "填写内容已一并保存"


def _carries_items(fields: Mapping[str, str]) -> bool:
    """Whether the form holds the items' fields (score, 不涉及, sub-table): the page always posts
    them; the API may post the header alone."""
    return any(name.startswith((*SCORE_FIELDS, "result_")) for name in fields)


def carries_entries(fields: Mapping[str, str]) -> bool:
    """Whether a posted form holds the fill-in table (its header or its items' fields)."""
    return posts_header(fields) or _carries_items(fields)


def apply_entries(work: Work, fields: Mapping[str, str]) -> int:
    """Check and apply the header and the table to the record and its items (the caller commits);
    returns how many passed items went back to 待审核. Invalid, with the problems by field and item,
    when anything cannot be stored."""
    kind, record = work.kind, work.record
    unknown = unknown_codes(kind, fields, SCORE_FIELDS)
    if unknown:
        raise Invalid(unknown_message(kind, unknown))
    with_items = _carries_items(fields)
    entries, errors = read_form(kind, fields) if with_items else ({}, {})
    projects = project_choices(work.session, kind, record) if kind.has_project_field else None
    header, header_errors = read_header(work.pack, kind, fields, projects)
    stray = [problem for name, problem in header_errors.items() if not any(f"header_{f.code}" == name for f in kind.header_fields)]
    if stray:  # no input shows these: the page is of another version, or the request was made by hand
        raise Invalid("；".join(stray) + "，未保存；请刷新页面后重新填写。")
    for column in [column for column in header if not hasattr(type(record), column)]:  # dropped by a later revision
        header_errors[f"header_{column}"] = f"“{kind.short_name}”的现行考核标准已不再使用该表头项目，不能修改"
        del header[column]
    if errors or header_errors:
        what = "、".join(part for part, found in (("表头信息", header_errors), ("得分", errors)) if found)
        raise Invalid(f"有{what}填写有误，未保存，请按提示修改。", {**header_errors, **errors})
    for column, value in header.items():
        setattr(record, column, value)
    rows = {row.item_code: row for row in record.items}
    reopened = 0
    for item in kind.items if with_items else ():
        row, entry = rows[item.code], entries[item.code]
        before = filled(row)
        row.not_applicable = entry.not_applicable
        for column, value in kind.scoring.entry_columns(entry).items():
            setattr(row, column, value)
        reopened += reopen_if_changed(kind, row, before)
    return reopened


def carries_table(work: Work, table: Mapping[str, str] | None) -> bool:
    """Whether a write sent from the page (an upload) saves the table it carries: it carries one and
    the filler may change it now. The table's version must then be the record's."""
    saves = table is not None and carries_entries(table) and may_fill(work)
    if saves:
        require_current(work, table.get("lock_version"))
    return saves


def apply_carried(work: Work, table: Mapping[str, str], file_name: str) -> str:
    """Apply the table carried by an upload (before the file is stored); returns the note for the
    message. Invalid names the file that was therefore not uploaded."""
    try:
        reopened = apply_entries(work, table)
    except Invalid as problem:
        raise Invalid(f"文件“{file_name}”未上传：{problem.message}", problem.errors) from None
    work.record.changed_on = datetime.datetime.now()  # the record's version moves with its items
    return f"，{ALSO_SAVED}{reopened_note(reopened)}"


def reopened_note(reopened: int) -> str:
    return f"；{reopened} 项审核已通过的内容有改动，将重新审核" if reopened else ""


def save_entries(work: Work, fields: Mapping[str, str], lock_version: Any) -> str:
    """``fields``: the page's fields (``header_<field>``, ``score_<item>``, ``na_<item>``,
    ``result_<sub-table>``). Returns the message for the user."""
    kind, record = work.kind, work.record
    if not may_fill(work):
        raise Refused(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能修改得分")
    require_current(work, lock_version)
    reopened = apply_entries(work, fields)
    commit(work)
    return f"{'得分' if kind.items else '填写内容'}已保存（草稿）{reopened_note(reopened)}"
