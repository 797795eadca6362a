"""The REST journeys on the second pack (Jinan's 安许证动态考核 and its general conditions), so what
the workflow API promises holds for every pack, not only the one the suite's template is built on:
item review with a × approved with the authority's score; 驳回, a changed accepted item reviewed
again; the licence rated 基本合格, rectified and rated 合格."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from criteria.loader import CRITERIA_ROOT
from tests.conftest import dispose, make_app, prepare
from tests.test_dossier_api import licence_journey
from tests.test_workflow_api import _item_scored, crossed_score_journey, rejected_item_journey

JINAN = CRITERIA_ROOT / "jinan"


@pytest.fixture(scope="module")
def jinan(backend, tmp_path_factory) -> Iterator[Flask]:
    url = backend.create_empty("jinan_journeys")
    evidence: Path = tmp_path_factory.mktemp("jinan_evidence")
    prepare(url, CRITERIA_PACK=str(JINAN), EVIDENCE_DIR=str(evidence))
    app = make_app(url, CRITERIA_PACK=str(JINAN), EVIDENCE_DIR=str(evidence))
    seeded = app.test_cli_runner().invoke(args=["demo"])
    assert seeded.exit_code == 0, seeded.output
    yield app
    dispose(app)
    backend.drop(url)


def test_item_review_journeys_on_the_jinan_pack(jinan):
    kinds = _item_scored(jinan)
    assert kinds, "the Jinan pack has a kind reviewed item by item"
    for kind in kinds:
        crossed_score_journey(jinan, kind)
        rejected_item_journey(jinan, kind)


def test_the_licence_journey_on_the_jinan_pack(jinan):
    licence_journey(jinan)


def test_the_jinan_checklist_is_the_seeds_19_materials_with_the_previous_year_filled_in(jinan, backend):
    """RULES.md §9: the seed's 19 materials, written for 2021; a 2026 record asks for 2025's."""
    from models import AssessmentRecord, db
    from tests.support import login, visible_text
    from tests.workflow_support import page_url

    pack = jinan.extensions["criteria_pack"]
    listed = [m for m in pack.kinds["licence"].materials if not m.rectification]
    assert len(listed) == 19 and listed[0].name == "企业安全管理机构设置、人员任命、组成人员、安全总监等文件原件"
    with jinan.app_context():
        record = db.session.query(AssessmentRecord).filter_by(kind="licence", period="2026").first()
        pk = record.id
    client = jinan.test_client()
    login(client, "admin")
    page = visible_text(client.get(page_url("licence", pk)).get_data(as_text=True))
    assert "2025年度应急救援演练记录" in page and "{上年度}" not in page
    assert "企业在山东省建筑市场监管与诚信一体化平台202512月报表或2025年度财务审计报告原件" in page


def test_jinan_screens_speak_the_packs_own_words(jinan):
    """pack.yaml ``terms``: Jinan's districts are 区县, its non-local enterprises 外地进济企业; no Qingdao
    word (区（市）, 外地进青企业) appears on its screens."""
    from tests.support import login, visible_text

    client = jinan.test_client()
    login(client, "admin")
    for url in ("/", "/enterpriseview/add", "/projectview/list/", "/grades/dashboard?grade=licence&period=2026"):
        answer = client.get(url)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200, url
        assert "区（市）" not in page and "进青" not in page, url
    assert "各区县考核进度" in visible_text(client.get("/").get_data(as_text=True))
    assert "外地进济企业不勾选" in client.get("/enterpriseview/add").get_data(as_text=True)


def test_the_editor_shows_the_kind_jinan_extends(jinan):
    """The stored version holds Qingdao's general.yaml under its reference; the file list shows it
    and the editor opens both files."""
    from tests.support import login, visible_text

    client = jinan.test_client()
    login(client, "admin")
    listing = client.get("/criteria-admin/files/")
    assert listing.status_code == 200 and "qingdao/general.yaml" in visible_text(listing.get_data(as_text=True))
    for name in ("general.yaml", "qingdao/general.yaml"):
        page = client.get(f"/criteria-admin/files/edit/?path={name}")
        assert page.status_code == 200, name
    assert "extends: qingdao/general.yaml" in client.get("/criteria-admin/files/edit/?path=general.yaml").get_data(as_text=True)
