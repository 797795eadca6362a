"""The audit log: every insert, update and delete of a platform record, with who did it.

Written in the same transaction as the change (after the flush, so new rows have their ids), so a
change that rolls back leaves no audit row and no audited change goes unrecorded.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from models.base import current_user_id
from models.core import AuditLog

# FAB's own bookkeeping (permissions, views) is not audited; accounts are, without login counters.
AUDITED_SECURITY_TABLES = {"ab_user"}
NOISE = {"last_login", "login_count", "fail_login_count", "failed_login_since", "changed_on", "created_on"}
SECRET = {"password"}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    return value


def _changes(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    found = {}
    for attribute in state.mapper.column_attrs:
        if attribute.key in NOISE:
            continue
        history = state.attrs[attribute.key].history
        if history.has_changes():
            value = history.added[0] if history.added else None
            found[attribute.key] = "（已隐藏）" if attribute.key in SECRET and value else _plain(value)
    return found


def _audited(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", "")
    if not table or isinstance(obj, AuditLog) or getattr(obj, "__audited__", True) is False:
        return False
    return table in AUDITED_SECURITY_TABLES or not table.startswith("ab_")


def _row(action: str, obj: Any, detail: dict[str, Any] | None) -> dict[str, Any]:
    identity = inspect(obj).mapper.primary_key_from_instance(obj)  # set once the INSERT ran
    return {
        "user_id": current_user_id(),
        "action": action,
        "table_name": obj.__tablename__,
        "record_id": ",".join(str(part) for part in identity),
        "detail": detail,
        "created_on": datetime.datetime.now(),
    }


def write_rows(session: Session, table_name: str, changes: list[tuple[str, Any, dict[str, Any] | None]]) -> None:
    """Audit rows for changes written in bulk (no flush events): (action, record id, changed values)."""
    if changes:
        now = datetime.datetime.now()
        session.connection().execute(insert(AuditLog.__table__), [
            {"user_id": current_user_id(), "action": action, "table_name": table_name, "record_id": str(record_id),
             "detail": None if detail is None else {k: _plain(v) for k, v in detail.items()}, "created_on": now}
            for action, record_id, detail in changes
        ])


def install(session_class: type[Session]) -> None:
    """Record changes made through sessions of ``session_class`` (idempotent)."""
    if event.contains(session_class, "before_flush", _collect):
        return
    event.listen(session_class, "before_flush", _collect)
    event.listen(session_class, "after_flush", _write)


def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    pending = session.info.setdefault("audit_pending", [])
    pending += [("insert", obj, None) for obj in session.new if _audited(obj)]
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj)
            if changes:
                pending.append(("update", obj, changes))
    pending += [("delete", obj, None) for obj in session.deleted if _audited(obj)]


def _write(session: Session, flush_context: Any) -> None:
    pending = session.info.pop("audit_pending", [])
    rows = []
    for action, obj, detail in pending:
        if action == "insert":
            detail = {k: v for k, v in _changes(obj).items() if v is not None}
        rows.append(_row(action, obj, detail))
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)
