"""Take one step of a kind's workflow (submit, approve, return, rate, ...): check that the user may
take it now, move the record with its history row and, when the record reaches a final state, the
grades it feeds, all in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from grading import recompute_enterprise
from models.criteria_versions import active_version
from models.record_scores import final_states
from services.assessment_work import Work, commit, may_fill, require_current
from services.errors import CONFLICT, Conflict, Invalid, Refused
from services.save_entries import ALSO_SAVED, apply_entries, carries_entries
from workflow import WorkflowRefused, check
from workflow.records import apply_transition, facts_of


def take_transition(
    work: Work, code: str, opinion: str, rating: str | None, lock_version: Any, table: Mapping[str, str] | None = None
) -> str:
    """Returns the message for the user; WorkflowRefused reasons become ``Invalid`` (the message says
    what is missing or who may take the step). ``table``: the fill-in table as typed on the page; the
    filler's step saves it first, in the same transaction (one save: 提交 submits what is on screen)."""
    kind, record, pack = work.kind, work.record, work.pack
    require_current(work, lock_version)
    if not work.in_force:
        raise Refused(f"{kind.short_name}已停用：其记录只能查看、打印和验证，不能再办理")
    saves_table = table is not None and carries_entries(table) and may_fill(work)
    if saves_table:
        apply_entries(work, table)
    opinion = (opinion or "").strip()
    rating = (rating or "").strip() or None
    try:
        step = check(kind, code or "", work.actor, facts_of(work.session, kind, record, pack), opinion, rating, pack.band_labels(kind))
    except WorkflowRefused as refused:
        raise Invalid(str(refused)) from None
    try:
        apply_transition(work.session, pack, kind, record, step, work.actor, opinion, rating)
        if record.state in final_states(kind) or step.rates:  # the grades it feeds change in the same transaction
            version = active_version()
            recompute_enterprise(work.session, version.pack, work.kind_models, record.enterprise, record.period, version.id)
        commit(work)
    except (StaleDataError, IntegrityError):  # another reviewer's step (or its grades) landed first
        work.session.rollback()
        raise Conflict(CONFLICT) from None
    also = f"；{ALSO_SAVED}" if saves_table else ""
    return f"已{step.label}，状态：{kind.state_labels[record.state]}{also}"
