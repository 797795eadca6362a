"""Every change of a platform record leaves an audit row naming the user, in the same transaction."""

from __future__ import annotations

from models import AuditLog, db
from tests import records
from tests.support import login


def test_api_create_and_update_are_audited_with_the_user(app, client):
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    user_id = records.user(app, "enterprise_01").id
    created = client.post(
        "/api/v1/assessment_general/", json={"enterprise": own, "period": "2028", "contact_person": "张三", "contact_phone": "13912345678"}
    ).get_json()["id"]
    assert client.put(f"/api/v1/assessment_general/{created}", json={"contact_person": "李四"}).status_code == 200
    with app.app_context():
        rows = db.session.query(AuditLog).filter_by(table_name="assessment_general", record_id=str(created)).all()
        actions = [(r.action, r.user_id) for r in rows]
        assert ("insert", user_id) in actions and ("update", user_id) in actions
        update = next(r for r in rows if r.action == "update")
        assert update.detail["contact_person"] == {"from": "张三", "to": "李四"}
        items = db.session.query(AuditLog).filter_by(table_name="assessment_item", action="insert").count()
        assert items >= 11


def test_a_refused_write_leaves_no_audit_row(app, client):
    login(client, "enterprise_01")
    other = records.other_enterprise(app, "enterprise_01")
    before = records.count(app, AuditLog)
    answer = client.post("/api/v1/assessment_general/", json={"enterprise": other, "period": "2026"})
    assert answer.status_code == 403
    assert records.count(app, AuditLog) == before


def test_only_the_admin_reads_the_audit_log(app, client):
    login(client, "city_station")
    assert client.get("/api/v1/audit_log/").status_code in (401, 403)
    client.get("/logout/")
    login(client, "admin")
    assert client.get("/api/v1/audit_log/").get_json()["count"] > 0
