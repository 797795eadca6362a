"""The platform starts on every pack under criteria/ (each folder holding a pack.yaml), selected by
``CRITERIA_PACK``: migrate, create the pack's tables, seed, and serve its screens, forms and editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_migrate import upgrade

from criteria import load_pack
from criteria.loader import CRITERIA_ROOT
from models import CriteriaVersion, db
from tests.conftest import dispose, make_app
from tests.support import login

PACKS = sorted(path.parent for path in CRITERIA_ROOT.glob("*/pack.yaml"))


def test_the_packs_are_found():
    assert Path(CRITERIA_ROOT / "qingdao") in PACKS


@pytest.mark.parametrize("pack_dir", PACKS, ids=[p.name for p in PACKS])
def test_the_platform_starts_on_the_pack(backend, pack_dir):
    pack = load_pack(pack_dir)
    url = backend.create_empty(f"pack_{pack.code}")
    try:
        app = make_app(url, CRITERIA_PACK=str(pack_dir))
        with app.app_context():
            upgrade()
        applied = app.test_cli_runner().invoke(args=["criteria", "apply"])  # the pack's own kinds
        assert applied.exit_code == 0, applied.output
        dispose(app)

        app = make_app(url, CRITERIA_PACK=str(pack_dir))  # a restart: screens for every kind of the pack
        try:
            seeded = app.test_cli_runner().invoke(args=["demo"])
            assert seeded.exit_code == 0, seeded.output
            assert app.extensions["criteria_pack"].code == pack.code
            with app.app_context():
                version = db.session.query(CriteriaVersion).filter_by(pack_code=pack.code).one()
                assert version.content_hash == pack.content_hash
                records = {code: db.session.query(models.assessment.id).order_by(models.assessment.id).first()
                           for code, models in app.extensions["kind_models"].items()}
            client = app.test_client()
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
            assert editor.status_code == 200 and pack.code in editor.get_data(as_text=True)
            planned = app.test_cli_runner().invoke(args=["criteria", "plan"])
            assert "数据库结构与考核标准一致" in planned.output
        finally:
            dispose(app)
    finally:
        backend.drop(url)
