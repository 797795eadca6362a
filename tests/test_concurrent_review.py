"""Two reviewers save the same assessment at the same moment, each through its own database
connection: one wins, the other is told in Chinese that someone else changed it, and the winner's
decisions are what is stored (the optimistic lock on ``lock_version``).

Runs on both backends. On PostgreSQL the second UPDATE waits for the first transaction's row lock
and then finds the version moved; on SQLite it waits for the database write lock and finds the same.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from models import AppUser, District, Enterprise, ReviewHistory, db
from services.errors import CONFLICT
from tests import records
from tests.concurrency import run_threads
from tests.support import login
from tests.workflow_support import lock_version, post, text

KIND = "general"


def submitted_record(app):
    """A submitted demo record and the reviewer of its district."""
    model = records.kind_model(app, KIND)
    with app.app_context():
        record, district = (
            db.session.query(model, District)
            .join(Enterprise, model.enterprise_id == Enterprise.id)
            .join(District)
            .filter(model.state == "submitted")
            .order_by(model.id)
            .first()
        )
        reviewer = "city_station" if district.city_reviewed else f"district_authority_{district.code}"
        assert db.session.query(AppUser).filter_by(username=reviewer).count() == 1
        return record.id, reviewer, record.lock_version


class BothLoadedFirst:
    """Holds each reviewer's save until both requests have loaded the record and passed every check:
    the commits then race for real, on two connections."""

    def __init__(self, model: type, names: tuple[str, ...]):
        self.model = model
        self.names = names
        self.barrier = threading.Barrier(len(names), timeout=60)  # a safety net against a hang, not a timing check
        self.held: set[str] = set()

    def __call__(self, session: Session, _context: object, _instances: object) -> None:
        thread = threading.current_thread()
        if thread.name in self.names and not getattr(thread, "held", False):
            if any(isinstance(obj, self.model) for obj in session.dirty):
                thread.held = True
                self.held.add(thread.name)
                self.barrier.wait()


def test_two_reviewers_saving_at_once_one_wins_and_the_other_is_told(app, backend):
    pk, reviewer, version = submitted_record(app)
    items = app.extensions["criteria_pack"].kinds[KIND].items
    first = items[0]
    everything_passes = {f"decision_{i.code}": "pass" for i in items}
    first_crossed = {  # × with the reviewer's own score, and 通过
        **everything_passes,
        f"verdict_{first.code}": "override",
        f"assessed_{first.code}": "1",
        f"opinion_{first.code}": "现场资料与自评不符",
    }
    clients = {"reviewer-a": app.test_client(), "reviewer-b": app.test_client()}
    for client in clients.values():
        login(client, reviewer)
    seen = {name: lock_version(client, KIND, pk) for name, client in clients.items()}
    assert seen == {"reviewer-a": str(version), "reviewer-b": str(version)}  # both pages show the same version

    answers: dict[str, str] = {}
    forms = {"reviewer-a": everything_passes, "reviewer-b": first_crossed}

    def save(name: str) -> None:
        answers[name] = text(post(clients[name], KIND, pk, "review", forms[name], version=seen[name]))

    hold = BothLoadedFirst(records.kind_model(app, KIND), tuple(clients))
    run_threads({name: (lambda name=name: save(name)) for name in clients}, Session, "before_flush", hold)

    assert hold.held == set(clients)  # both saves had loaded the record before either was written
    saved = [name for name, answer in answers.items() if f"已保存 {len(items)} 项审核结果" in answer]
    refused = [name for name, answer in answers.items() if CONFLICT in answer]
    assert len(saved) == 1 and len(refused) == 1, answers
    assert "该考核已被他人修改" in CONFLICT
    winner = saved[0]

    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        rows = {row.item_code: row for row in record.items}
        assert record.lock_version == version + 1 and record.state == "submitted"
        if winner == "reviewer-a":
            assert all(row.review_status == "accepted" for row in rows.values())
            assert all(row.opinion in (None, "") for row in rows.values())
        else:
            assert rows[first.code].opinion == "现场资料与自评不符" and float(rows[first.code].assessed_score) == 1
            assert all(rows[i.code].review_status == "accepted" for i in items[1:])
        decisions = (
            db.session.query(ReviewHistory)
            .filter(ReviewHistory.assessment_id == pk, ReviewHistory.action.in_(("item_pass", "item_reject")))
            .all()
        )
        # the loser's history rows were rolled back with its save: one decision per item, the winner's
        assert len(decisions) == len(items)
        assert sum(1 for d in decisions if d.score_decision == "override") == (1 if winner == "reviewer-b" else 0)
