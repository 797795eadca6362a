"""The database handle and the columns every record carries."""

from __future__ import annotations

import datetime

from flask import g, has_request_context
from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declared_attr

db = SQLA(model_class=Model)


def current_user_id() -> int | None:
    """The logged-in user's id inside a request, else None (CLI, seeding)."""
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return None


def _now() -> datetime.datetime:
    return datetime.datetime.now()


class Stamped:
    """When and by whom a record was created and last changed."""

    created_on = Column(DateTime, default=_now, nullable=False)
    changed_on = Column(DateTime, default=_now, onupdate=_now, nullable=False)

    @declared_attr
    def created_by_fk(cls):  # no annotation: SQLAlchemy would read it as a mapping
        return Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), default=current_user_id)

    @declared_attr
    def changed_by_fk(cls):
        return Column(
            Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), default=current_user_id, onupdate=current_user_id
        )
