"""`flask --app app criteria check [PACK_DIR]` prints problems and exits non-zero, or one summary line."""

from __future__ import annotations

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
    assert len(lines) == 1 and lines[0].startswith("OK: pack qingdao 2026.1: 4 kinds")


def test_broken_pack_lists_problems_and_fails(runner, tmp_path):
    pack = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, pack)
    text = (pack / "general.yaml").read_text(encoding="utf-8")
    (pack / "general.yaml").write_text(text.replace("    max: 20\n", "    max: 0\n", 1), encoding="utf-8")
    result = runner.invoke(args=["criteria", "check", str(pack)])
    assert result.exit_code == 1
    assert "general.yaml: items[3].max: must be greater than 0" in result.output
    assert "1 problem(s) found; the pack was not loaded." in result.output
