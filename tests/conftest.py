"""Test databases: one migrated and seeded template per backend, copied fresh for every test.

SQLite always runs. PostgreSQL runs too when TEST_DATABASE_URL names a database on a server
(for example postgresql+psycopg://postgres@127.0.0.1:5432/platform_test); the suite creates
``<name>_tpl`` and one database per test from it, and drops them afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from models import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_counter = itertools.count()


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def _pg_execute(url: str, *statements: str) -> None:
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


class Backend:
    """Makes empty databases, the seeded template, and per-test copies of it."""

    def __init__(self, name: str, workdir: Path):
        self.name = name
        self.workdir = workdir
        if name == "postgresql":
            self.base = make_url(os.environ["TEST_DATABASE_URL"])

    def url(self, suffix: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / (suffix + '.db')}"
        return self.base.set(database=f"{self.base.database}_{suffix}").render_as_string(hide_password=False)

    def create_empty(self, suffix: str) -> str:
        url = self.url(suffix)
        if self.name == "postgresql":
            name = make_url(url).database
            _pg_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        return url

    def copy(self, template: str, suffix: str) -> str:
        url = self.url(suffix)
        if self.name == "sqlite":
            shutil.copyfile(make_url(template).database, make_url(url).database)
        else:
            name, source = make_url(url).database, make_url(template).database
            _pg_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                        f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return url

    def drop(self, url: str) -> None:
        if self.name == "sqlite":
            Path(make_url(url).database).unlink(missing_ok=True)
        else:
            _pg_execute(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def make_app(url: str, **overrides: object) -> Flask:
    # Tests log in through the form without the image captcha; tests/test_login_security.py turns it
    # on (app.config["LOGIN_CAPTCHA"] = True) and solves it.
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "LOGIN_CAPTCHA": False, **overrides})


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    return Backend(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="session")
def template_url(backend: Backend) -> Iterator[str]:
    """Migrated from empty with Alembic, then seeded with the demo command."""
    url = backend.create_empty("tpl")
    app = make_app(url)
    with app.app_context():
        upgrade()
    dispose(app)
    app = make_app(url)  # a new app syncs permissions and roles into the migrated schema
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    dispose(app)
    yield url
    backend.drop(url)


@pytest.fixture
def app(backend: Backend, template_url: str) -> Iterator[Flask]:
    url = backend.copy(template_url, f"t{os.getpid()}_{next(_counter)}")
    # The template's permissions were synced when it was seeded; the same pack needs no resync.
    application = make_app(url, FAB_UPDATE_PERMS=False)
    yield application
    dispose(application)
    backend.drop(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """An editable copy of the Qingdao pack (its folder name stays the pack code)."""
    from criteria.loader import DEFAULT_PACK

    target = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, target)
    return target


@pytest.fixture
def app_for_pack(backend: Backend, template_url: str, pack_copy: Path) -> Iterator[Flask]:
    """An app running the edited ``pack_copy`` on a fresh copy of the seeded database.

    Edit ``pack_copy`` before asking for this fixture (list it after the fixture that edits)."""
    url = backend.copy(template_url, f"pack{os.getpid()}_{next(_counter)}")
    application = make_app(url, CRITERIA_PACK=str(pack_copy))
    yield application
    dispose(application)
    backend.drop(url)
