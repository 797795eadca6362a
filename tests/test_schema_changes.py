"""`criteria plan` / `criteria apply` (and the editor's 结构变更 page): what the stored versions need
from the database, applied in one transaction; dropping data only when forced, and only after a
backup. A revision never drops what a stored version declares (tests/test_guide_in_database.py):
what is left to drop is a column no version declares."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from criteria import load_snapshot
from models import db
from models.criteria_versions import add_version
from models.schema_sync import apply, plan
from services.guide_revision import needed_kinds
from tests.support import csrf_token, login, visible_text

SUMMARY = """  - code: self_assessment_summary
    label: 自评情况说明
    type: text
    required: false
"""
NEW_FIELDS = """  - code: safety_officer
    label: 安全负责人
    type: string
    max_length: 40
  - code: officer_phone
    label: 安全负责人电话
    type: phone
"""
LEGACY = "legacy_note"  # a column of assessment_general that no stored version declares


def columns(app, table: str = "assessment_general") -> set[str]:
    with app.app_context():
        return {c["name"] for c in inspect(db.engine).get_columns(table)}


def filled_summaries(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM assessment_general WHERE self_assessment_summary IS NOT NULL")).scalar()


@pytest.fixture
def recorded_without_schema(app):
    """A version with two new header fields recorded as an older release did, without its columns."""
    with app.app_context():
        running = app.extensions["criteria_pack"]
        files = {**running.files, "general.yaml": running.files["general.yaml"].replace(SUMMARY, SUMMARY + NEW_FIELDS)}
        add_version(db.session, load_snapshot(files, running.code, running.code, running.path), "cli", "只记录了版本")
        db.session.commit()
    return app


@pytest.fixture
def legacy_column(app):
    """A column no version declares, holding data in three records."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE assessment_general ADD COLUMN {LEGACY} TEXT"))
            ids = connection.execute(text("SELECT id FROM assessment_general ORDER BY id LIMIT 3")).scalars().all()
            for pk in ids:
                connection.execute(text(f"UPDATE assessment_general SET {LEGACY} = '旧数据' WHERE id = :id"), {"id": pk})
    return app


def active_kinds(app) -> list:
    return needed_kinds(app.extensions["criteria_versions"].active(db.session).pack)


def test_new_header_fields_are_planned_and_applied(recorded_without_schema):
    app = recorded_without_schema
    runner = app.test_cli_runner()
    planned = runner.invoke(args=["criteria", "plan"])
    assert planned.exit_code == 0
    # in the guide's terms: the kind, the field's label and its type
    assert "一般条件考核新增表头字段“安全负责人”（文本（最多 40 字）；数据表 assessment_general 字段 safety_officer）" in planned.output
    assert "一般条件考核新增表头字段“安全负责人电话”（电话号码；" in planned.output and "破坏性" not in planned.output
    applied = runner.invoke(args=["criteria", "apply"])
    assert applied.exit_code == 0, applied.output
    assert {"safety_officer", "officer_phone"} <= columns(app)
    assert "数据库结构与考核标准一致" in runner.invoke(args=["criteria", "plan"]).output


def test_dropping_a_column_that_holds_data_needs_force_and_a_backup(legacy_column, tmp_path):
    app = legacy_column
    runner = app.test_cli_runner()
    planned = runner.invoke(args=["criteria", "plan"])
    assert f"【破坏性】删除字段 assessment_general.{LEGACY}，有 3 条记录填写了该字段" in planned.output
    assert "self_assessment_summary" not in planned.output  # a field of a stored version is never dropped
    refused = runner.invoke(args=["criteria", "apply"])
    assert refused.exit_code == 1 and "拒绝执行" in refused.output and "--force" in refused.output
    assert LEGACY in columns(app)
    forced = runner.invoke(args=["criteria", "apply", "--force", "--backup-dir", str(tmp_path / "backups")])
    assert forced.exit_code == 0, forced.output
    [folder] = list((tmp_path / "backups").iterdir())
    assert (folder / "manifest.json").exists()
    assert (folder / ("platform.sqlite3" if db_backend(app) == "sqlite" else "platform.dump")).stat().st_size > 0
    assert LEGACY not in columns(app) and "self_assessment_summary" in columns(app)


def db_backend(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def test_a_failed_backup_refuses_the_forced_change(legacy_column, tmp_path):
    app = legacy_column
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("x")
    result = app.test_cli_runner().invoke(args=["criteria", "apply", "--force", "--backup-dir", str(blocker / "backups")])
    assert result.exit_code == 1 and "创建备份目录" in result.output
    assert LEGACY in columns(app)


def test_the_changes_run_in_one_transaction(recorded_without_schema):
    """A failure after the first step leaves the database as it was (SQLite too: its DDL is transactional
    on the connection schema_sync opens)."""
    app = recorded_without_schema

    def fail_after_first(connection, steps):
        from models.schema_sync import _run

        assert len(steps) == 2
        _run(connection, steps[:1])
        raise RuntimeError("模拟第二步失败")

    with app.app_context():
        with pytest.raises(RuntimeError, match="模拟第二步失败"):
            apply(db.engine, active_kinds(app), runner=fail_after_first)
        with db.engine.connect() as connection:
            assert len(plan(connection, active_kinds(app)).steps) == 2
    assert not {"safety_officer", "officer_phone"} & columns(app)


def test_the_editor_leaves_destructive_steps_to_the_command_line(legacy_column, tmp_path):
    app = legacy_column
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    client = app.test_client()
    login(client, "admin")
    html = client.get("/criteria-admin/schema/").get_data(as_text=True)
    page = visible_text(html)
    assert f"删除字段 assessment_general.{LEGACY}" in page and "破坏性" in page
    assert "在线编辑器不执行这些变更" in page and "flask --app app criteria apply --force" in page
    assert "执行结构变更</button>" not in html
    token = csrf_token(client, "/resetmypassword/form")  # the page offers no form

    def post(**data):
        answer = client.post("/criteria-admin/schema/apply", data={"csrf_token": token, **data}, follow_redirects=True)
        return visible_text(answer.get_data(as_text=True))

    assert "请勾选确认后再执行" in post()
    for data in ({"confirm": "y"}, {"confirm": "y", "force": "y"}):  # a forged force field changes nothing
        refused = post(**data)
        assert "在线编辑器不执行，未做任何修改" in refused and "criteria apply --force" in refused
        assert LEGACY in columns(app)
    assert not (tmp_path / "backups").exists()


def test_the_editor_applies_steps_that_keep_every_value(recorded_without_schema):
    app = recorded_without_schema
    client = app.test_client()
    login(client, "admin")
    assert "在线编辑器不执行" not in visible_text(client.get("/criteria-admin/schema/").get_data(as_text=True))
    token = csrf_token(client, "/criteria-admin/schema/")
    answer = client.post("/criteria-admin/schema/apply", data={"csrf_token": token, "confirm": "y"}, follow_redirects=True)
    done = visible_text(answer.get_data(as_text=True))
    assert "已完成 2 项结构变更" in done and "自动重新载入" in done
    assert {"safety_officer", "officer_phone"} <= columns(app)
    assert "数据库结构与考核标准一致" in visible_text(client.get("/criteria-admin/schema/").get_data(as_text=True))


def test_one_record_per_year_is_refused_while_records_break_it(app):
    """Turning on ``one_per_period`` builds a unique key; where an enterprise already has two records
    of the kind in a year, the change names them and changes nothing."""
    from models.schema_sync import ChangeRefused

    with app.app_context():
        pack = app.extensions["criteria_pack"]
        with db.engine.begin() as connection:
            connection.execute(text("DROP INDEX uq_assessment_general_subject_period"))  # as before the key existed
            columns = [c["name"] for c in inspect(connection).get_columns("assessment") if c["name"] != "id"]
            listed = ", ".join(columns)
            first = connection.execute(text("SELECT min(id) FROM assessment WHERE kind = 'general' AND period = '2026'")).scalar()
            connection.execute(text(f"INSERT INTO assessment ({listed}) SELECT {listed} FROM assessment WHERE id = :id"), {"id": first})
            name = connection.execute(
                text("SELECT e.name FROM enterprise e JOIN assessment a ON a.enterprise_id = e.id WHERE a.id = :id"), {"id": first}
            ).scalar()
        with pytest.raises(ChangeRefused) as refused:
            apply(db.engine, list(pack.kinds.values()))
        assert "改为每个年度只能有一份，但已有同一年度的多份记录，未做任何修改" in str(refused.value)
        assert f"{name} 2026 年度 2 份" in str(refused.value)
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("assessment")}
        assert "uq_assessment_general_subject_period" not in indexes
