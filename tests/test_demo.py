"""`flask --app app demo` seeds every role's logins and sample data, and a second run adds nothing."""

from __future__ import annotations

from models import AppUser, Enterprise, Project
from tests import records


def test_demo_is_idempotent_and_prints_logins(app):
    model = records.kind_model(app, "general")
    before = [records.count(app, m) for m in (Enterprise, Project, AppUser, model)]
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert [records.count(app, m) for m in (Enterprise, Project, AppUser, model)] == before
    assert "管理员登录：用户名 admin" in result.output
    assert before[0] == 30 and before[1] == 60


def test_demo_enterprises_have_valid_credit_codes_and_both_kinds_of_origin(app):
    from models import db
    from models.credit_code import is_valid_credit_code

    with app.app_context():
        companies = db.session.query(Enterprise).all()
        assert all(is_valid_credit_code(c.credit_code) for c in companies)
        assert {c.is_local for c in companies} == {True, False}


def test_demo_people_are_seeded_on_29_february_too(app):
    import datetime

    from cli.demo_records import people
    from models import District, Person, db

    leap_day = datetime.date(2028, 2, 29)
    with app.app_context():
        company = Enterprise(name="闰日演示企业", credit_code="91370212MA3LEAP001", district=db.session.query(District).first())
        db.session.add(company)
        db.session.flush()
        pack = app.extensions["criteria_pack"]
        assert people(db.session, pack, company, today=leap_day) == len(pack.personnel_lists)
        validity = sorted(p.certificate_valid_until for p in db.session.query(Person).filter_by(enterprise_id=company.id))
    assert validity[0] == datetime.date(2028, 1, 30)  # the first expired a month before
    assert all(day > leap_day + datetime.timedelta(days=700) for day in validity[1:])


def test_demo_records_carry_the_steps_that_led_to_their_state_and_settled_ones_their_checklist(app):
    from models import EnterpriseMaterial, ReviewHistory, db
    from models.record_scores import final_states

    pack = app.extensions["criteria_pack"]
    with app.app_context():
        users = {u.id: u for u in db.session.query(AppUser)}
        for code, kind in pack.kinds.items():
            model = records.kind_model(app, code)
            for record in db.session.query(model).order_by(model.id):
                steps = db.session.query(ReviewHistory).filter_by(assessment_id=record.id).order_by(ReviewHistory.created_on).all()
                state = kind.workflow.initial
                for step in steps:  # a chain from the first state, each step taken by a login holding its role
                    transition = next(t for t in kind.workflow.transitions if t.code == step.action)
                    assert step.from_state == state and state in transition.from_states and step.opinion
                    roles = {role.name for role in users[step.user_id].roles}
                    assert roles & {pack.role(r).label for r in transition.roles}, (code, step.action)
                    state = step.to_state
                assert state == record.state, (code, record.id)
                if record.state in final_states(kind) and pack.dossier_kind(kind) is not None:
                    kept = record.dossier or {}
                    assert all(kept["materials"][m.code] for m in pack.dossier_kind(kind).materials if not m.rectification)
                    assert all(kept["personnel"][entry.code] for entry in pack.personnel_lists)
        drafts = records.ids(app, records.kind_model(app, "licence"), state="draft")
        assert drafts and all(
            not records.count(app, EnterpriseMaterial, enterprise_id=db.session.get(records.kind_model(app, "licence"), pk).enterprise_id)
            for pk in drafts
        )  # a checklist still being filled is left to fill
