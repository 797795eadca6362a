"""The audit log: every insert, update and delete of a platform record, with who did it.

Written in the same transaction as the change (after the flush, so new rows have their ids), so a
change that rolls back leaves no audit row and no audited change goes unrecorded.

``detail`` maps each changed column to ``{"from": old, "to": new}``: an insert has only ``to``
values, a delete keeps the removed row's values as ``from``, an update both. Many-to-many
collections (a user's roles and districts) are listed by name.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from sqlalchemy import and_, event, insert, inspect, select
from sqlalchemy.orm import Session

from models.base import current_user_id
from models.bulk import insert_rows
from models.core import AuditLog

# FAB's own bookkeeping (permissions, views) is not audited; accounts are, without login counters.
AUDITED_SECURITY_TABLES = {"ab_user"}
NOISE = {
    "last_login",
    "login_count",
    "fail_login_count",
    "failed_login_since",
    "changed_on",
    "created_on",
    "lock_version",
    "session_generation",
}
SECRET = {"password", "password_hash"}
HIDDEN = "（已隐藏）"
_UNKNOWN = object()


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    return value


def _shown(key: str, value: Any) -> Any:
    return HIDDEN if key in SECRET and value else _plain(value)


def _stored_values(session: Session, obj: Any, keys: list[str]) -> dict[str, Any]:
    """The committed values of ``keys`` read from the database (the object never loaded them)."""
    mapper = inspect(obj).mapper
    identity = inspect(obj).identity
    if not identity or not keys:
        return {}
    columns = [mapper.column_attrs[key].columns[0] for key in keys]
    where = and_(*(column == value for column, value in zip(mapper.primary_key, identity, strict=True)))
    row = session.connection().execute(select(*columns).where(where)).first()
    return dict(zip(keys, row, strict=True)) if row else {}


def _update_changes(session: Session, obj: Any) -> dict[str, Any]:
    """Changed columns and many-to-many collections, each with its old and new value."""
    state = inspect(obj)
    found: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []
    omitted = getattr(obj, "__audit_omit__", frozenset())
    for attribute in state.mapper.column_attrs:
        if attribute.key in NOISE or attribute.key in omitted:
            continue
        history = state.attrs[attribute.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else _UNKNOWN
        if old is _UNKNOWN:
            unknown.append(attribute.key)
        found[attribute.key] = {"from": old, "to": history.added[0] if history.added else None}
    for key, value in _stored_values(session, obj, unknown).items():
        found[key]["from"] = value
    for relation in state.mapper.relationships:
        if relation.secondary is None:
            continue
        history = state.attrs[relation.key].history
        if history.added or history.deleted:
            kept = [str(v) for v in history.unchanged or ()]
            found[relation.key] = {
                "from": sorted(kept + [str(v) for v in history.deleted]),
                "to": sorted(kept + [str(v) for v in history.added]),
            }
    result = {}
    for key, change in found.items():
        old = None if change["from"] is _UNKNOWN else change["from"]
        if old != change["to"]:
            result[key] = {"from": _shown(key, old), "to": _shown(key, change["to"])}
    return result


def _values(obj: Any, side: str) -> dict[str, Any]:
    """Every non-empty column of ``obj`` as one side (``from`` or ``to``) of a change.

    A deleted row is read before the flush (expired columns load then); a new row after it, from
    the values it was given, so no column is reloaded inside the flush."""
    state = inspect(obj)
    found = {}
    omitted = getattr(obj, "__audit_omit__", frozenset())  # bulky columns the row itself keeps
    for attribute in state.mapper.column_attrs:
        if attribute.key in omitted:
            continue
        value = getattr(obj, attribute.key) if side == "from" else state.dict.get(attribute.key)
        if attribute.key not in NOISE and value is not None:
            found[attribute.key] = {side: _shown(attribute.key, value)}
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
    """Audit rows for changes written in bulk (no flush events): (action, record id, detail), the
    detail as the flush writes it: ``{column: {"from": old, "to": new}}``."""
    if changes:
        now = datetime.datetime.now()
        insert_rows(
            session,
            AuditLog.__table__,
            [
                {
                    "user_id": current_user_id(),
                    "action": action,
                    "table_name": table_name,
                    "record_id": str(record_id),
                    "detail": None
                    if detail is None
                    else {key: {side: _shown(key, value) for side, value in change.items()} for key, change in detail.items()},
                    "created_on": now,
                }
                for action, record_id, detail in changes
            ],
        )


def install(session_class: type[Session]) -> None:
    """Record changes made through sessions of ``session_class`` (idempotent)."""
    if event.contains(session_class, "before_flush", _collect):
        return
    event.listen(session_class, "before_flush", _collect)
    event.listen(session_class, "after_flush", _write)


def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    """Before the flush: what each changed or deleted row was (afterwards it is gone)."""
    pending = session.info.setdefault("audit_pending", [])
    pending += [("insert", obj, None) for obj in session.new if _audited(obj)]
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj):
            changes = _update_changes(session, obj)
            if changes:
                pending.append(("update", obj, changes))
    pending += [("delete", obj, _values(obj, "from")) for obj in session.deleted if _audited(obj)]


def _write(session: Session, flush_context: Any) -> None:
    pending = session.info.pop("audit_pending", [])
    rows = []
    for action, obj, detail in pending:
        if action == "insert":
            detail = _values(obj, "to")
        rows.append(_row(action, obj, detail))
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)
