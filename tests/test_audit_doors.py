"""Every door that writes leaves an audit row: who, when, which table and record, from what to what."""

from __future__ import annotations

import datetime

from models import AppUser, AuditLog, Enterprise, FinalGradeRecord, GradeAdjustment, db
from tests import records
from tests.support import csrf_token, login
from tests.test_grades_and_adjustments import add_adjustment, graded_enterprise
from tests.test_workflow_self_assessment import DRAFTS, fill_scores, items, new_draft
from tests.workflow_support import post, text, upload


def audit_rows(app, table, record_id=None, action=None):
    with app.app_context():
        query = db.session.query(AuditLog).filter_by(table_name=table)
        if record_id is not None:
            query = query.filter_by(record_id=str(record_id))
        if action:
            query = query.filter_by(action=action)
        rows = query.order_by(AuditLog.id).all()
        db.session.expunge_all()
        return rows


def user_id(app, username):
    return records.user(app, username).id


def test_html_edit_records_old_and_new_values_and_the_user(app, client):
    login(client, "city_station")
    with app.app_context():
        company = db.session.query(Enterprise).order_by(Enterprise.id).first()
        pk, old_name, old_phone = company.id, company.name, company.contact_phone
        form = {
            "name": company.name + "（更名）",
            "credit_code": company.credit_code or "",
            "district": str(company.district_id),
            "is_local": "y" if company.is_local else "",
            "licence_no": company.licence_no or "",
            "legal_representative": company.legal_representative or "",
            "contact_person": company.contact_person or "",
            "contact_phone": "0532-81234567",
            "address": company.address or "",
        }
    started = datetime.datetime.now() - datetime.timedelta(seconds=1)
    form["csrf_token"] = csrf_token(client, f"/enterpriseview/edit/{pk}")
    assert client.post(f"/enterpriseview/edit/{pk}", data=form).status_code == 302
    [row] = audit_rows(app, "enterprise", pk, "update")
    assert row.user_id == user_id(app, "city_station")
    assert row.created_on >= started
    assert row.detail["name"] == {"from": old_name, "to": old_name + "（更名）"}
    assert row.detail["contact_phone"] == {"from": old_phone, "to": "0532-81234567"}
    assert "credit_code" not in row.detail  # unchanged columns are not listed


def test_html_and_api_deletes_keep_the_removed_values(app, client):
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    first = new_draft(app, client, own)
    second = new_draft(app, client, own, period="2028")  # one record of the kind per year
    token = csrf_token(client, "/generalassessmentview/list/")
    assert client.post(f"/generalassessmentview/delete/{first}", data={"csrf_token": token}).status_code == 302
    assert client.delete(f"/api/v1/assessment_general/{second}").status_code == 200
    for pk in (first, second):
        [row] = audit_rows(app, "assessment_general", pk, "delete")
        assert row.user_id == user_id(app, "enterprise_01")
        assert row.detail["contact_person"] == {"from": DRAFTS["general"]["contact_person"]}
        assert row.detail["state"] == {"from": "draft"}
    # the item rows went with their assessment, and each is on record too
    deleted_items = [r for r in audit_rows(app, "assessment_item", action="delete") if r.detail["assessment_id"]["from"] in (first, second)]
    assert len(deleted_items) == 2 * len(items(app))


def test_workflow_page_scores_uploads_and_transitions_are_audited(app, client):
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    uid = user_id(app, "enterprise_01")
    pk = new_draft(app, client, own)
    fill_scores(app, client, pk)
    first = items(app)[0]
    with app.app_context():
        row_id = next(r.id for r in db.session.get(records.kind_model(app, "general"), pk).items if r.item_code == first.code)
    [score] = audit_rows(app, "assessment_item", row_id, "update")
    assert score.user_id == uid and score.detail["self_score"] == {"from": None, "to": str(first.max)}

    assert "已上传" in text(upload(client, "general", pk, first.code))
    [added] = [row for row in audit_rows(app, "attachment", action="insert") if row.user_id == uid]  # not the demo's files
    assert added.detail["file_name"] == {"to": "证明.pdf"}
    assert added.detail["assessment_id"] == {"to": pk}
    token = csrf_token(client, f"/assessment/general/{pk}")
    assert "已删除" in text(client.post(f"/assessment/file/{added.record_id}/delete", data={"csrf_token": token}, follow_redirects=True))
    [removed] = audit_rows(app, "attachment", added.record_id, "delete")
    assert removed.user_id == uid and removed.detail["content_hash"]["from"] == added.detail["content_hash"]["to"]

    for item in items(app):
        if item.evidence:
            upload(client, "general", pk, item.code)
    assert "已提交" in text(post(client, "general", pk, "transition", {"code": "submit", "opinion": "请审核"}))
    [step] = [r for r in audit_rows(app, "assessment_general", pk, "update") if "state" in r.detail]
    assert step.user_id == uid and step.detail["state"] == {"from": "draft", "to": "submitted"}
    [history] = [
        r
        for r in audit_rows(app, "review_history", action="insert")
        if r.detail["assessment_id"] == {"to": pk} and r.detail["action"] == {"to": "submit"}
    ]
    assert history.user_id == uid and history.detail["opinion"] == {"to": "请审核"}


def test_adjustments_and_their_revocation_are_audited(app, client):
    enterprise_id = graded_enterprise(app)
    login(client, "city_station")
    uid = user_id(app, "city_station")
    add_adjustment(client, enterprise_id, "direct_fail", "falsified_materials")
    with app.app_context():
        adjustment = db.session.query(GradeAdjustment).filter_by(enterprise_id=enterprise_id).one().id
        grade_row = db.session.query(FinalGradeRecord).filter_by(enterprise_id=enterprise_id, period="2026", grade_code="enterprise").one()
        grade_id, failed_label = grade_row.id, grade_row.label
    [added] = audit_rows(app, "grade_adjustment", adjustment, "insert")
    assert added.user_id == uid and added.detail["direction"] == {"to": "direct_fail"}
    changed = [r for r in audit_rows(app, "final_grade", grade_id, "update") if "label" in r.detail]
    assert changed and changed[-1].user_id == uid and changed[-1].detail["label"]["to"] == failed_label

    token = csrf_token(client, "/gradeadjustmentview/list/")
    client.post("/gradeadjustmentview/action_post", data={"csrf_token": token, "action": "revoke", "rowid": str(adjustment)})
    [revoked] = audit_rows(app, "grade_adjustment", adjustment, "update")
    assert revoked.user_id == uid and revoked.detail["revoked_by_fk"] == {"from": None, "to": uid}
    restored = [r for r in audit_rows(app, "final_grade", grade_id, "update") if "label" in r.detail]
    assert restored[-1].detail["label"]["from"] == failed_label


def test_account_role_and_district_changes_are_audited(app, client):
    login(client, "admin")
    with app.app_context():
        target = db.session.query(AppUser).filter_by(username="district_authority_laoshan").one()
        pk, roles = target.id, [str(r) for r in target.roles]
        old_districts = sorted(str(d) for d in target.districts)
        from models import District

        extra = db.session.query(District).filter_by(code="jimo").one()
        form = {
            "first_name": target.first_name,
            "last_name": target.last_name,
            "username": target.username,
            "active": "y",
            "email": target.email,
            "roles": [str(r.id) for r in target.roles],
            "enterprise": "__None",
            "districts": [str(d.id) for d in target.districts] + [str(extra.id)],
        }
        extra_name = str(extra)
    form["csrf_token"] = csrf_token(client, f"/users/edit/{pk}")
    assert client.post(f"/users/edit/{pk}", data=form).status_code == 302
    row = audit_rows(app, "ab_user", pk, "update")[-1]
    assert row.user_id == user_id(app, "admin")
    assert row.detail["districts"] == {"from": old_districts, "to": sorted([*old_districts, extra_name])}
    assert "roles" not in row.detail and roles  # the roles were not changed


def test_a_password_change_is_recorded_without_the_hash(app, client):
    login(client, "admin")
    with app.app_context():
        pk = db.session.query(AppUser).filter_by(username="enterprise_02").one().id
    token = csrf_token(client, f"/resetpassword/form?pk={pk}")
    client.post(f"/resetpassword/form?pk={pk}", data={"csrf_token": token, "password": "New@Pass2026x", "conf_password": "New@Pass2026x"})
    row = audit_rows(app, "ab_user", pk, "update")[-1]
    assert row.user_id == user_id(app, "admin")
    assert row.detail["password"] == {"from": "（已隐藏）", "to": "（已隐藏）"}
    with app.app_context():
        assert "New@Pass2026x" not in str(db.session.query(AuditLog.detail).all())
