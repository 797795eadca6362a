"""Record one of a kind's vetoes (否决项) on an assessment, or withdraw one: the reviewer's decision
with an opinion and, for a veto, an evidence PDF (RULES.md §6.2, §8.1). On a record whose result
stands, the result is scored again and the enterprise's final grades follow, in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from grading import recompute_enterprise
from models import Attachment, RecordVeto
from models.criteria_versions import active_version
from models.evidence import commit_with_file, pdf_columns, read_pdf
from models.record_scores import final_states, settle
from models.vetoes import VETO_EVIDENCE
from services.assessment_work import Work, commit, require_current
from services.errors import CONFLICT, Conflict, Invalid, Refused
from storage import FileStore
from workflow.records import facts_of, history
from workflow.rules import may_record_veto

WHO = "只有该记录的审核人可以记录或撤销否决事项，且记录须已提交（草稿、退回修改中的记录不能记录）"


def _allowed(work: Work, lock_version: Any) -> None:
    require_current(work, lock_version)
    if not work.in_force:
        raise Refused(f"{work.kind.short_name}已停用：其记录只能查看、打印和验证，不能再办理")
    if not may_record_veto(work.kind, work.actor, facts_of(work.session, work.kind, work.record)):
        raise Refused(WHO)


def _rescore(work: Work) -> str:
    """Score a record whose result stands again, and recompute the grades it feeds; the record's
    grade afterwards, for the message."""
    kind, record = work.kind, work.record
    work.session.flush()
    work.session.expire(record, ["recorded_vetoes"])
    if record.state not in final_states(kind) or not kind.items:
        return ""
    settle(work.pack, kind, record)
    version = active_version()
    recompute_enterprise(work.session, version.pack, work.kind_models, record.enterprise, record.period, version.id)
    return f"，{kind.name}评定为{record.grade}" if record.grade else ""


def record_veto(work: Work, code: str, opinion: str, upload: Any, files: FileStore, max_pages: int, lock_version: Any) -> str:
    """Returns the message for the user; a wrong entry raises Invalid naming each field."""
    _allowed(work, lock_version)
    kind, record, session = work.kind, work.record, work.session
    veto = next((v for v in kind.manual_vetoes if v.code == code), None)
    opinion = (opinion or "").strip()
    errors = {}
    if veto is None:
        errors["veto_code"] = "请选择否决事项：" + "、".join(v.name for v in kind.manual_vetoes)
    elif any(v.veto_code == code and v.withdrawn_on is None for v in record.recorded_vetoes):
        errors["veto_code"] = f"“{veto.name}”已记录，不能重复记录"
    if not opinion:
        errors["veto_opinion"] = "请填写否决意见（事实和依据）"
    data, name, problem = read_pdf(upload, max_pages)
    if problem:
        errors["veto_file"] = f"证明材料：{problem}"
    if errors:
        raise Invalid("未记录否决事项：" + "；".join(errors.values()), errors)
    attachment = Attachment(assessment_id=record.id, item_code=f"{VETO_EVIDENCE}{code}", **pdf_columns(data, name))
    session.add(attachment)
    work.guard(attachment)
    session.flush()
    row = RecordVeto(
        assessment_id=record.id, veto_code=code, opinion=opinion, attachment_id=attachment.id, created_by_fk=work.actor.user_id
    )
    session.add(row)
    work.guard(row)
    history(session, kind, record, work.actor, "veto", record.state, f"记录否决事项：{veto.name}。{opinion}")
    outcome = _rescore(work)
    record.changed_on = datetime.datetime.now()
    try:
        commit_with_file(session, files, data)
    except StaleDataError:
        session.rollback()
        raise Conflict(CONFLICT) from None
    return f"已记录否决事项“{veto.name}”{outcome}"


def withdraw_veto(work: Work, veto_id: Any, opinion: str, lock_version: Any) -> str:
    """Withdraw a recorded veto (it stays on record with the reason); returns the message."""
    _allowed(work, lock_version)
    kind, record = work.kind, work.record
    row = next((v for v in record.recorded_vetoes if str(v.id) == str(veto_id) and v.withdrawn_on is None), None)
    if row is None:
        raise Invalid("该否决事项不存在或已撤销", {"withdraw": "该否决事项不存在或已撤销"})
    opinion = (opinion or "").strip()
    if not opinion:
        raise Invalid("请填写撤销理由", {f"withdraw_opinion_{row.id}": "请填写撤销理由"})
    name = next((v.name for v in kind.vetoes if v.code == row.veto_code), row.veto_code)
    stored = work.session.get(RecordVeto, row.id)
    stored.withdrawn_on = datetime.datetime.now()
    stored.withdrawn_by_fk = work.actor.user_id
    stored.withdraw_opinion = opinion
    history(work.session, kind, record, work.actor, "veto_withdrawn", record.state, f"撤销否决事项：{name}。{opinion}")
    outcome = _rescore(work)
    commit(work)
    return f"已撤销否决事项“{name}”{outcome}"
