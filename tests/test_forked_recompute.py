"""A full recompute planned in forked processes (RECOMPUTE_PROCESSES) stores exactly what one process
stores, reports its progress, leaves nothing running, and writes nothing when a child fails. The
demo data's 30 enterprises are made to fork here by lowering the threshold and the pass size."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, null, select, update
from sqlalchemy.orm import Session

from grading import forked, recompute, store
from models import AuditLog, Enterprise, FinalGradeRecord, assessment_table, db


@pytest.fixture
def planners(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Fork from one enterprise, passes of 4; each pass's planning process is written to a file."""
    monkeypatch.setattr(store, "FORK_FROM", 1)
    monkeypatch.setattr(store, "PASS_SIZE", 4)
    seen = tmp_path / "planners"
    planned = store._planned

    def noted(*args, **kwargs):
        with seen.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return planned(*args, **kwargs)

    monkeypatch.setattr(store, "_planned", noted)
    return seen


def _recompute(app, processes: int, progress=None) -> list[str]:
    with app.app_context():
        return recompute(db.session, app.extensions["criteria_pack"], app.extensions["kind_models"], "2026", progress, processes=processes)


def _stored(app) -> tuple[dict, int]:
    with app.app_context():
        rows = {
            (r.grade_code, r.enterprise_id, r.project_id): (r.grade_name, r.score, r.band, r.label, r.forced, r.reasons, r.district_id)
            for r in db.session.query(FinalGradeRecord)
        }
        logged = db.session.query(AuditLog).filter_by(table_name="final_grade").count()
    return rows, logged


def _emptied(app) -> None:
    with app.app_context():
        db.session.execute(delete(FinalGradeRecord.__table__))
        db.session.commit()


def _pids(seen: Path) -> set[int]:
    return {int(line) for line in seen.read_text().split()} if seen.exists() else set()


def test_forked_passes_store_what_one_process_stores(app, planners):
    _emptied(app)
    logged_before = _stored(app)[1]
    alone = _recompute(app, 1)
    rows_alone, logged_alone = _stored(app)
    assert _pids(planners) == {os.getpid()}

    planners.unlink()
    _emptied(app)
    seen: list[tuple[int, int]] = []
    together = _recompute(app, 2, lambda done, total: seen.append((done, total)))
    rows, logged = _stored(app)
    assert os.getpid() not in _pids(planners) and len(_pids(planners)) == 2  # every pass planned in the two children
    assert sorted(together) == sorted(alone) and together  # the same change lines
    assert rows == rows_alone
    assert logged - logged_alone == logged_alone - logged_before == len(rows)  # each new row has its audit entry
    total = seen[-1][1]
    assert seen[-1] == (total, total) and [done for done, _ in seen] == sorted(done for done, _ in seen) and len(seen) >= 3
    assert multiprocessing.active_children() == []

    assert _recompute(app, 2) == []  # warm: nothing changes
    assert _stored(app) == (rows, logged)


def _results_forgotten(app) -> None:
    with app.app_context():
        table = assessment_table
        kept = {"changed_on": table.c.changed_on, "lock_version": table.c.lock_version}
        db.session.execute(update(table).where(table.c.period == "2026").values(result=null(), **kept))
        db.session.execute(delete(FinalGradeRecord.__table__))
        db.session.commit()


def _without_result(app) -> set[int]:
    with app.app_context():
        table = assessment_table
        return set(db.session.scalars(select(table.c.id).where(table.c.period == "2026", table.c.result.is_(None))))


def test_records_without_a_stored_result_are_planned_again_in_this_process(app, planners):
    """A child writes nothing: records approved before results were stored (an upgraded database) make
    the recompute plan again in the calling process, which scores and stores them on the way."""
    _results_forgotten(app)
    _recompute(app, 1)
    expected, left_alone = _stored(app)[0], _without_result(app)
    _results_forgotten(app)
    assert _without_result(app) > left_alone  # records whose result the recompute stores
    planners.unlink()
    _recompute(app, 2)
    assert os.getpid() in _pids(planners)
    assert _stored(app)[0] == expected
    assert _without_result(app) == left_alone  # the same results stored as by one process
    assert multiprocessing.active_children() == []


def test_a_child_that_fails_stops_the_recompute_and_nothing_is_written(app, planners, monkeypatch):
    _emptied(app)
    _recompute(app, 1)
    before = _stored(app)
    parent = os.getpid()
    planned = store._planned

    def failing(*args, **kwargs):
        if os.getpid() != parent:
            raise ValueError("评分数据无法读取")
        return planned(*args, **kwargs)

    monkeypatch.setattr(store, "_planned", failing)
    with app.app_context():
        db.session.execute(delete(FinalGradeRecord.__table__).where(FinalGradeRecord.grade_code == "enterprise"))
        db.session.commit()
    with pytest.raises(ValueError, match="评分数据无法读取"):
        _recompute(app, 2)
    with app.app_context():
        db.session.rollback()
        left = db.session.query(FinalGradeRecord).filter_by(grade_code="enterprise").count()
    assert left == 0  # the deleted grades were not written back
    assert multiprocessing.active_children() == []
    assert before[0]  # the recompute had grades to write


def test_an_in_memory_database_is_never_forked():
    """Another process cannot open SQLite's in-memory database: its recompute stays in one process."""
    with Session(create_engine("sqlite://")) as session:
        assert forked.can_fork(session) is False


def test_what_passes_wrote_before_a_later_pass_found_records_without_a_result_is_undone(app, planners, monkeypatch):
    """On PostgreSQL each pass is written as soon as it is planned. When a later pass finds records
    without a stored result, what the earlier passes wrote (grades and audit rows) is undone before
    the plan is made again in this process: every grade is written once, with one audit row."""
    _emptied(app)
    logged_before = _stored(app)[1]
    _recompute(app, 1)
    expected, logged_alone = _stored(app)
    _emptied(app)
    parent, planned = os.getpid(), store._planned
    written: list[int] = []
    write = store._write

    def unsettled_after_the_first(session, pack, models, period, ids, version_id, span=None, graded_one=None):
        if os.getpid() != parent and span is not None and span.low > first:
            raise store.Unsettled()
        return planned(session, pack, models, period, ids, version_id, span, graded_one)

    def noted(session, found):
        written.append(os.getpid())
        return write(session, found)

    with app.app_context():
        enterprises = db.session.scalars(select(Enterprise.id)).all()
        postgresql = db.session.connection().dialect.name == "postgresql"
    first = min(enterprises)
    monkeypatch.setattr(store, "_planned", unsettled_after_the_first)
    monkeypatch.setattr(store, "_write", noted)
    _recompute(app, 2)
    rows, logged = _stored(app)
    assert rows == expected
    assert logged - logged_alone == logged_alone - logged_before == len(rows)  # nothing written twice
    passes = -(-len(enterprises) // store.PASS_SIZE)
    assert len(written) == (passes + 1 if postgresql else passes)  # the first pass was written, then undone
    assert multiprocessing.active_children() == []
