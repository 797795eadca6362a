"""A full recompute grades enterprises in worker processes above a size; the grades are the same."""

from __future__ import annotations

from sqlalchemy import delete, select

from cli import demo_data
from grading import recompute, store
from models import FinalGradeRecord, db

COMPARED = ("grade_code", "enterprise_id", "project_id", "score", "band", "label", "forced", "reasons")


def _grades(app) -> list[tuple]:
    columns = [getattr(FinalGradeRecord, name) for name in COMPARED]
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(*columns).order_by(*columns[:3]))]


def _recompute_from_nothing(app) -> list[str]:
    with app.app_context():
        db.session.execute(delete(FinalGradeRecord))
        db.session.commit()
        return recompute(db.session, app.extensions["criteria_pack"], app.extensions["kind_models"], demo_data.PERIOD)


def test_parallel_recompute_stores_the_same_grades(app, monkeypatch):
    _recompute_from_nothing(app)
    in_one_process = _grades(app)
    assert in_one_process, "the demo data should have graded enterprises"

    monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    monkeypatch.setattr(store.os, "cpu_count", lambda: 2)
    changes = _recompute_from_nothing(app)
    assert _grades(app) == in_one_process
    assert len(changes) == len([row for row in in_one_process if row[COMPARED.index("label")]])
