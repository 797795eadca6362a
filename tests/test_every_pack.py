"""The platform runs on every criteria pack under criteria/ (each folder holding a pack.yaml: Qingdao,
Jinan, ...), selected by ``CRITERIA_PACK``: the pack checks, the database migrates from empty and
needs nothing more, demo data seeds, and every kind's screens, forms, the login page with its
registration link, an enterprise's licence list and the criteria editor are served.

The database migrates from empty (core tables) and ``platform sync`` creates the pack's own tables
(a header table per kind); after both, ``criteria plan`` finds nothing to do."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from flask_migrate import upgrade

from criteria import load_pack
from criteria.loader import CRITERIA_ROOT
from models import CriteriaVersion, db
from settings import ROOT
from tests.conftest import dispose, make_app
from tests.support import login, visible_text

PACKS = sorted(path.parent for path in CRITERIA_ROOT.glob("*/pack.yaml"))


def test_there_is_more_than_one_pack():
    assert {folder.name for folder in PACKS} >= {"qingdao", "jinan"}


def _cli(url: str, folder, *args: str) -> subprocess.CompletedProcess:
    """``flask --app app ...`` in a fresh process, as an admin runs it (nothing else is loaded)."""
    env = {**os.environ, "DATABASE_URL": url, "CRITERIA_PACK": str(folder), "FLASK_APP": "app"}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("folder", PACKS, ids=lambda folder: folder.name)
def test_the_platform_starts_on_every_pack(backend, folder):
    pack = load_pack(folder)
    url = backend.create_empty(f"every_{folder.name}")
    try:
        app = make_app(url, CRITERIA_PACK=str(folder))
        with app.app_context():
            upgrade()
        dispose(app)
        synced = _cli(url, folder, "platform", "sync")
        assert synced.returncode == 0, synced.stdout + synced.stderr
        first = next(iter(pack.kinds.values()))
        assert f"新增考核类别“{first.short_name}”（{len(first.header_fields)} 个表头字段；数据表 assessment_{first.code}）" in synced.stdout
        checked = _cli(url, folder, "criteria", "check")
        assert checked.returncode == 0 and checked.stdout.startswith(f"校验通过：考核标准 {pack.code}（"), checked.stderr
        planned = _cli(url, folder, "criteria", "plan")
        assert "数据库结构与考核标准一致，无需变更。" in planned.stdout, planned.stdout + planned.stderr

        app = make_app(url, CRITERIA_PACK=str(folder))
        try:
            seeded = app.test_cli_runner().invoke(args=["demo"])
            assert seeded.exit_code == 0, seeded.output
            assert app.extensions["criteria_pack"].code == pack.code
            with app.app_context():
                version = db.session.query(CriteriaVersion).filter_by(pack_code=pack.code).one()
                assert version.content_hash == pack.content_hash
                records = {
                    code: db.session.query(models.assessment.id).order_by(models.assessment.id).first()
                    for code, models in app.extensions["kind_models"].items()
                }
            client = app.test_client()
            page = visible_text(client.get("/login/").get_data(as_text=True))
            assert "用户名" in page and "企业注册" in page

            login(client, "admin")
            home = client.get("/").get_data(as_text=True)
            assert pack.name in home
            for code, kind in pack.kinds.items():
                assert kind.name in home
                listed = client.get(f"/{re.sub('_', '', code)}assessmentview/list/")
                assert listed.status_code == 200, f"{code} list: {listed.status_code}"
                assert records[code] is not None, f"the demo seeded no {code} assessment"
                pk = records[code][0]
                assert client.get(f"/assessment/{code}/{pk}").status_code == 200
                form = client.get(f"/report/{code}/{pk}.pdf")
                assert form.status_code == 200 and form.data.startswith(b"%PDF")
            editor = client.get("/criteria-admin/")
            assert editor.status_code == 200 and pack.name in editor.get_data(as_text=True)
            client.get("/logout/")

            login(client, "enterprise_01")
            licence = pack.kinds["licence"]
            listed = client.get("/licenceassessmentview/list/")
            assert listed.status_code == 200
            text = visible_text(listed.get_data(as_text=True))
            assert f"{licence.short_name}列表" in text and licence.state_labels["draft"] in text
            assert pack.districts[0].name in visible_text(client.get("/districtview/list/").get_data(as_text=True))
        finally:
            dispose(app)
    finally:
        backend.drop(url)
