"""Upgrading a database of the previous main to the assessment aggregate keeps everything users stored.

The database under tests/reference/previous_main/ was made by the release before the aggregate
(make.py there says how): demo data, records approved through the 办理 page, printed forms with their
verification codes, a project outside its contractor's district, and a deleted draft whose files the
next record of another enterprise inherited. On SQLite the test upgrades that file; on PostgreSQL the
previous release's schema (this tree's migrations up to 0010) holding the same rows.
"""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from models import Attachment, FormVerification, ReviewHistory, db
from models.criteria_versions import kind_for, pack_for
from services.render_form import render_record
from tests.conftest import Backend, dispose, make_app, sync
from tests.reference.previous_main.make import BASE_URL
from tests.support import login, visible_text

REFERENCE = Path(__file__).parent / "reference" / "previous_main"
EXPECTED = json.loads((REFERENCE / "expected.json").read_text(encoding="utf-8"))
HEADER_SKIP = {
    "id",
    "enterprise_id",
    "project_id",
    "period",
    "state",
    "criteria_pack",
    "criteria_version",
    "criteria_version_id",
    "total",
    "grade",
    "result",
    "rating",
    "rectification_opened",
    "rectification_due",
    "dossier",
    "lock_version",
    "created_on",
    "changed_on",
    "created_by_fk",
    "changed_by_fk",
    "kind",
    "items",
}


def previous_main(backend: Backend, tmp_path: Path) -> str:
    """A database as the previous main left it, on the test's backend."""
    if backend.name == "sqlite":
        target = tmp_path / "previous.db"
        shutil.copyfile(REFERENCE / "platform.db", target)
        return f"sqlite:///{target}"
    url = backend.create_empty("previous_main")
    app = make_app(url)
    with app.app_context():
        upgrade(revision="0010_unique_keys")  # the previous release's schema, from the same migrations
    dispose(app)
    source = create_engine(f"sqlite:///{REFERENCE / 'platform.db'}", poolclass=NullPool)
    target = create_engine(url, poolclass=NullPool)
    rows = MetaData()
    rows.reflect(source)
    schema = MetaData()
    schema.reflect(target)
    with source.connect() as reading, target.begin() as writing:
        writing.execute(text("SET session_replication_role = replica"))  # rows arrive in any order
        for table in schema.sorted_tables:
            if table.name == "alembic_version":
                continue
            values = [dict(row) for row in reading.execute(select(rows.tables[table.name])).mappings()]
            if values:
                writing.execute(table.insert(), values)
            if "id" in table.c:
                writing.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), GREATEST((SELECT MAX(id) FROM {table.name}), 1))")
                )
        for table_name in inspect(source).get_table_names():  # the kinds' unique keys of that release
            present = {i["name"] for i in inspect(writing).get_indexes(table_name)}
            for index in inspect(source).get_indexes(table_name):
                if index["name"] not in present and index["unique"]:
                    columns = ", ".join(index["column_names"])
                    writing.execute(text(f"CREATE UNIQUE INDEX {index['name']} ON {table_name} ({columns})"))
    source.dispose()
    target.dispose()
    return url


def _plain(value: Any) -> Any:
    return None if value is None else str(value)


def test_the_upgrade_keeps_every_record_file_history_row_and_code(backend, tmp_path):
    url = previous_main(backend, tmp_path)
    evidence = tmp_path / "evidence"
    shutil.copytree(REFERENCE / "evidence", evidence)
    app = make_app(url, EVIDENCE_DIR=str(evidence))
    try:
        with app.app_context():
            upgrade()
        sync(app)
        layout = app.extensions["assessment_layout"]
        leak = EXPECTED["leak"]
        moved: dict[tuple[str, int], int] = {}
        with app.app_context():
            for old in EXPECTED["records"]:
                model = layout.kinds[old["kind"]].assessment
                [record] = db.session.query(model).filter(
                    model.created_on == datetime.datetime.fromisoformat(old["created_on"]), model.enterprise_id == old["enterprise_id"]
                )
                moved[(old["kind"], old["id"])] = record.id
                for key in ("period", "state", "total", "grade", "rating", "criteria_version_id", "criteria_version", "project_id"):
                    assert _plain(getattr(record, key)) == _plain(old[key]), (old["kind"], old["id"], key)
                for key, value in old.items():
                    if key not in HEADER_SKIP:
                        assert _plain(getattr(record, key)) == _plain(value), (old["kind"], old["id"], key)
                items = {row.item_code: row for row in record.items}
                assert set(items) == {row["item_code"] for row in old["items"]}
                for row in old["items"]:
                    for key, value in row.items():
                        assert _plain(getattr(items[row["item_code"]], key)) == _plain(value), (
                            old["kind"],
                            old["id"],
                            row["item_code"],
                            key,
                        )
                for row in items.values():  # the review columns of later revisions start from what was stored
                    assert not row.changed_since_review
                    reviewed = None if row.assessed_score is None else ("accept" if row.assessed_score == row.self_score else "override")
                    assert row.score_decision == reviewed, (old["kind"], old["id"], row.item_code)
                district = record.project.district_id if record.project_id else record.enterprise.district_id
                assert record.district_id == district
            assert len(moved) == len(set(moved.values())) == db.session.query(layout.base).count()

            owner = next(r["enterprise_id"] for r in EXPECTED["records"] if r["kind"] == "general" and r["id"] == leak["taken_by"])
            kept = {
                row["id"]: row
                for row in EXPECTED["attachments"]
                if not (row["record_kind"] == "general" and row["record_id"] == leak["deleted_draft"] and row["enterprise_id"] != owner)
            }
            stored = {row.id: row for row in db.session.query(Attachment)}
            assert set(stored) == set(kept)  # the deleted draft's two files no longer hang on anyone
            for pk, old in kept.items():
                row = stored[pk]
                assert (row.file_name, row.content_hash, row.item_code) == (old["file_name"], old["content_hash"], old["item_code"])
                assert row.assessment_id == moved[(old["record_kind"], old["record_id"])]
                assert (evidence / row.content_hash[:2] / f"{row.content_hash}.pdf").exists()

            history = {row.id: row for row in db.session.query(ReviewHistory)}
            assert set(history) == {row["id"] for row in EXPECTED["history"]}
            for old in EXPECTED["history"]:
                row = history[old["id"]]
                assert row.assessment_id == moved[(old["record_kind"], old["record_id"])]
                assert (row.action, row.from_state, row.to_state, row.opinion, row.user_id, row.item_code) == (
                    old["action"],
                    old["from_state"],
                    old["to_state"],
                    old["opinion"],
                    old["user_id"],
                    old["item_code"],
                )
                assert (row.self_score, row.assessed_score, row.score_decision) == (None, None, None)  # not kept before

            codes = {row.code: row.assessment_id for row in db.session.query(FormVerification)}
            assert codes == {code: moved[(where["kind"], where["record_id"])] for code, where in EXPECTED["codes"].items()}
            # The forms printed before the upgrade print again with what they stated: the same code,
            # enterprise, total and grade (their layout is the current release's, so not their bytes).
            printed = {(where["kind"], where["record_id"]): code for code, where in EXPECTED["codes"].items()}
            for name in EXPECTED["forms"]:
                kind, old_id = name.split(":")
                old = next(r for r in EXPECTED["records"] if (r["kind"], r["id"]) == (kind, int(old_id)))
                record = db.session.get(layout.base, moved[(kind, int(old_id))])
                pdf = render_record(db.session, pack_for(record), kind_for(record), record, False, BASE_URL)
                text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
                for stated in (printed[(kind, int(old_id))], str(record.enterprise), old["total"], old["grade"]):
                    assert stated in text, f"the printed form of {name} no longer states {stated}"

        client = app.test_client()
        for code in EXPECTED["codes"]:
            answer = client.get(f"/verify/{code}")
            assert answer.status_code == 200 and f"验证码 {code} 对应的考核表真实有效" in visible_text(answer.get_data(as_text=True))
        login(client, "enterprise_01")
        taken = moved[("general", leak["taken_by"])]
        page = visible_text(client.get(f"/assessment/general/{taken}").get_data(as_text=True))
        assert "一号企业材料.pdf" in page and "二号企业材料" not in page
        client.get("/logout/")
    finally:
        dispose(app)
        backend.drop(url)
