"""The platform runs on every criteria pack under criteria/ (Qingdao, Jinan, ...): the pack checks,
the database migrates from empty and needs nothing more, demo data seeds, the login page and an
enterprise's licence assessment list are served."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from flask_migrate import upgrade

from criteria import load_pack
from criteria.loader import CRITERIA_ROOT
from settings import ROOT
from tests.conftest import dispose, make_app
from tests.support import login, visible_text

PACKS = sorted(path.parent for path in CRITERIA_ROOT.glob("*/pack.yaml"))


def test_there_is_more_than_one_pack():
    assert {folder.name for folder in PACKS} >= {"qingdao", "jinan"}


def _cli(url: str, folder, *args: str) -> subprocess.CompletedProcess:
    """``flask --app app ...`` in a fresh process, as an admin runs it (nothing else is loaded)."""
    env = {**os.environ, "DATABASE_URL": url, "CRITERIA_PACK": str(folder), "FLASK_APP": "app"}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("folder", PACKS, ids=lambda folder: folder.name)
def test_the_platform_starts_on_every_pack(backend, folder):
    pack = load_pack(folder)
    url = backend.create_empty(f"every_{folder.name}")
    try:
        app = make_app(url, CRITERIA_PACK=str(folder))
        with app.app_context():
            upgrade()
        dispose(app)
        checked = _cli(url, folder, "criteria", "check")
        assert checked.returncode == 0 and checked.stdout.startswith(f"OK: pack {pack.code}"), checked.stderr
        planned = _cli(url, folder, "criteria", "plan")
        assert "数据库结构与考核标准一致，无需变更。" in planned.stdout, planned.stdout + planned.stderr

        app = make_app(url, CRITERIA_PACK=str(folder))
        seeded = app.test_cli_runner().invoke(args=["demo"])
        assert seeded.exit_code == 0, seeded.output
        client = app.test_client()
        page = visible_text(client.get("/login/").get_data(as_text=True))
        assert "用户名" in page and "企业注册" in page
        login(client, "enterprise_01")
        licence = pack.kinds["licence"]
        listed = client.get("/licenceassessmentview/list/")
        assert listed.status_code == 200
        text = visible_text(listed.get_data(as_text=True))
        assert f"{licence.short_name}列表" in text and licence.state_labels["draft"] in text
        assert pack.districts[0].name in visible_text(client.get("/districtview/list/").get_data(as_text=True))
        dispose(app)
    finally:
        backend.drop(url)
