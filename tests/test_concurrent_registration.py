"""Two decisions on one self-registration at the same moment, each through its own database
connection: the first decides, the second is told in Chinese that the application was decided
meanwhile, and what is stored is exactly the first decision (no enterprise or login after a
rejection, the rejection's reason not written over an approval).

Runs on both backends. Both requests load the pending application and pass every check before
either writes (held at their first write statement); then they race for real.
"""

from __future__ import annotations

import pytest

from models import AppUser, Enterprise, EnterpriseRegistration, db
from tests.concurrency import race
from tests.support import csrf_token, login, visible_text

APPROVER = "district_authority_shinan"
DECIDED = "该注册申请已由他人审核"


def pending_demo_application(app) -> EnterpriseRegistration:
    with app.app_context():
        found = db.session.query(EnterpriseRegistration).filter_by(username="apply_demo", state="pending").one()
        assert found.district.code == "shinan"
        db.session.expunge(found)
        return found


DECISIONS = {"approve": {"is_local": "1"}, "reject": {"reason": "营业执照已注销"}}
SAID = {"approve": "已通过“", "reject": "已退回“"}


@pytest.mark.parametrize("pair", [("approve", "reject"), ("approve", "approve"), ("reject", "approve")])
def test_two_decisions_at_once_the_second_is_refused_and_changes_nothing(app, backend, pair):
    found = pending_demo_application(app)
    names = ("first", "second")
    clients = {name: app.test_client() for name in names}
    tokens = {}
    for name, client in clients.items():
        login(client, APPROVER)
        assert client.get(f"/registration/{found.id}").status_code == 200  # both pages offer the decision
        tokens[name] = csrf_token(client, "/resetmypassword/form")
    enterprises, users = (db_count(app, Enterprise), db_count(app, AppUser))
    actions = dict(zip(names, pair, strict=True))
    answers: dict[str, str] = {}

    def decide(name: str) -> None:
        answer = clients[name].post(
            f"/registration/{found.id}/{actions[name]}",
            data={"csrf_token": tokens[name], "confirm": "1", **DECISIONS[actions[name]]},
            follow_redirects=True,
        )
        answers[name] = visible_text(answer.get_data(as_text=True))

    held = race(app, {name: (lambda name=name: decide(name)) for name in names})
    assert held == set(names)  # both had passed their checks before either wrote
    done = [name for name in names if SAID[actions[name]] + found.enterprise_name in answers[name]]
    refused = [name for name in names if DECIDED in answers[name] and "本次操作未生效" in answers[name]]
    assert len(done) == 1 and len(refused) == 1, answers
    winner = actions[done[0]]

    with app.app_context():
        stored = db.session.get(EnterpriseRegistration, found.id)
        created = db.session.query(Enterprise).filter_by(credit_code=found.credit_code).all()
        if winner == "approve":
            assert stored.state == "approved" and stored.reason is None
            assert len(created) == 1 and stored.enterprise_id == created[0].id
            assert db.session.query(AppUser).filter_by(username="apply_demo").count() == 1
            assert (db_count(app, Enterprise), db_count(app, AppUser)) == (enterprises + 1, users + 1)
        else:
            assert stored.state == "rejected" and stored.reason == "营业执照已注销"
            assert created == [] and stored.enterprise_id is None
            assert (db_count(app, Enterprise), db_count(app, AppUser)) == (enterprises, users)


def db_count(app, model: type) -> int:
    with app.app_context():
        return db.session.query(model).count()
