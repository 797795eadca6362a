"""Evidence files of an assessment: upload one (to an item, to a record-level entry of the kind, or to
the whole record) and delete one, while the filler may still change the record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from models import Attachment
from models.evidence import commit_with_file, pdf_columns, read_pdf
from services.assessment_work import Work, may_fill
from services.errors import CONFLICT, Conflict, Invalid, Refused
from services.save_entries import apply_carried, carries_table
from storage import FileStore
from workflow.records import record_evidence_key


def upload_evidence(
    work: Work, item_code: str, upload: Any, files: FileStore, max_pages: int, table: Mapping[str, str] | None = None
) -> str:
    """``upload``: the posted file (werkzeug FileStorage); ``item_code``: an item of the kind,
    ``record:<code>`` for a record-level entry, or '' for the whole record. ``table``: the fill-in table
    as typed on the page, saved with the file (one save), or None. Returns the message for the user."""
    kind, record = work.kind, work.record
    if not may_fill(work):
        raise Refused("当前状态不能上传证明材料")
    saves_table = carries_table(work, table)
    allowed = {i.code for i in kind.items} | {record_evidence_key(e.code) for e in kind.record_evidence}
    if item_code and item_code not in allowed:
        raise Invalid(f"上传位置“{item_code[:60]}”不属于本考核的考核项目或材料，未上传", {"item_code": "未知的上传位置"})
    data, name, problem = read_pdf(upload, max_pages)
    if problem:
        raise Invalid(problem, {"file": problem})
    also = apply_carried(work, table, name) if saves_table else ""
    attachment = Attachment(assessment_id=record.id, item_code=item_code or None, **pdf_columns(data, name))
    work.session.add(attachment)
    work.guard(attachment)
    try:
        commit_with_file(work.session, files, data)
    except StaleDataError:
        raise Conflict(CONFLICT) from None
    return f"已上传“{name}”{also}"


def delete_evidence(work: Work, attachment: Attachment) -> str:
    """Returns the deleted file's name; the stored file goes once no row names it."""
    if attachment.assessment_id != work.record.id:
        raise Invalid("该文件不属于此考核")
    if not may_fill(work):
        raise Refused("当前状态不能删除证明材料")
    name = attachment.file_name
    work.session.delete(attachment)
    work.session.commit()
    return name
