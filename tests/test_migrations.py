"""Alembic migrations build the whole schema from empty, on SQLite and PostgreSQL, and undo it."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from models import db
from models.schema_sync import pending
from tests.conftest import dispose, make_app


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(backend):
    url = backend.create_empty("migrations")
    app = make_app(url)
    try:
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"enterprise", "project", "assessment_general", "assessment_project_item", "ab_user"} <= tables
            with db.engine.connect() as connection:
                assert pending(connection, app.extensions["criteria_pack"]) == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        dispose(app)
        backend.drop(url)
