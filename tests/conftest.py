"""Test databases: one migrated and seeded template per backend, copied fresh for every test.

SQLite always runs. PostgreSQL runs too when TEST_DATABASE_URL names a database on a server
(for example postgresql+psycopg://postgres@127.0.0.1:5432/platform_test); the suite creates
``<name>_tpl`` and one database per test from it, and drops them afterwards.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import itertools
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from models import databases, db
from services.form_signing import write_development_certificate

# Under pytest-xdist every worker builds its own template; PostgreSQL names carry the worker id.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_counter = itertools.count()


class Backend:
    """Makes empty databases, the seeded template, and per-test copies of it."""

    def __init__(self, name: str, workdir: Path):
        self.name = name
        self.base = f"sqlite:///{workdir / 'base.db'}" if name == "sqlite" else os.environ["TEST_DATABASE_URL"]

    def url(self, suffix: str) -> str:
        if self.name == "sqlite":  # tmp_path_factory gives each xdist worker its own folder
            return databases.with_name(self.base, suffix)
        return databases.with_name(self.base, f"{make_url(self.base).database}_{WORKER}{suffix}")

    def create_empty(self, suffix: str) -> str:
        return databases.create_empty(self.url(suffix))

    def copy(self, template: str, suffix: str) -> str:
        return databases.copy(template, self.url(suffix))

    def drop(self, url: str) -> None:
        databases.drop(url)


# A random signing key for the run (the suite never reads the developer's instance/secret_key).
SESSION_KEY = secrets.token_urlsafe(48)
# A self-signed form-signing certificate for the run (never the developer's instance/form-signing.p12).
SIGNING_DIR = Path(tempfile.mkdtemp(prefix="form-signing-"))
SIGNING_P12 = SIGNING_DIR / "form-signing.p12"
write_development_certificate(SIGNING_P12, "测试环境")
atexit.register(shutil.rmtree, SIGNING_DIR, True)
# Each database gets its own job queue and job files (never the developer's var/).
JOBS_DIR = Path(tempfile.mkdtemp(prefix="platform-jobs-"))
atexit.register(shutil.rmtree, JOBS_DIR, True)


def jobs_of(url: str) -> dict[str, str]:
    name = hashlib.sha256(url.encode()).hexdigest()[:16]
    return {"JOB_QUEUE_FILE": str(JOBS_DIR / f"{name}.sqlite3"), "JOB_FILES_DIR": str(JOBS_DIR / name)}


def make_app(url: str, **overrides: object) -> Flask:
    try:
        return _make_app(url, **overrides)
    except SystemError as error:
        # CPython 3.11's compiler is not safe while another thread of the process compiles too
        # (werkzeug compiles each URL rule; a thread left by an earlier test may be formatting a
        # traceback or compiling a template): "AST constructor recursion depth mismatch". The build
        # itself is fine; building again, once, is.
        if "AST constructor recursion depth mismatch" not in str(error):
            raise
        return _make_app(url, **overrides)


def _make_app(url: str, **overrides: object) -> Flask:
    # Tests log in through the form without the image captcha and without rate limits;
    # tests/test_login_security.py and tests/test_security.py turn them on and meet them.
    # Passwords are hashed with a cheap PBKDF2 here: the production scrypt costs ~0.2 s per login,
    # and the suite logs in hundreds of times (the check reads the method from the stored hash).
    return create_app(
        {
            "SECRET_KEY": SESSION_KEY,
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "LOGIN_CAPTCHA": False,
            "RATELIMIT_ENABLED": False,  # the suite logs in hundreds of times from one address
            "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "FORM_SIGNING_P12": str(SIGNING_P12),
            **jobs_of(url),
            **overrides,
        }
    )


def prepare(url: str, **overrides: object) -> None:
    """What start.sh does before the demo data: `flask db upgrade`, then `flask platform sync`."""
    app = make_app(url, **overrides)
    with app.app_context():
        upgrade()
    sync(app)
    dispose(app)


def sync(app: Flask) -> None:
    """`flask platform sync` on a running app (after its pack was edited, as an administrator would)."""
    result = app.test_cli_runner().invoke(args=["platform", "sync"])
    assert result.exit_code == 0, result.output


def dispose(app: Flask) -> None:
    followed = getattr(app.wsgi_app, "app", app)  # the app a structural revision made it build
    for each in {app, followed}:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def import_pack(url: str, folder: Path, **overrides: object) -> None:
    """`flask criteria import FOLDER`: the folder's state becomes the newest version in the database,
    as an administrator revises the guide (nothing happens when it holds that state already)."""
    app = make_app(url, **overrides)
    result = app.test_cli_runner().invoke(args=["criteria", "import", str(folder), "--note", "测试用修订"])
    assert result.exit_code == 0, result.output
    dispose(app)


@pytest.fixture(autouse=True)
def _collector_thawed() -> Iterator[None]:
    """An app built as a serving process (not a test app) freezes the objects of the process on its
    first request (``reloading``); the tests' process thaws them after each test."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    return Backend(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="session")
def template_evidence(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The evidence folder of the seeded template database; each test works on its own copy."""
    return tmp_path_factory.mktemp(f"evidence_{backend.name}")


def evidence_copy(template: Path, tmp_path: Path) -> str:
    """A test's own evidence folder: removing a file in one test never touches another test's."""
    target = tmp_path / "evidence"
    shutil.copytree(template, target)
    return str(target)


@pytest.fixture(scope="session")
def template_url(backend: Backend, template_evidence: Path) -> Iterator[str]:
    """Migrated from empty with Alembic, synced (`platform sync`), then seeded with the demo command."""
    url = backend.create_empty("tpl")
    prepare(url, EVIDENCE_DIR=str(template_evidence))
    app = make_app(url, EVIDENCE_DIR=str(template_evidence))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    dispose(app)
    yield url
    backend.drop(url)


@pytest.fixture
def app(backend: Backend, template_url: str, template_evidence: Path, tmp_path: Path) -> Iterator[Flask]:
    url = backend.copy(template_url, f"t{os.getpid()}_{next(_counter)}")
    # The template's permissions were synced when it was seeded; the same pack needs no resync.
    application = make_app(url, FAB_UPDATE_PERMS=False, EVIDENCE_DIR=evidence_copy(template_evidence, tmp_path))
    yield application
    dispose(application)
    backend.drop(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """An editable copy of the pack the suite runs (CRITERIA_PACK, Qingdao by default; its folder name
    stays the pack code)."""
    from settings import default_pack

    source = Path(default_pack())
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


@pytest.fixture
def app_for_pack(backend: Backend, template_url: str, template_evidence: Path, tmp_path: Path, pack_copy: Path) -> Iterator[Flask]:
    """An app running the edited ``pack_copy`` on a fresh copy of the seeded database (the folder is
    imported as the newest criteria version first, as an administrator revises the guide).

    Edit ``pack_copy`` before asking for this fixture (list it after the fixture that edits)."""
    url = backend.copy(template_url, f"pack{os.getpid()}_{next(_counter)}")
    import_pack(url, pack_copy, CRITERIA_PACK=str(pack_copy), EVIDENCE_DIR=str(tmp_path))
    application = make_app(url, CRITERIA_PACK=str(pack_copy), EVIDENCE_DIR=evidence_copy(template_evidence, tmp_path))
    yield application
    dispose(application)
    backend.drop(url)
