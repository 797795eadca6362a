"""Delete assessments the filler may still change (drafts, returned records), and nothing else: a
selection that holds any other record deletes none of them. Their items, files, history and
rectification data go with them (foreign keys); the stored PDFs stay under their hashes until the
evidence sweep finds them unused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.criteria_versions import kind_for
from services.errors import CONFLICT, Conflict, Refused
from workflow.rules import editable


def delete_drafts(session: Session, records: Iterable[Any]) -> str:
    """Delete ``records`` (already in the caller's scope) in one transaction; returns the message."""
    records = list(records)
    if not records:
        raise Refused("请先勾选要删除的记录")
    kept = [record for record in records if not editable(kind_for(record), record.state)]
    if kept:
        shown = "、".join(f"{record}（{kind_for(record).state_labels.get(record.state, record.state)}）" for record in kept[:5])
        more = f"等 {len(kept)} 条" if len(kept) > 5 else ""
        raise Refused(f"未删除任何记录：{shown}{more}不是草稿或已退回状态，不能删除")
    for record in records:
        session.delete(record)
    try:
        session.commit()
    except (StaleDataError, IntegrityError):  # another user submitted or changed one of them first
        session.rollback()
        raise Conflict(CONFLICT) from None
    return f"已删除 {len(records)} 条记录"
