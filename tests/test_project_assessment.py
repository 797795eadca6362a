"""The supervisor's project assessment (JGJ 59) over HTTP: 提报 from the project list, sub-table
results, the live total, the signed form before submit, the city station's review and approval."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from models import Attachment, District, Project, db
from tests import records
from tests.support import TOKEN, csrf_token, login, visible_text
from tests.workflow_support import page_url, post, text, upload

KIND = "project"
HEADER = {
    "inspection_unit": "青岛市建筑工程管理服务中心",
    "inspection_leader": "王检查",
    "inspection_leader_phone": "0532-85912345",
    "inspection_details": "在建主体阶段综合检查",
}
# RULES.md §10 E1: sub-table results (0-100) per category; 物料提升机 is not on site.
E1 = {
    "safety_management": 85,
    "civilized_construction": 88,
    "fastener_steel_tube": 82,
    "cantilever": 78,
    "foundation_pit": 90,
    "formwork_support": 75,
    "work_at_height": 80,
    "temporary_electricity": 86,
    "construction_elevator": 84,
    "tower_crane": 90,
    "hoisting_operation": 70,
    "construction_machinery": 92,
}
# RULES.md §10 E2 at category level: 基坑工程 and 物料提升机与施工升降机 are 缺项 (不涉及).
E2 = {
    "safety_management": 90,
    "civilized_construction": 80,
    "attached_lifting": 76,
    "formwork_support": 72,
    "work_at_height": 70,
    "temporary_electricity": 78,
    "tower_crane": 74,
    "construction_machinery": 80,
}
E2_NOT_APPLICABLE = ("foundation_pit", "hoist_and_elevator")


def kind(app):
    return app.extensions["criteria_pack"].kinds[KIND]


def results_form(results: dict[str, object], not_applicable: tuple[str, ...] = ()) -> dict[str, str]:
    return {**{f"result_{code}": str(value) for code, value in results.items()}, **{f"na_{code}": "1" for code in not_applicable}}


def project_in(app, district: str) -> Project:
    with app.app_context():
        project = (
            db.session.query(Project)
            .join(District, Project.district_id == District.id)
            .filter(District.code == district)
            .order_by(Project.id)
            .first()
        )
        db.session.expunge(project)
        return project


def report(client, project_id: int, header: dict[str, str] = HEADER) -> int:
    """提报: from the project's row to the add form (project preselected), saved; returns the new id."""
    opened = client.get(f"/intake/{KIND}/{project_id}")
    assert opened.status_code == 302, opened.status_code
    add_url = opened.headers["Location"]
    form = client.get(add_url)
    assert form.status_code == 200
    token = TOKEN.search(text(form)).group(1)
    blank = {"supervision_level": "", "building_area": "", "project_district": ""}  # as a browser sends them
    created = client.post(add_url, data={"csrf_token": token, "period": "2027", **blank, **header})
    assert created.status_code == 302, visible_text(text(created))[:2000]
    return int(re.search(rf"/assessment/{KIND}/(\d+)$", created.headers["Location"]).group(1))


def preview(client, pk: int, form: dict[str, str]):
    token = csrf_token(client, page_url(KIND, pk))
    return client.post(f"{page_url(KIND, pk)}/preview", data=form, headers={"X-CSRFToken": token})


def stored(app, pk: int):
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        rows = {row.item_code: (row.not_applicable, row.results) for row in record.items}
        return record.state, record.total, record.grade, rows


@pytest.fixture
def shinan_draft(app, client):
    """supervisor_shinan logged in, and a fresh draft 提报 for a shinan project."""
    project = project_in(app, "shinan")
    login(client, "supervisor_shinan")
    return project, report(client, project.id)


def test_report_from_the_project_row_prefills_the_header(app, client):
    project = project_in(app, "shinan")
    login(client, "supervisor_shinan")
    listed = text(client.get("/projectview/list/?psize_ProjectView=100"))
    assert f'href="/intake/{KIND}/{project.id}"' in listed and ">提报</a>" in listed

    add_page = client.get(client.get(f"/intake/{KIND}/{project.id}").headers["Location"])
    shown = visible_text(text(add_page))
    assert project.name in shown and project.permit_no in shown  # the chosen project, named in the notice
    assert 'name="project"' not in text(add_page)  # preselected: not a choice on the form

    pk = report(client, project.id)
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        registered = db.session.get(Project, project.id)
        assert record.project_id == project.id and record.enterprise_id == registered.enterprise_id
        assert record.project_district == registered.district.code  # prefilled from the registry ...
        assert record.building_area == registered.building_area
        assert record.state == "draft" and len(record.items) == len(kind(app).items)
    page = visible_text(text(client.get(page_url(KIND, pk))))
    assert project.permit_no in page and "项目经理" in page and "市南区" in page  # the district's label, not its code

    # ... and editable; the project itself is fixed once created, whatever door is used
    edit_url = f"/{records.kind_model(app, KIND).__name__.lower()}view/edit/{pk}"
    edit_form = text(client.get(edit_url))
    assert re.search(r'<input[^>]*name="project"[^>]*readonly', edit_form) and project.name in edit_form
    other = project_in(app, "shibei").id
    token = TOKEN.search(edit_form).group(1)
    client.post(
        edit_url,
        data={
            "csrf_token": token,
            "period": "2027",
            "project": str(other),
            **HEADER,
            "supervision_level": "key",
            "building_area": "23456.5",
            "project_district": "shibei",
        },
    )
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        assert record.project_id == project.id
        assert record.building_area == Decimal("23456.50") and record.project_district == "shibei"
    refused = client.put(f"/api/v1/assessment_{KIND}/{pk}", json={"project": other})
    assert refused.status_code == 403 and "不能更换" in refused.get_json()["message"]


def test_only_the_filling_role_reports_and_only_inside_its_district(app, client):
    project = project_in(app, "shinan")
    before = records.count(app, records.kind_model(app, KIND))
    login(client, "city_station")
    assert ">提报</a>" not in text(client.get("/projectview/list/"))
    refused = client.get(f"/intake/{KIND}/{project.id}", follow_redirects=True)
    assert "只有监督员可以提报" in text(refused)
    client.get("/logout/")
    login(client, "enterprise_01")
    assert ">提报</a>" not in text(client.get("/projectview/list/"))
    client.get("/logout/")
    login(client, "supervisor_laoshan")
    assert client.get(f"/intake/{KIND}/{project.id}").status_code == 404
    assert client.get(f"/intake/general/{project.id}").status_code == 404  # not a project kind
    assert records.count(app, records.kind_model(app, KIND)) == before


def test_e1_journey_from_results_to_approval(app, client, shinan_draft):
    _, pk = shinan_draft
    page = text(client.get(page_url(KIND, pk)))
    for table in kind(app).subtables:  # one labelled input per sub-table of each category
        assert f'name="result_{table["code"]}"' in page and table["name"] in page
    for entry in kind(app).record_evidence:
        assert entry.name in page

    assert "得分已保存" in text(post(client, KIND, pk, "scores", results_form(E1)))
    rows = stored(app, pk)[3]
    assert rows["scaffolding"] == (False, {"fastener_steel_tube": 82, "cantilever": 78})
    assert rows["hoist_and_elevator"] == (False, {"construction_elevator": 84})

    live = preview(client, pk, results_form(E1))
    assert live.status_code == 200
    body = live.get_json()
    assert body["total"] == 83.8 and body["total_text"] == "83.80" and body["grade"] == "优良"
    assert any("取平均" in reason for reason in body["reasons"])
    assert "83.80" in visible_text(text(client.get(page_url(KIND, pk))))  # the saved state, shown on the page

    # the signed form is required before submitting; its name says what is missing
    signed = next(e for e in kind(app).record_evidence if e.required)
    refused = post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"})
    assert "以下内容未填写或未上传" in text(refused) and signed.name in text(refused)
    assert stored(app, pk)[0] == "draft"
    assert upload(client, KIND, pk, "record:unknown").status_code == 400
    assert "已上传" in text(upload(client, KIND, pk, f"record:{signed.code}", name="考核表签字版.pdf"))
    with app.app_context():
        assert db.session.query(Attachment).filter_by(assessment_id=pk, item_code=f"record:{signed.code}").count() == 1
    assert "考核表签字版.pdf" in text(client.get(page_url(KIND, pk)))
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    assert stored(app, pk)[0] == "submitted"
    assert "不能修改得分" in text(post(client, KIND, pk, "scores", results_form({**E1, "cantilever": 10})))
    client.get("/logout/")

    # the city station approves the record as a whole, with an opinion; it keeps total and grade
    login(client, "city_station")
    assert "83.80" in visible_text(text(client.get(page_url(KIND, pk))))
    assert "需要填写意见" in text(post(client, KIND, pk, "transition", {"code": "approve", "opinion": ""}))
    assert "已审核通过" in text(post(client, KIND, pk, "transition", {"code": "approve", "opinion": "同意"}))
    state, total, grade, _ = stored(app, pk)
    assert (state, total, grade) == ("approved", Decimal("83.80"), "优良")


def test_a_supervisor_of_another_district_reaches_nothing(app, client, shinan_draft):
    _, pk = shinan_draft
    client.get("/logout/")
    login(client, "supervisor_laoshan")
    assert client.get(page_url(KIND, pk)).status_code == 404
    token = csrf_token(client, "/projectview/list/")
    answer = client.post(f"{page_url(KIND, pk)}/preview", data=results_form(E1), headers={"X-CSRFToken": token})
    assert answer.status_code == 404


def test_bad_results_name_the_sub_table_keep_the_input_and_save_nothing(app, client, shinan_draft):
    _, pk = shinan_draft
    names = {t["code"]: t["name"] for t in kind(app).subtables}
    scaffolding = kind(app).item("scaffolding")
    answer = post(client, KIND, pk, "scores", results_form({**E1, "cantilever": 120, "tower_crane": "九十"}))
    page = text(answer)
    assert f"“{scaffolding.name}”的“{names['cantilever']}”得分应在 0 到 100 之间，填写的是 120" in page
    assert f"“{kind(app).item('tower_crane_and_lifting').name}”的“{names['tower_crane']}”得分应为数字，填写的是“九十”" in page
    assert 'value="120"' in page and 'value="九十"' in page and 'value="82"' in page  # what was typed stays
    assert all(results is None for _, results in stored(app, pk)[3].values())

    too_precise = post(client, KIND, pk, "scores", results_form({**E1, "cantilever": "78.125"}))
    assert "最多保留 2 位小数" in text(too_precise)
    live = preview(client, pk, results_form({**E1, "cantilever": 120}))
    assert live.status_code == 422 and names["cantilever"] in live.get_json()["message"]
    partial = preview(client, pk, results_form({"safety_management": 85}))
    assert partial.status_code == 422 and "尚未填写" in partial.get_json()["message"]
    token = csrf_token(client, page_url(KIND, pk))
    assert (
        client.post(f"{page_url(KIND, pk)}/preview", data=results_form(E1), headers={"X-CSRFToken": token + "x"}).status_code == 400
    )  # CSRF is checked


def test_not_applicable_categories_are_cleared_and_rescaled(app, client, shinan_draft):
    _, pk = shinan_draft
    form = results_form({**E2, "foundation_pit": 60}, E2_NOT_APPLICABLE)  # a typed value under 不涉及 is dropped
    assert "得分已保存" in text(post(client, KIND, pk, "scores", form))
    rows = stored(app, pk)[3]
    assert rows["foundation_pit"] == (True, None) and rows["hoist_and_elevator"] == (True, None)
    assert rows["scaffolding"] == (False, {"attached_lifting": 76})
    body = preview(client, pk, form).get_json()
    assert body["total"] == 77.5 and body["grade"] == "合格"  # 62.0 / 80 × 100; without the rescale 62 → 不合格
    assert any("缺项" in reason for reason in body["reasons"])
    page = visible_text(text(client.get(page_url(KIND, pk))))
    assert "77.50" in page and "缺项" in page


def history(app, pk: int) -> list[tuple[str, str | None]]:
    from models import ReviewHistory

    with app.app_context():
        return [(h.action, h.item_code) for h in db.session.query(ReviewHistory).filter_by(assessment_id=pk).order_by(ReviewHistory.id)]


def test_return_with_an_opinion_then_resubmit_and_pass(app, client, shinan_draft):
    _, pk = shinan_draft
    signed = next(e for e in kind(app).record_evidence if e.required)
    post(client, KIND, pk, "scores", results_form(E1))
    upload(client, KIND, pk, f"record:{signed.code}")
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    assert "您的角色不能" in text(post(client, KIND, pk, "transition", {"code": "approve", "opinion": ""}))
    client.get("/logout/")

    login(client, "city_station")
    assert "不能修改得分" in text(post(client, KIND, pk, "scores", results_form({**E1, "cantilever": 10})))
    # reviewed as a whole (RULES §3.6): 退回 needs an opinion; no item is decided one by one
    assert "需要填写意见" in text(post(client, KIND, pk, "transition", {"code": "return", "opinion": ""}))
    assert "逐项审核" not in visible_text(text(client.get(page_url(KIND, pk))))
    returned = post(client, KIND, pk, "transition", {"code": "return", "opinion": "悬挑式脚手架得分与现场记录不符"})
    assert "已驳回" in text(returned)
    client.get("/logout/")

    login(client, "supervisor_shinan")
    page = text(client.get(page_url(KIND, pk)))
    assert "悬挑式脚手架得分与现场记录不符" in page and "已退回" in page
    reason = page.index('id="return-reason"')  # the reason stands at the top, above the header table
    assert reason < page.index("悬挑式脚手架得分与现场记录不符") < page.index("考核标准版本")
    assert "得分已保存" in text(post(client, KIND, pk, "scores", results_form({**E1, "cantilever": 68})))
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "已核对"}))
    client.get("/logout/")

    login(client, "city_station")
    assert "已审核通过" in text(post(client, KIND, pk, "transition", {"code": "approve", "opinion": "同意"}))
    state, total, grade, rows = stored(app, pk)
    # scaffolding (82 + 68) / 2 = 75 → 7.5 instead of 8.0: 83.80 − 0.50
    assert (state, total, grade) == ("approved", Decimal("83.30"), "优良")
    assert rows["scaffolding"] == (False, {"fastener_steel_tube": 82, "cantilever": 68})
    steps = [action for action, item in history(app, pk) if item is None]
    assert steps == ["submit", "return", "submit", "approve"]
