"""Submitted and approved assessments are never deleted, whichever door is tried and whoever tries.

(tests/test_workflow_self_assessment.py covers the enterprise's REST DELETE of its own submitted
record; this covers the HTML delete, the bulk action, the read-only queues, the administrator,
approved records, project assessments and deleting the enterprise or project they belong to.)
"""

from __future__ import annotations

import pytest

from models import AppUser, AuditLog, Enterprise, Project, db
from tests import records
from tests.support import csrf_token, login, visible_text

KEPT_STATES = ("submitted", "approved")


def demo_record(app, kind: str, state: str):
    """A demo record of ``kind`` in ``state`` and the login that filled it."""
    model = records.kind_model(app, kind)
    with app.app_context():
        record = db.session.query(model).filter_by(state=state).order_by(model.id).first()
        assert record is not None, f"the demo data has no {state} {kind} record"
        if kind == "project":
            from models import District

            district = db.session.get(District, record.project.district_id).code
            return record.id, f"supervisor_{district}", record.enterprise_id, record.project_id
        owner = db.session.query(AppUser).filter_by(enterprise_id=record.enterprise_id).first().username
        return record.id, owner, record.enterprise_id, record.project_id


def view_name(app, kind: str) -> str:
    return records.kind_model(app, kind).__name__.lower() + "view"


def still_there(app, kind: str, pk: int, state: str) -> bool:
    with app.app_context():
        record = db.session.get(records.kind_model(app, kind), pk)
        return record is not None and record.state == state


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        *((k, s) for k in ("general", "project") for s in KEPT_STATES),
        ("licence", "submitted"),
        ("licence", "rectifying"),
        ("licence", "rated"),
    ],
)
def test_the_filler_cannot_delete_through_any_door(app, client, kind, state):
    pk, filler, _, _ = demo_record(app, kind, state)
    view = view_name(app, kind)
    login(client, filler)
    assert client.delete(f"/api/v1/assessment_{kind}/{pk}").status_code == 403
    token = csrf_token(client, f"/{view}/list/")
    refused = client.post(f"/{view}/delete/{pk}", data={"csrf_token": token}, follow_redirects=True)
    assert "不能修改或删除" in visible_text(refused.get_data(as_text=True))
    bulk = client.post(f"/{view}/action_post", data={"csrf_token": token, "action": "muldelete", "rowid": str(pk)})
    assert bulk.status_code == 404  # Flask-AppBuilder's own bulk delete is not offered
    selected = client.post(
        f"/{view}/action_post", data={"csrf_token": token, "action": "delete_selected", "rowid": str(pk)}, follow_redirects=True
    )
    assert "未删除任何记录" in visible_text(selected.get_data(as_text=True))  # the list's own: drafts only
    assert still_there(app, kind, pk, state)
    assert records.count(app, AuditLog, table_name=f"assessment_{kind}", record_id=str(pk), action="delete") == 0


@pytest.mark.parametrize("kind", ["general", "project"])
def test_not_even_the_admin_deletes_an_approved_record(app, client, kind):
    pk, _, _, _ = demo_record(app, kind, "approved")
    view = view_name(app, kind)
    login(client, "admin")
    answer = client.delete(f"/api/v1/assessment_{kind}/{pk}")
    assert answer.status_code == 403 and "不能修改或删除" in answer.get_json()["message"]
    token = csrf_token(client, f"/{view}/list/")
    client.post(f"/{view}/delete/{pk}", data={"csrf_token": token})
    for queue in ("records", "pending"):  # the read-only lists over the same table offer no delete
        client.post(f"/{view[:-4]}{queue}view/delete/{pk}", data={"csrf_token": token})
    bulk = client.post(f"/{view}/action_post", data={"csrf_token": token, "action": "muldelete", "rowid": str(pk)})
    assert bulk.status_code == 404
    client.post(f"/{view}/action_post", data={"csrf_token": token, "action": "delete_selected", "rowid": str(pk)})
    assert still_there(app, kind, pk, "approved")


def test_deleting_the_enterprise_or_project_of_kept_records_is_refused(app, client):
    pk, _, enterprise_id, _ = demo_record(app, "general", "approved")
    project_pk, _, _, project_id = demo_record(app, "project", "approved")
    login(client, "city_station")
    token = csrf_token(client, "/enterpriseview/list/")
    answer = client.post(f"/enterpriseview/delete/{enterprise_id}", data={"csrf_token": token}, follow_redirects=True)
    assert "已有考核记录" in visible_text(answer.get_data(as_text=True))
    refused = client.delete(f"/api/v1/project/{project_id}")
    assert refused.status_code == 403 and "已有考核记录" in refused.get_json()["message"]
    assert records.count(app, Enterprise, id=enterprise_id) == 1
    assert records.count(app, Project, id=project_id) == 1
    assert still_there(app, "general", pk, "approved") and still_there(app, "project", project_pk, "approved")


def test_an_enterprise_without_records_can_still_be_deleted(app, client):
    login(client, "city_station")
    with app.app_context():
        from models import District

        district = db.session.query(District).filter_by(code="laoshan").one().id
    from models.credit_code import check_character

    code = "91370212MA3C00001"
    created = client.post(
        "/api/v1/enterprise/",
        json={"name": "误录入的企业", "district": district, "is_local": True, "credit_code": code + check_character(code)},
    )
    assert created.status_code == 201, created.get_json()
    assert client.delete(f"/api/v1/enterprise/{created.get_json()['id']}").status_code == 200
    assert records.count(app, Enterprise, name="误录入的企业") == 0
