"""`flask --app app criteria check [PACK_DIR]` prints problems in Chinese and exits non-zero, or one
summary line; `check` and `score` need neither the platform nor a database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from criteria import load_pack
from criteria.loader import DEFAULT_PACK
from settings import ROOT, default_pack


@pytest.fixture
def runner(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}", "TESTING": True})
    return app.test_cli_runner()


@pytest.fixture
def broken(tmp_path):
    pack = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, pack)
    text = (pack / "general.yaml").read_text(encoding="utf-8")
    (pack / "general.yaml").write_text(text.replace("    max: 20\n", "    max: 0\n", 1), encoding="utf-8")
    return pack


def flask_command(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`flask --app app ...` in a fresh process, as an operator types it."""
    environment = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/folder/none.db", **env}
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_valid_pack_prints_one_summary_line(runner):
    result = runner.invoke(args=["criteria", "check"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    kinds = len(load_pack(default_pack()).kinds)
    assert len(lines) == 1 and lines[0].startswith("校验通过：考核标准 qingdao（") and f"{kinds} 个考核类别" in lines[0]


def test_broken_pack_lists_problems_and_fails(runner, broken):
    result = runner.invoke(args=["criteria", "check", str(broken)])
    assert result.exit_code == 1
    assert "general.yaml 第 52 行 考核项目“三类人员安全生产考核”的满分（items[3].max）：应大于 0" in result.output
    assert f"考核标准有 1 处问题，未载入：{broken}" in result.output


def test_check_runs_without_the_platform_and_without_a_database(broken):
    """The configured pack is the broken one and the database does not exist: check still answers."""
    done = flask_command("criteria", "check", CRITERIA_PACK=str(broken))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "（items[3].max）：应大于 0" in done.stderr
    fine = flask_command("criteria", "check", str(DEFAULT_PACK), CRITERIA_PACK=str(broken))
    assert fine.returncode == 0 and fine.stdout.startswith("校验通过"), fine.stderr
    quick = subprocess.run(
        [sys.executable, "-m", "cli.criteria", "check", str(broken)], cwd=ROOT, capture_output=True, text=True, env=os.environ
    )
    assert quick.returncode == 1 and "（items[3].max）：应大于 0" in quick.stderr


def test_score_reads_json_and_prints_total_grade_and_item_points(runner):
    payload = (
        '{"items": {"safety_management": 85, "civilized_construction": 88, "scaffolding": [82, 78], '
        '"foundation_pit": 90, "formwork_support": 75, "work_at_height": 80, "temporary_electricity": 86, '
        '"hoist_and_elevator": [84], "tower_crane_and_lifting": [90, 70], "construction_machinery": 92}}'
    )
    result = runner.invoke(args=["criteria", "score", "project"], input=payload)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == 83.8 and body["grade"] == "优良"
    points = {item["code"]: item["points"] for item in body["items"]}
    assert points["safety_management"] == 8.5 and points["civilized_construction"] == 13.2


def test_score_refuses_bad_input_naming_the_item(runner):
    result = runner.invoke(args=["criteria", "score", "director"], input='{"items": {"rules_and_plans": 16}}')
    assert result.exit_code == 2
    assert "组织拟订安全生产规章制度、操作规程和应急救援预案（rules_and_plans）：得分应在 0 到 15 之间，收到 16" in result.output
    assert runner.invoke(args=["criteria", "score", "director"], input="{not json").exit_code == 2


def e9_payload(**extra) -> str:
    from tests.test_final_grades import DIRECTOR, E2
    from tests.test_scoring_examples import E1, E7_PERCENT, general_points

    payload = {
        "results": {"general": {"items": general_points(E7_PERCENT)}, "director": {"items": DIRECTOR}, "licence": {"rating": "pass"}},
        "projects": [{"key": "p1", "assessments": [{"items": E1}]}, {"key": "p2", "assessments": [{"items": E2}]}],
        "daily": [
            {"entry": "award_national", "project": "p1"},
            {"entry": "award_provincial", "project": "p2"},
            {"entry": "site_criticism", "project": "p1"},
        ],
        **extra,
    }
    return json.dumps(payload, ensure_ascii=False)


def test_grades_prints_every_final_grade_of_e9_with_its_reasons(runner):
    result = runner.invoke(args=["criteria", "grades"], input=e9_payload())
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    grades = shown["grades"]
    assert (grades["director"]["score"], grades["director"]["label"]) == (90.70, "合格")
    assert (grades["licence"]["score"], grades["licence"]["label"]) == (86.00, "合格")
    assert (grades["enterprise"]["score"], grades["enterprise"]["label"]) == (90.40, "A")
    assert "日常考核 +4" in grades["enterprise"]["reasons"]
    assert {key: grade["label"] for key, grade in shown["projects"].items()} == {"p1": "优良", "p2": "合格"}


def test_grades_reads_the_licence_rating_and_names_a_wrong_one(runner):
    payload = json.loads(e9_payload())
    payload["results"]["licence"] = {"rating": "excellent"}
    result = runner.invoke(args=["criteria", "grades"], input=json.dumps(payload))
    assert result.exit_code != 0
    assert "results.licence.rating：建筑施工企业安全生产许可证动态考核由审核人评定，应为 pass（合格）" in result.output
    assert '收到 "excellent"' in result.output
    del payload["results"]["licence"]
    unrated = json.loads(runner.invoke(args=["criteria", "grades"], input=json.dumps(payload)).output)["grades"]
    assert unrated["licence"]["label"] is None and "按得分建议评定：合格" in unrated["licence"]["reasons"]


def test_grades_applies_adjustments_in_the_rules_order(runner):
    suspended = [{"grade": "licence", "direction": "direct_fail", "reason": "licence_suspended"}]
    shown = json.loads(runner.invoke(args=["criteria", "grades"], input=e9_payload(adjustments=suspended)).output)
    assert shown["grades"]["licence"]["label"] == "不合格" and shown["grades"]["enterprise"]["label"] == "D"


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ({"daily": [{"entry": "no_such_entry"}]}, "daily[0].entry：未知的日常考核条目“no_such_entry”"),
        ({"adjustments": [{"grade": "project", "direction": "direct_fail", "reason": "stop_work_twice"}]}, "adjustments[0].project"),
        ({"projects": [{"key": "p1", "assessments": [{"items": {"safety_management": 101}}]}]}, "projects[0].assessments[0]："),
        ({"result": {}}, "输入 有未知字段：result"),
    ],
)
def test_grades_refuses_bad_input_naming_the_part(runner, extra, said):
    result = runner.invoke(args=["criteria", "grades"], input=e9_payload(**extra))
    assert result.exit_code == 2 and said in result.output
