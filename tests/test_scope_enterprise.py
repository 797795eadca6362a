"""An enterprise user reaches its own records only, through screens and API alike."""

from __future__ import annotations

import pytest

from models import Enterprise, Project
from tests import records
from tests.support import csrf_token, login, visible_text

USER = "enterprise_01"


@pytest.fixture
def own(app):
    return records.enterprise_of(app, USER)


@pytest.fixture
def other(app):
    return records.other_enterprise(app, USER)


@pytest.fixture
def logged_in(client):
    login(client, USER)
    return client


def other_assessment(app, own_id):
    model = records.kind_model(app, "general")
    with app.app_context():
        from models import db

        return db.session.query(model).filter(model.enterprise_id != own_id).first().id


def test_lists_show_only_own_records(app, logged_in, own):
    enterprises = logged_in.get("/api/v1/enterprise/").get_json()
    assert [row["id"] for row in enterprises["result"]] == [own]
    projects = logged_in.get("/api/v1/project/?q=(page_size:100)").get_json()
    assert projects["count"] == records.count(app, Project, enterprise_id=own) > 0
    assessments = logged_in.get("/api/v1/assessment_general/").get_json()
    assert assessments["count"] >= 1
    assert all(row["enterprise"]["id"] == own for row in assessments["result"])


def test_html_list_hides_other_enterprises(app, logged_in, own, other):
    page = visible_text(logged_in.get("/enterpriseview/list/").get_data(as_text=True))
    with app.app_context():
        from models import db

        own_name = db.session.get(Enterprise, own).name
        other_name = db.session.get(Enterprise, other).name
    assert own_name in page and other_name not in page


def test_show_edit_delete_of_another_enterprise_answer_404(app, logged_in, other):
    assessment = other_assessment(app, records.enterprise_of(app, USER))
    for url in (f"/enterpriseview/show/{other}", f"/generalassessmentview/show/{assessment}", f"/generalassessmentview/edit/{assessment}"):
        assert logged_in.get(url).status_code == 404, url
    for url in (f"/api/v1/enterprise/{other}", f"/api/v1/assessment_general/{assessment}"):
        answer = logged_in.get(url)
        assert answer.status_code == 404 and "result" not in answer.get_json(), url
    assert logged_in.put(f"/api/v1/assessment_general/{assessment}", json={"period": "2030"}).status_code == 404
    assert logged_in.delete(f"/api/v1/assessment_general/{assessment}").status_code == 404
    token = csrf_token(logged_in, "/generalassessmentview/list/")
    assert logged_in.post(f"/generalassessmentview/delete/{assessment}", data={"csrf_token": token}).status_code == 404
    model = records.kind_model(app, "general")
    assert records.count(app, model, id=assessment) == 1
    assert records.count(app, model, id=assessment, period="2030") == 0


def test_api_create_for_another_enterprise_is_refused(app, logged_in, other):
    model = records.kind_model(app, "general")
    before = records.count(app, model)
    answer = logged_in.post(
        "/api/v1/assessment_general/",
        json={"enterprise": other, "period": "2026", "contact_person": "张三", "contact_phone": "13912345678"},
    )
    assert answer.status_code == 403
    assert "不在您的数据范围内" in answer.get_json()["message"]
    assert records.count(app, model) == before


def test_api_cannot_move_own_record_to_another_enterprise(app, logged_in, own, other):
    model = records.kind_model(app, "general")
    mine = records.ids(app, model, enterprise_id=own)[0]
    answer = logged_in.put(f"/api/v1/assessment_general/{mine}", json={"enterprise": other})
    assert answer.status_code == 403, answer.get_json()
    assert records.count(app, model, id=mine, enterprise_id=own) == 1


def test_api_create_inside_scope_works_and_gets_item_rows(app, logged_in, own):
    answer = logged_in.post(
        "/api/v1/assessment_general/",
        json={"enterprise": own, "period": "2028", "contact_person": "张三", "contact_phone": "0532-88886666"},
    )
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()["id"]
    shown = logged_in.get(f"/api/v1/assessment_general/{created}").get_json()["result"]
    assert shown["state"] == "draft" and shown["criteria_version"].startswith("2026.1+")
    items = logged_in.get(f"/api/v1/assessment_general_item/?q=(filters:!((col:assessment,opr:rel_o_m,value:{created})))")
    assert items.get_json()["count"] == 11


def test_form_picker_offers_only_own_enterprise(app, logged_in, own, other):
    form = logged_in.get("/generalassessmentview/add").get_data(as_text=True)
    assert f'value="{own}"' in form
    assert f'value="{other}"' not in form


def test_form_create_for_another_enterprise_keeps_input_and_writes_nothing(app, logged_in, other):
    model = records.kind_model(app, "general")
    before = records.count(app, model)
    token = csrf_token(logged_in, "/generalassessmentview/add")
    answer = logged_in.post(
        "/generalassessmentview/add",
        data={"csrf_token": token, "enterprise": str(other), "period": "2026", "contact_person": "李四", "contact_phone": "13912345678"},
    )
    assert answer.status_code == 200  # the form comes back, not a redirect
    text = answer.get_data(as_text=True)
    assert "李四" in text
    assert records.count(app, model) == before


def test_enterprise_user_cannot_create_enterprises(logged_in):
    answer = logged_in.post("/api/v1/enterprise/", json={"name": "新企业", "credit_code": "91350100M000100Y43", "district": 1})
    assert answer.status_code in (401, 403)
    assert logged_in.get("/enterpriseview/add").status_code in (302, 403)


def test_csv_export_follows_the_scope(app, logged_in, own, other):
    answer = logged_in.get("/enterpriseview/export/")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    with app.app_context():
        from models import db

        own_name, other_name = db.session.get(Enterprise, own).name, db.session.get(Enterprise, other).name
    assert text.startswith("\ufeff序号,企业名称,统一社会信用代码")
    assert own_name in text and other_name not in text


def test_html_edit_of_own_record_saves_and_moving_it_out_is_refused(app, logged_in, own, other):
    model = records.kind_model(app, "general")
    mine = records.ids(app, model, enterprise_id=own)[0]
    token = csrf_token(logged_in, f"/generalassessmentview/edit/{mine}")
    form = {"csrf_token": token, "enterprise": str(own), "period": "2027", "contact_person": "王五", "contact_phone": "13912345678"}
    assert logged_in.post(f"/generalassessmentview/edit/{mine}", data=form).status_code == 302
    assert records.count(app, model, id=mine, period="2027") == 1
    moved = logged_in.post(f"/generalassessmentview/edit/{mine}", data={**form, "enterprise": str(other), "period": "2028"})
    assert moved.status_code == 200
    # another enterprise is not among the form's choices, so the field is refused as empty
    assert "该字段是必填字段" in moved.get_data(as_text=True)
    assert records.count(app, model, id=mine, enterprise_id=own, period="2027") == 1


def test_item_self_score_out_of_range_names_the_item_and_stores_nothing(app, logged_in, own):
    model = records.kind_model(app, "general")
    items = app.extensions["kind_models"]["general"].item
    mine = records.ids(app, model, enterprise_id=own)[0]
    with app.app_context():
        from models import db

        row = db.session.query(items).filter_by(assessment_id=mine, item_code="safety_investment").one()
        row_id, before = row.id, row.self_score
    answer = logged_in.put(f"/api/v1/assessment_general_item/{row_id}", json={"self_score": 16})
    assert answer.status_code == 422
    assert answer.get_json()["message"]["self_score"] == ["“安全生产投入”的自评分应在 0 到 15 之间，填写的是 16"]
    assert logged_in.put(f"/api/v1/assessment_general_item/{row_id}", json={"self_score": 12.255}).status_code == 422
    with app.app_context():
        assert db.session.get(items, row_id).self_score == before
    assert logged_in.put(f"/api/v1/assessment_general_item/{row_id}", json={"self_score": 12.5}).status_code == 200


def test_excel_export_follows_the_scope(app, logged_in, own, other):
    import io

    from openpyxl import load_workbook

    answer = logged_in.get("/generalassessmentview/export.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("序号", "施工企业", "考核年度")  # numbered, without the 办理 button
    with app.app_context():
        from models import db

        own_name = db.session.get(Enterprise, own).name
    assert rows[1:] and all(row[1] == own_name for row in rows[1:])
