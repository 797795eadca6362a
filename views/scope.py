"""Data scope, in one place: which records the current user may reach.

Every door (HTML views, REST API, related-field pickers, downloads, reports) reads and writes
through ``scope_clause`` / ``ensure_in_scope``. A model states how its records belong to an
enterprise and a district (see ``models.core``); a role of the pack states which of the two
limits it (``all``, ``district`` or ``enterprise``). Assessment records (and the evidence, history
and verification rows of one kind) are reached only by roles that fill or review that kind, the
same rule that gives those roles the kind's screens: a door without its own permission check (the
办理 page, printed forms, evidence files) cannot show a kind the role's lists do not.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import false, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models.scope import EVERYTHING, UserScope, scope_clause, scope_of


class ScopeViolation(Exception):
    """A write would put a record outside the user's data scope."""


def current_scope() -> UserScope:
    """The scope of the user of this request (nobody outside a request)."""
    if not has_request_context():
        return EVERYTHING  # CLI commands and seeding run as the system
    cached = getattr(g, "_data_scope", None)
    if cached is None:
        cached = scope_of(getattr(g, "user", None), current_app.extensions["criteria_pack"])
        g._data_scope = cached
    return cached


def job_clause() -> ColumnElement | None:
    """The background jobs the user of this request sees: the ones they started (an administrator:
    every job). A job's result holds only records its starter's scope reached."""
    from models import Job

    if current_scope().is_admin:
        return None
    user = getattr(g, "user", None)
    return Job.started_by == getattr(user, "id", None) if user is not None else false()


OUTSIDE = "所选的企业、项目或辖区不在您的数据范围内，未保存任何内容。"


def ensure_in_scope(session: Session, item: Any, scope: UserScope | None = None) -> None:
    """Refuse (and roll back) a write that leaves ``item`` outside the user's scope.

    The record is flushed and read back through the same clause that filters lists, so the
    rule for writing is exactly the rule for reading, including foreign keys in submitted data.
    """
    scope = scope or current_scope()
    model = type(item)
    clause = scope_clause(model, scope)
    if clause is None:
        return
    session.flush()
    primary_key = model.__mapper__.primary_key[0]
    visible = session.execute(
        select(func.count()).select_from(model).where(primary_key == getattr(item, primary_key.key), clause)
    ).scalar_one()
    if not visible:
        session.rollback()
        raise ScopeViolation(OUTSIDE)
