"""``flask --app app backup DIR``: a backup restored into a new app holds the same records and files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from models import Attachment, Enterprise, db
from tests import records
from tests.conftest import dispose, make_app
from tests.support import login
from tests.test_workflow_self_assessment import items, new_draft
from tests.workflow_support import PDF, upload
from tests.workflow_support import text as page_text


def run_backup(app, directory: Path):
    return app.test_cli_runner().invoke(args=["backup", str(directory)])


def restore(backend, folder: Path, suffix: str) -> str:
    """What README's 备份与恢复 says: copy the SQLite file, or pg_restore into a new database."""
    if backend.name == "sqlite":
        url = backend.url(suffix)
        shutil.copyfile(folder / "platform.sqlite3", make_url(url).database)
        return url
    url = backend.create_empty(suffix)
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(folder / "platform.dump")], check=True)
    return url


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        tables = inspect(db.engine).get_table_names()
        return {t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}


def test_a_restored_backup_has_the_same_records_and_evidence(app, client, backend, tmp_path):
    if backend.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump 不在 PATH 上：PostgreSQL 备份需要它（没有时的提示另有测试）")
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    draft = new_draft(app, client, own)
    assert "已上传" in page_text(upload(client, "general", draft, items(app)[0].code, name="安全生产责任制.pdf"))
    with app.app_context():
        attachment = db.session.query(Attachment).filter_by(assessment_id=draft).one().id
        approved = db.session.query(records.kind_model(app, "general")).filter_by(state="approved").first()
        approved_id, approved_total, approved_grade = approved.id, approved.total, approved.grade
        company = db.session.get(Enterprise, own)
        old_name = company.name

    stored = sorted((tmp_path / "evidence").rglob("*.pdf"))  # the demo's sample materials and the upload
    result = run_backup(app, tmp_path / "backups")
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output and f"证明材料：{len(stored)} 个文件" in result.output
    [folder] = list((tmp_path / "backups").iterdir())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    size = sum(path.stat().st_size for path in stored)
    assert manifest["evidence"] == {"directory": "evidence", "files": len(stored), "bytes": size, "missing": []}
    assert manifest["criteria"]["pack"] == "qingdao" and (folder / "criteria" / "qingdao" / "pack.yaml").exists()
    assert manifest["counts"] == table_counts(app)

    # changed after the backup: the restored copy must not see it
    with app.app_context():
        db.session.get(Enterprise, own).name = old_name + "（备份后改名）"
        db.session.commit()

    restored_evidence = tmp_path / "restored_evidence"
    shutil.copytree(folder / "evidence", restored_evidence)
    url = restore(backend, folder, f"restored{os.getpid()}")
    restored = make_app(url, EVIDENCE_DIR=str(restored_evidence), FAB_UPDATE_PERMS=False)
    try:
        assert table_counts(restored) == manifest["counts"]
        with restored.app_context():
            assert db.session.get(Enterprise, own).name == old_name
            again = db.session.get(records.kind_model(restored, "general"), approved_id)
            assert (again.state, again.total, again.grade) == ("approved", approved_total, approved_grade)
        browser = restored.test_client()
        login(browser, "enterprise_01")  # the accounts and their passwords came back too
        assert "安全生产责任制.pdf" in page_text(browser.get(f"/assessment/general/{draft}"))
        served = browser.get(f"/assessment/file/{attachment}")
        assert served.status_code == 200 and served.data == PDF
    finally:
        dispose(restored)
        backend.drop(url)


def test_without_pg_dump_the_command_says_how_to_run_it(app, backend, tmp_path, monkeypatch):
    if backend.name != "postgresql":
        pytest.skip("只有 PostgreSQL 需要 pg_dump；SQLite 用 Python 自带的在线备份接口")
    monkeypatch.setattr("services.backup.shutil.which", lambda name: None)
    result = run_backup(app, tmp_path / "backups")
    assert result.exit_code == 1
    assert "数据库未备份（找不到 pg_dump）" in result.output
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert "pg_dump --format=custom" in result.output and f"--dbname={database}" in result.output
    [folder] = list((tmp_path / "backups").iterdir())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["file"] is None and manifest["counts"]["enterprise"] == 30


def test_a_directory_that_cannot_be_created_is_refused_in_chinese(app, tmp_path):
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("x")
    result = run_backup(app, blocker)
    assert result.exit_code == 1
    assert "无法在" in result.output and "创建备份目录" in result.output
