"""A serving process puts what it built at start out of the garbage collector's reach on its first
request: a full collection would otherwise walk the app, the guide's packs and the mapped classes
(some 300,000 objects, about 0.2 s) inside whichever request set it off (BENCHMARKS.md, the pages
timed while a province's list is exported)."""

from __future__ import annotations

import gc

from app import create_app
from tests.conftest import dispose


def test_a_serving_process_freezes_what_it_built_on_its_first_request(app):
    app.test_client().get("/login/")
    assert gc.get_freeze_count() == 0  # a test app leaves the collector alone
    served = create_app({"SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WORKER_HEARTBEAT": 0})
    try:
        assert gc.get_freeze_count() == 0  # building it (a CLI command does) does not
        assert served.test_client().get("/login/").status_code == 200
        assert gc.get_freeze_count() > 100_000
    finally:
        dispose(served)  # the frozen objects are thawed after each test (conftest)
