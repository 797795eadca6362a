"""`criteria plan` / `criteria apply` (and the editor's 结构变更 page): what a revision needs from the
database, applied in one transaction; dropping data only when forced, and only after a backup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from models import db
from models.schema_sync import apply, plan
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


def columns(app, table: str = "assessment_general") -> set[str]:
    with app.app_context():
        return {c["name"] for c in inspect(db.engine).get_columns(table)}


def filled_summaries(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM assessment_general WHERE self_assessment_summary IS NOT NULL")).scalar()


@pytest.fixture
def revised(pack_copy):
    """general.yaml without 自评情况说明 (the demo data fills it) and with two new header fields."""
    path = pack_copy / "general.yaml"
    content = path.read_text(encoding="utf-8")
    assert SUMMARY in content
    path.write_text(content.replace(SUMMARY, NEW_FIELDS), encoding="utf-8")
    return pack_copy


@pytest.fixture
def added(pack_copy):
    """general.yaml with two new header fields, nothing removed."""
    path = pack_copy / "general.yaml"
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace(SUMMARY, SUMMARY + NEW_FIELDS), encoding="utf-8")
    return pack_copy


def test_new_header_fields_are_planned_and_applied(added, app_for_pack):
    app = app_for_pack
    runner = app.test_cli_runner()
    planned = runner.invoke(args=["criteria", "plan"])
    assert planned.exit_code == 0
    assert "数据表 assessment_general 新增字段 safety_officer（VARCHAR(40)）" in planned.output
    assert "数据表 assessment_general 新增字段 officer_phone" in planned.output and "破坏性" not in planned.output
    applied = runner.invoke(args=["criteria", "apply"])
    assert applied.exit_code == 0, applied.output
    assert {"safety_officer", "officer_phone"} <= columns(app)
    assert "数据库结构与考核标准一致" in runner.invoke(args=["criteria", "plan"]).output


def test_dropping_a_field_that_holds_data_needs_force_and_a_backup(revised, app_for_pack, tmp_path):
    app = app_for_pack
    runner = app.test_cli_runner()
    held = filled_summaries(app)
    assert held > 0
    planned = runner.invoke(args=["criteria", "plan"])
    assert f"【破坏性】删除字段 assessment_general.self_assessment_summary，有 {held} 条记录填写了该字段" in planned.output
    assert "第 1 版考核标准仍有该字段" in planned.output and "--drop-stored-version-fields" in planned.output
    refused = runner.invoke(args=["criteria", "apply"])
    assert refused.exit_code == 1 and "拒绝执行" in refused.output and "--force" in refused.output
    assert "self_assessment_summary" in columns(app) and "safety_officer" not in columns(app)  # nothing, not even the additions
    # the demo records of version 1 still show and print the field: --force alone does not drop it
    kept = runner.invoke(args=["criteria", "apply", "--force", "--backup-dir", str(tmp_path / "backups")])
    assert kept.exit_code == 1 and "会删除仍在使用的考核数据" in kept.output and "--drop-stored-version-fields" in kept.output
    assert "self_assessment_summary" in columns(app) and not (tmp_path / "backups").exists()

    forced = runner.invoke(args=["criteria", "apply", "--force", "--drop-stored-version-fields", "--backup-dir", str(tmp_path / "backups")])
    assert forced.exit_code == 0, forced.output
    [folder] = list((tmp_path / "backups").iterdir())
    assert (folder / "manifest.json").exists() and (folder / "criteria" / "qingdao" / "general.yaml").exists()
    assert (folder / ("platform.sqlite3" if db_backend(app) == "sqlite" else "platform.dump")).stat().st_size > 0
    assert "self_assessment_summary" not in columns(app) and {"safety_officer", "officer_phone"} <= columns(app)

    # after the restart, assessments of the version that had the field still open and print
    with app.app_context():
        model = app.extensions["kind_models"]["general"].assessment
        old = db.session.scalar(select(model.id).where(model.state == "approved").order_by(model.id).limit(1))
    restarted = subprocess.run(
        [sys.executable, "-c", RESTARTED, app.config["SQLALCHEMY_DATABASE_URI"], app.config["CRITERIA_PACK"], str(old)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert restarted.stdout.split() == ["200", "True", "200"]


# A new process on the revised pack (this test process also holds the tables of earlier packs).
RESTARTED = """
import sys
from tests.conftest import make_app
from tests.support import login, visible_text
app = make_app(sys.argv[1], CRITERIA_PACK=sys.argv[2], FAB_UPDATE_PERMS=False)
client = app.test_client()
login(client, "city_station")
page = client.get(f"/assessment/general/{sys.argv[3]}")
print(page.status_code, "自评情况说明" in visible_text(page.get_data(as_text=True)),
      client.get(f"/report/general/{sys.argv[3]}.pdf").status_code)
"""


def db_backend(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def test_a_failed_backup_refuses_the_forced_change(revised, app_for_pack, tmp_path):
    app = app_for_pack
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("x")
    result = app.test_cli_runner().invoke(
        args=["criteria", "apply", "--force", "--drop-stored-version-fields", "--backup-dir", str(blocker / "backups")]
    )
    assert result.exit_code == 1 and "创建备份目录" in result.output
    assert "self_assessment_summary" in columns(app) and "safety_officer" not in columns(app)


def test_the_changes_run_in_one_transaction(added, app_for_pack):
    """A failure after the first step leaves the database as it was (SQLite too: its DDL is transactional
    on the connection schema_sync opens)."""
    app = app_for_pack

    def fail_after_first(connection, steps):
        from models.schema_sync import _run

        assert len(steps) == 2
        _run(connection, steps[:1])
        raise RuntimeError("模拟第二步失败")

    with app.app_context():
        with pytest.raises(RuntimeError, match="模拟第二步失败"):
            apply(db.engine, app.extensions["criteria_pack"], runner=fail_after_first)
        with db.engine.connect() as connection:
            assert len(plan(connection, app.extensions["criteria_pack"]).steps) == 2
    assert not {"safety_officer", "officer_phone"} & columns(app)


def test_the_editor_applies_additions_and_leaves_destructive_steps_to_the_command_line(revised, app_for_pack, tmp_path):
    app = app_for_pack
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    client = app.test_client()
    login(client, "admin")
    html = client.get("/criteria-admin/schema/").get_data(as_text=True)
    page = visible_text(html)
    assert "数据表 assessment_general 新增字段 safety_officer" in page and "破坏性" in page
    assert "在线编辑器不执行这些变更" in page and "flask --app app criteria apply --force" in page
    assert "--drop-stored-version-fields" in page and "执行结构变更</button>" not in html
    token = csrf_token(client, "/resetmypassword/form")  # the page offers no form

    def post(**data):
        answer = client.post("/criteria-admin/schema/apply", data={"csrf_token": token, **data}, follow_redirects=True)
        return visible_text(answer.get_data(as_text=True))

    assert "请勾选确认后再执行" in post()
    for data in ({"confirm": "y"}, {"confirm": "y", "force": "y"}):  # a forged force field changes nothing
        refused = post(**data)
        assert "在线编辑器不执行，未做任何修改" in refused and "criteria apply --force" in refused
        assert "self_assessment_summary" in columns(app) and "safety_officer" not in columns(app)
    assert not (tmp_path / "backups").exists()


def test_the_editor_applies_steps_that_keep_every_value(added, app_for_pack):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    assert "在线编辑器不执行" not in visible_text(client.get("/criteria-admin/schema/").get_data(as_text=True))
    token = csrf_token(client, "/criteria-admin/schema/")
    answer = client.post("/criteria-admin/schema/apply", data={"csrf_token": token, "confirm": "y"}, follow_redirects=True)
    done = visible_text(answer.get_data(as_text=True))
    assert "已完成 2 项结构变更" in done and "重启平台后" in done
    assert {"safety_officer", "officer_phone"} <= columns(app)
    assert "数据库结构与考核标准一致" in visible_text(client.get("/criteria-admin/schema/").get_data(as_text=True))
