"""Whole databases: create an empty one, copy one, drop one (SQLite files or PostgreSQL databases).

Tests copy a migrated, seeded template for every test and the benchmark copies its cached city-scale
data set before measuring anything that writes; PostgreSQL copies use ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def with_name(url: str, name: str) -> str:
    """``url`` with another database: a file beside it for SQLite, a database on the same server else."""
    parsed = make_url(url)
    if is_sqlite(url):
        return parsed.set(database=str(Path(parsed.database).with_name(f"{name}.db"))).render_as_string(False)
    return parsed.set(database=name).render_as_string(hide_password=False)


def _server(url: str, *statements: str) -> None:
    admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def exists(url: str) -> bool:
    if is_sqlite(url):
        return Path(make_url(url).database).exists()
    admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    engine = create_engine(admin)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": make_url(url).database}).first()
    engine.dispose()
    return found is not None


def create_empty(url: str) -> str:
    drop(url)
    if is_sqlite(url):
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    else:
        _server(url, f'CREATE DATABASE "{make_url(url).database}"')
    return url


def copy(source: str, target: str) -> str:
    if is_sqlite(source):
        shutil.copyfile(make_url(source).database, make_url(target).database)
    else:
        name = make_url(target).database
        _server(
            target, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE "{make_url(source).database}"'
        )
    return target


def drop(url: str) -> None:
    if is_sqlite(url):
        Path(make_url(url).database).unlink(missing_ok=True)
    else:
        _server(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
