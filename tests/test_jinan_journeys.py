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
