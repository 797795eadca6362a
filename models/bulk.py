"""Rows written in bulk: PostgreSQL's COPY, an executemany elsewhere.

A cold recompute writes a grade row and an audit row for every grade of the province (half a
million rows at ten times Qingdao's size). As INSERT statements PostgreSQL spent most of that time
parsing and planning them; COPY streams the rows into the table.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    # JSON as the text SQLAlchemy would write; every other value as psycopg adapts it
    encode = [isinstance(table.c[name].type, JSON) for name in columns]
    with connection.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                values = [row[name] for name in columns]
                copy.write_row([json.dumps(v) if e and v is not None else v for e, v in zip(encode, values, strict=True)])
