"""The materials checklist of an assessment: upload a material (PDF) and remove one, while the filler
may: every entry in an editable state, only 整改材料 in a rectification state. Materials are kept per
enterprise, period and code, so every kind that shows the checklist for that period sees them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from models import EnterpriseMaterial
from models.evidence import commit_with_file, pdf_columns, read_pdf
from services.assessment_work import Work, fills
from services.errors import CONFLICT, Conflict, Invalid, Refused
from services.save_entries import apply_carried, carries_table
from storage import FileStore
from workflow import dossier


def _state_refusal(work: Work, what: str) -> Refused:
    state = work.record.state
    return Refused(f"当前状态为“{work.kind.state_labels.get(state, state)}”，不能{what}")


def _not_filler(work: Work) -> Refused:
    if not work.in_force:
        return Refused(f"{work.kind.short_name}已停用：其记录只能查看、打印和验证，不能再办理")
    return Refused(f"申报材料只能由{work.pack.role(work.kind.filled_by).label}上传和删除")


def upload_material(work: Work, code: str, upload: Any, files: FileStore, max_pages: int, table: Mapping[str, str] | None = None) -> str:
    """Store ``upload`` (werkzeug FileStorage) as the record's material ``code``; returns the message.
    ``table``: the page's header and fill-in table as typed, saved with the file (one save), or None."""
    kind, record, pack = work.kind, work.record, work.pack
    names = {m.code: m.name for m in dossier.shown_materials(pack, kind, record)}
    if not fills(work):
        raise _not_filler(work)
    if code not in dossier.fillable_materials(pack, kind, record):
        later = {m.code: m.for_period(record.period).name for m in pack.dossier_kind(kind).materials if m.rectification}
        if code in later and code not in names:
            raise Refused(f"“{later[code]}”在记录被退回或评定为需整改后才能上传，未上传")
        if code not in names:
            raise Invalid(f"材料“{code[:60]}”不在本考核的申报材料清单中，未上传")
        raise _state_refusal(work, "上传该材料")
    saves_table = carries_table(work, table)
    data, name, problem = read_pdf(upload, max_pages)
    if problem:
        raise Invalid(problem, {"file": problem})
    also = apply_carried(work, table, name) if saves_table else ""
    row = EnterpriseMaterial(enterprise_id=record.enterprise_id, period=record.period, material_code=code, **pdf_columns(data, name))
    work.session.add(row)
    work.guard(row)
    try:
        commit_with_file(work.session, files, data)
    except StaleDataError:
        raise Conflict(CONFLICT) from None
    return f"已上传“{name}”（{names[code]}）{also}"


def remove_material(work: Work, row: EnterpriseMaterial | None) -> str:
    """Remove a material file of the record's enterprise and period; returns the message."""
    record = work.record
    if not fills(work):
        raise _not_filler(work)
    if row is None or row.enterprise_id != record.enterprise_id or row.period != record.period:
        raise Invalid("要删除的材料文件不存在或不属于本考核")
    if row.material_code not in dossier.fillable_materials(work.pack, work.kind, record):
        raise _state_refusal(work, "删除该材料")
    name = row.file_name
    work.session.delete(row)
    work.session.commit()
    return f"已删除“{name}”"
