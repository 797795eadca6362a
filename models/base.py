"""The database handle and the columns every record carries."""

from __future__ import annotations

import datetime
from typing import Any

from flask import g, has_request_context
from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
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


def stamp_columns(user: Any = "ab_user.id") -> dict[str, Column]:
    """New column objects for when and by whom a record was created and last changed (``user``: the
    column the user references point at, by name or as the Column itself)."""
    return {
        "created_on": Column(DateTime, default=_now, nullable=False),
        "changed_on": Column(DateTime, default=_now, onupdate=_now, nullable=False),
        "created_by_fk": Column(Integer, ForeignKey(user, ondelete="SET NULL"), default=current_user_id),
        "changed_by_fk": Column(Integer, ForeignKey(user, ondelete="SET NULL"), default=current_user_id, onupdate=current_user_id),
    }


def named(columns: dict[str, Column]) -> list[Column]:
    """Columns given their keys as names (a Table, unlike a declarative class, takes the names from
    the objects)."""
    for name, column in columns.items():
        column.name = column.key = name
    return list(columns.values())


class Stamped:
    """When and by whom a record was created and last changed."""

    # declared_attr without annotations: SQLAlchemy would read an annotation as a mapping
    @declared_attr
    def created_on(cls):
        return stamp_columns()["created_on"]

    @declared_attr
    def changed_on(cls):
        return stamp_columns()["changed_on"]

    @declared_attr
    def created_by_fk(cls):
        return stamp_columns()["created_by_fk"]

    @declared_attr
    def changed_by_fk(cls):
        return stamp_columns()["changed_by_fk"]


class StoredFile:
    """An uploaded PDF kept on disk under its content hash (models.evidence): the name it is shown
    under (its last path part, at most 200 characters), the hash, the size and the media type."""

    file_name = Column(String(200), nullable=False)
    content_hash = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    media_type = Column(String(100), nullable=False)

    def __str__(self) -> str:
        return self.file_name
