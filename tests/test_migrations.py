"""Alembic migrations build the whole schema from empty, on SQLite and PostgreSQL, and undo it."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from models import db
from models.schema_sync import pending
from tests.conftest import dispose, make_app, sync


def test_upgrade_from_empty_then_sync_matches_the_models(backend, capfd):
    """Alembic owns the core tables; `platform sync` adds the pack's header tables; nothing is left to
    do afterwards. The aggregate's revision cannot be undone (the backup is the way back)."""
    url = backend.create_empty("migrations")
    app = make_app(url)
    try:
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"enterprise", "project", "assessment", "assessment_item", "attachment", "ab_user"} <= tables
            assert {t for t in tables if t.startswith("assessment_")} == {"assessment_item"}  # no pack is read
        sync(app)
        with app.app_context():
            tables = set(inspect(db.engine).get_table_names())
            assert {f"assessment_{code}" for code in app.extensions["criteria_pack"].kinds} <= tables
            with db.engine.connect() as connection:
                assert pending(connection, list(app.extensions["guide"].kinds.values())) == []
            with pytest.raises(SystemExit):
                downgrade(revision="0010_unique_keys")
            assert "不能撤销" in capfd.readouterr().err
            assert "assessment" in set(inspect(db.engine).get_table_names())
    finally:
        dispose(app)
        backend.drop(url)


def test_unique_keys_upgrade_names_the_duplicates_it_finds_and_changes_nothing(backend, capfd):
    from models import District, Enterprise, Person

    url = backend.create_empty("keys")
    app = make_app(url)
    try:
        with app.app_context():
            upgrade(revision="0009_criteria_versions")
            district = District(code="laoshan", name="崂山区")
            company = Enterprise(name="重复人员企业", credit_code="91370212MA3KEY0001", district=district)
            db.session.add_all(
                [
                    district,
                    company,
                    *(Person(enterprise=company, name=f"重复{n}", list_code="principal", id_number="370212198001010011") for n in range(2)),
                ]
            )
            db.session.commit()
            with pytest.raises(SystemExit):  # flask db upgrade prints the message and exits 1
                upgrade()
            message = capfd.readouterr().err
            assert "以下记录重复，升级未做任何修改" in message and "person：" in message and "有 2 条" in message
            db.session.rollback()
            names = {i["name"] for i in inspect(db.engine).get_indexes("person")}
            assert "uq_person_list_id_number" not in names
            db.session.delete(db.session.query(Person).filter_by(name="重复1").one())
            db.session.commit()
            upgrade()
            assert "uq_person_list_id_number" in {i["name"] for i in inspect(db.engine).get_indexes("person")}
    finally:
        dispose(app)
        backend.drop(url)
