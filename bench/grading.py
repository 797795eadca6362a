"""Final grades: a full recompute of the period, and one approval with the grades it changes."""

from __future__ import annotations

import statistics
import time

from flask import Flask
from sqlalchemy import delete, null, select, update

from bench.figures import Figure, at_most
from cli import demo_data, demo_records
from grading import recompute, recompute_enterprise
from models import AppUser, FinalGradeRecord, assessment_table, db
from models.record_scores import final_states
from workflow.records import apply_transition, facts_of
from workflow.rules import Actor, check


def _seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def recompute_figures(app: Flask) -> list[Figure]:
    """Warm: grades stored, nothing changes. Cold: the grade table emptied first, every row written.
    Both with the passes in RECOMPUTE_PROCESSES processes, as the platform runs them; warm once more
    in this process alone.
    After an upgrade: no record has a stored result (a database from before revision 0006), so every
    approved record is scored and its result stored on the way."""
    pack, models = app.extensions["criteria_pack"], app.extensions["kind_models"]
    processes = app.config["RECOMPUTE_PROCESSES"]

    def run(processes: int = processes) -> None:
        recompute(db.session, pack, models, demo_data.PERIOD, processes=processes)

    with app.app_context():
        run(1)  # stored results exist for every record
        warm = min(_seconds(run) for _ in range(3))
        in_process = _seconds(lambda: run(1))
        db.session.execute(delete(FinalGradeRecord.__table__))
        db.session.commit()
        cold = _seconds(run)
        rows = db.session.query(FinalGradeRecord.id).count()
        table = assessment_table
        kept = {"changed_on": table.c.changed_on, "lock_version": table.c.lock_version}
        db.session.execute(update(table).where(table.c.period == demo_data.PERIOD).values(result=null(), **kept))
        db.session.commit()
        upgraded = _seconds(run)
        db.session.commit()
    return [
        Figure("recompute_processes", processes, "processes"),
        at_most("recompute_all_warm", warm, "s", 2),
        Figure("recompute_all_warm_in_process", in_process, "s"),
        at_most("recompute_all_cold", cold, "s", 2),
        Figure("recompute_all_grade_rows", rows, "rows"),
        Figure("recompute_after_upgrade", upgraded, "s"),
    ]


def approval_figures(app: Flask, runs: int) -> list[Figure]:
    """Approve a submitted record the way the 办理 page does: check, move, recompute, commit."""
    pack, models = app.extensions["criteria_pack"], app.extensions["kind_models"]
    kind = next(k for k in pack.kinds.values() if k.subject == "enterprise" and k.items)
    model = models[kind.code].assessment
    approved = demo_records.final_state(kind)
    step = next(t for t in kind.workflow.transitions if t.to == approved)
    times = []
    with app.app_context():
        admin = db.session.query(AppUser).filter_by(username="admin").one()
        actor = Actor(user_id=admin.id, roles=frozenset(step.roles), enterprise_id=None)
        ids = db.session.execute(select(model.id).where(model.state.in_(final_states(kind))).order_by(model.id).limit(runs)).scalars().all()
        for record_id in ids:
            db.session.execute(update(assessment_table).where(assessment_table.c.id == record_id).values(state=step.from_states[0]))
            db.session.commit()
            db.session.expunge_all()
            started = time.perf_counter()
            record = db.session.get(model, record_id)
            chosen = check(kind, step.code, actor, facts_of(db.session, kind, record), "同意")
            apply_transition(db.session, pack, kind, record, chosen, actor, "同意")
            recompute_enterprise(db.session, pack, models, record.enterprise, record.period)
            db.session.commit()
            times.append((time.perf_counter() - started) * 1000)
    return [at_most("approval_with_grades", statistics.median(times), "ms", 20)]
