"""Unique keys over several columns that a person can run into, each with the refusal it reads.

The database holds the key (a unique index), so two writes at once cannot both get through; the
index also carries the field its refusal belongs to and the message. ``clash`` finds the record an
item would duplicate: before writing, and again after the database refused a write that raced
another one, so every door (screens, REST API, the 办理 page) says the same thing either way.
A key with a NULL part never clashes (SQLite and PostgreSQL let NULLs repeat in a unique index).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Index, Table, inspect, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Key:
    """One refusing unique key and the values an item gives it: the table that holds it, the column
    values, the field its refusal belongs to, the message, and (for a partial key) the rows it covers."""

    table: Table
    values: dict[str, Any]
    field: str
    message: str
    where: Any = None


def unique_key(name: str, *columns: str, field: str, message: str) -> Index:
    """A unique index whose refusal names ``field``; ``message`` may use the key's column names and
    ``{id}``, the record already holding the key."""
    return Index(name, *columns, unique=True, info={"field": field, "message": message})


def _value(item: Any, column: str) -> Any:
    """The item's value of ``column``; a foreign key not flushed yet comes from its related record
    (set on a new item, or changed on an edit: the column still holds the old value then)."""
    for relation in inspect(type(item)).relationships:
        pairs = relation.local_remote_pairs or []
        if len(pairs) == 1 and pairs[0][0].key == column and relation.direction.name == "MANYTOONE" and not relation.viewonly:
            related = item.__dict__.get(relation.key)  # only a relation set or loaded, never a lazy load here
            if related is not None:
                return getattr(related, pairs[0][1].key, None)
    return getattr(item, column, None)


def keys_for(table: Table, value: Callable[[str], Any]) -> list[Key]:
    """The values (``value(column)``) of every refusing unique key of ``table``; keys with a NULL
    part are left out."""
    found = []
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        if not index.unique or "message" not in index.info:
            continue
        values = {column.key: value(column.key) for column in index.columns}
        if all(v is not None for v in values.values()):
            found.append(Key(table, values, index.info["field"], index.info["message"]))
    return found


def keys_of(item: Any) -> list[Key]:
    """The item's values of every refusing unique key of its tables (a joined class has two), and of
    the partial keys its class declares (``partial_keys``: one kind's rows of a shared table)."""
    mapper = inspect(type(item))
    found = [key for table in mapper.tables for key in keys_for(table, lambda column: _value(item, column))]
    for partial in getattr(type(item), "partial_keys", ()):
        table = mapper.tables[0]
        values = {column: _value(item, column) for column in partial.columns}
        if all(v is not None for v in values.values()):
            found.append(Key(table, values, partial.field, partial.message, table.c.kind == partial.kind_code))
    return found


def clash(session: Session, keys: list[Key], own_id: Any) -> tuple[str, str] | None:
    """(field, message) of the first key another record already holds, else None."""
    found = holder(session, keys, own_id)
    return refusal(*found) if found else None


def refusal(key: Key, other: Any) -> tuple[str, str]:
    """The field and message of ``key``, held by the record ``other``."""
    return key.field, key.message.format(id=other, **key.values)


def holder(session: Session, keys: list[Key], own_id: Any) -> tuple[Key, Any] | None:
    """The first key another record already holds, and that record's id, else None."""
    for key in keys:
        table = key.table
        query = select(table.c.id).where(*(table.c[name] == value for name, value in key.values.items()))
        if key.where is not None:
            query = query.where(key.where)
        if own_id is not None:
            query = query.where(table.c.id != own_id)
        with session.no_autoflush:
            other = session.execute(query.limit(1)).scalar()
        if other is not None:
            return key, other
    return None
