"""Daily entries (日常考核): the enterprise declares, the authority returns or passes, the points count."""

from __future__ import annotations

from models import District, Enterprise, FinalGradeRecord, db
from tests import records
from tests.support import login
from tests.workflow_support import page_url, post, text, upload

KIND = "daily"


def laoshan_enterprise(app):
    with app.app_context():
        from models import AppUser

        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        return company.id, db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username


def version(app, pk):
    with app.app_context():
        return str(db.session.get(records.kind_model(app, KIND), pk).lock_version)


def test_declare_return_resubmit_pass(app, client):
    enterprise_id, username = laoshan_enterprise(app)
    login(client, username)
    incomplete = client.post("/api/v1/assessment_daily/", json={"enterprise": enterprise_id, "period": "2026"})
    assert incomplete.status_code == 201
    draft = incomplete.get_json()["id"]
    refused = post(client, KIND, draft, "transition", {"code": "submit", "opinion": "申报"}, version=version(app, draft))
    assert "以下内容未填写或未上传" in text(refused) and "考核事项" in text(refused)
    bad = client.put(f"/api/v1/assessment_daily/{draft}", json={"entry": "no_such_entry"})
    assert bad.status_code == 422 and "考核事项" in bad.get_json()["message"]["entry"][0]
    ok = client.put(
        f"/api/v1/assessment_daily/{draft}",
        json={"entry": "award_national", "occurred_on": "2026-05-20", "quantity": 1, "document_no": "建安〔2026〕12号"},
    )
    assert ok.status_code == 200, ok.get_json()
    missing_document = post(client, KIND, draft, "transition", {"code": "submit", "opinion": "申报国家级工地"})
    assert "处罚决定书、通报或获奖文件" in text(missing_document)
    assert "已上传" in text(upload(client, KIND, draft, "record:document"))
    assert "已提交" in text(post(client, KIND, draft, "transition", {"code": "submit", "opinion": "申报国家级工地"}))
    assert "您的角色不能" in text(post(client, KIND, draft, "transition", {"code": "approve", "opinion": ""}, version=version(app, draft)))
    client.get("/logout/")

    login(client, "district_authority_shinan")
    assert client.get(page_url(KIND, draft)).status_code == 404
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    assert "需要填写意见" in text(post(client, KIND, draft, "transition", {"code": "return", "opinion": ""}))
    assert "已驳回" in text(post(client, KIND, draft, "transition", {"code": "return", "opinion": "请附获奖文件"}))
    client.get("/logout/")

    login(client, username)
    assert client.put(f"/api/v1/assessment_daily/{draft}", json={"description": "附获奖通报"}).status_code == 200
    assert "已提交" in text(post(client, KIND, draft, "transition", {"code": "submit", "opinion": "已补充"}))
    client.get("/logout/")

    login(client, "district_authority_laoshan")
    assert "已审核通过" in text(post(client, KIND, draft, "transition", {"code": "approve", "opinion": "同意"}))
    model = records.kind_model(app, KIND)
    assert records.count(app, model, id=draft, state="approved") == 1
    with app.app_context():
        composite = (
            db.session.query(FinalGradeRecord).filter_by(enterprise_id=enterprise_id, grade_code="enterprise", period="2026").one_or_none()
        )
        if composite is not None:  # the award is among the reasons of the enterprise grade
            assert any("日常考核" in line for line in composite.reasons)


def test_an_entry_names_its_project_from_the_enterprises_registered_projects(app, client):
    """涉及项目 is a picker over the enterprise's projects (stored by 施工许可证号), never free text;
    the list shows the entry, the project, the date and the points; the grade counts the award for
    that project."""
    from models import Project
    from workflow.header import NOT_A_PROJECT

    enterprise_id, username = laoshan_enterprise(app)
    with app.app_context():
        own = db.session.query(Project).filter_by(enterprise_id=enterprise_id).order_by(Project.id).first()
        other = db.session.query(Project).filter(Project.enterprise_id != enterprise_id).order_by(Project.id).first()
        own_permit, own_name, other_permit = own.permit_no, own.name, other.permit_no
    login(client, username)
    draft = client.post("/api/v1/assessment_daily/", json={"enterprise": enterprise_id, "period": "2026"}).get_json()["id"]
    page = text(client.get(page_url(KIND, draft)))
    assert f'<option value="{own_permit}"' in page and f'<option value="{other_permit}"' not in page

    header = {"header_entry": "award_city", "header_occurred_on": "2026-04-01", "header_quantity": "1"}
    for typed in ("青岛某某项目（手填）", other_permit):
        refused = text(post(client, KIND, draft, "scores", {**header, "header_project_ref": typed}))
        assert NOT_A_PROJECT in refused and "未保存" in refused
    with app.app_context():
        assert db.session.get(records.kind_model(app, KIND), draft).project_ref is None
    assert "已保存" in text(post(client, KIND, draft, "scores", {**header, "header_project_ref": own_permit}))
    with app.app_context():
        assert db.session.get(records.kind_model(app, KIND), draft).project_ref == own_permit
    assert f"{own_name}（{own_permit}）" in text(client.get(page_url(KIND, draft)))

    listed = text(client.get("/dailyassessmentview/list/"))
    award = app.extensions["criteria_pack"].kinds[KIND]
    entry = next(e for e in award.catalogue if e.code == "award_city")
    assert entry.name in listed and own_permit in listed and "2026-04-01" in listed
    assert f"+{entry.points.normalize():f}" in listed


def test_repeats_are_counted_within_the_months_declared():
    import datetime

    from scoring.methods.catalogue import repeated

    day = datetime.date.fromisoformat
    assert repeated([day("2025-06-30"), day("2026-06-30")], 2, 12)  # the same date a year later is within
    assert not repeated([day("2025-06-29"), day("2026-06-30")], 2, 12)
    assert repeated([day("2026-01-31"), day("2026-02-28")], 2, 1)  # a month after 31 January: 28 February
    assert repeated([day("2024-01-01"), None], 2, 12)  # a day not known counts as within
    assert not repeated([day("2026-01-01")], 2, 12)
