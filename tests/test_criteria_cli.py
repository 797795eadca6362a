"""`flask --app app criteria check [PACK_DIR]` prints problems and exits non-zero, or one summary line."""

from __future__ import annotations

import json
import shutil

import pytest

from app import create_app
from criteria.loader import DEFAULT_PACK


@pytest.fixture
def runner(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}", "TESTING": True})
    return app.test_cli_runner()


def test_valid_pack_prints_one_summary_line(runner):
    result = runner.invoke(args=["criteria", "check"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK: pack qingdao 2026.1: 5 kinds")


def test_broken_pack_lists_problems_and_fails(runner, tmp_path):
    pack = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, pack)
    text = (pack / "general.yaml").read_text(encoding="utf-8")
    (pack / "general.yaml").write_text(text.replace("    max: 20\n", "    max: 0\n", 1), encoding="utf-8")
    result = runner.invoke(args=["criteria", "check", str(pack)])
    assert result.exit_code == 1
    assert "general.yaml: items[3].max: must be greater than 0" in result.output
    assert "1 problem(s) found; the pack was not loaded." in result.output


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
