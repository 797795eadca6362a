"""How the doors reach one assessment: the record inside the user's scope (404 otherwise), its kind as
its criteria version defines it, and the ``Work`` the assessment services act on."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import abort, current_app, g

from criteria.pack import Kind
from models import db
from models.criteria_versions import kind_for, pack_for
from services.assessment_work import Work
from views.scope import ensure_in_scope
from views.scoped_data import ScopedInterface
from workflow.records import actor_of


def load_record(kind_code: str, pk: int) -> Any:
    """The record of that kind inside the user's scope (404 otherwise); a record of a kind the running
    pack no longer declares loads with its core row."""
    layout = current_app.extensions["assessment_layout"]
    models = layout.kinds.get(kind_code)
    record = ScopedInterface(models.assessment if models else layout.base).get(pk)
    if record is None or record.kind != kind_code:
        abort(404)
    return record


def load(kind_code: str, pk: int) -> tuple[Kind, Any]:
    """The record inside the user's scope, and its kind as the criteria version it was filed under
    defines it: the page, its scores and its steps follow that version, whatever is active now."""
    record = load_record(kind_code, pk)
    return kind_for(record), record


def in_force(record: Any) -> bool:
    """Whether the record's kind is one the running pack lists (a retired kind's records are only
    read, printed and verified)."""
    return record.kind in current_app.extensions["assessment_layout"].kinds


def work_of(kind: Kind, record: Any) -> Work:
    """The record as the current user acts on it (the roles are those of the running platform)."""
    return Work(
        session=db.session,
        pack=pack_for(record),
        kind=kind,
        record=record,
        actor=actor_of(g.user, current_app.extensions["criteria_pack"]),
        in_force=in_force(record),
        kind_models=current_app.extensions["kind_models"],
        guard=partial(ensure_in_scope, db.session),
    )
