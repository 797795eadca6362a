"""The assessment as one aggregate: its evidence, history and codes belong to it by foreign key, ids are
never reused, and a project assessment is scoped by the project's district (fixed at creation).

The two scenarios that broke the previous release, as its users met them:
- enterprise_02 deletes a draft with two uploaded files; enterprise_01's next record saw them;
- a supervisor could not finish the assessment of a project whose contractor is registered in
  another district (the upload answered 500), while that district's supervisor read its history.
"""

from __future__ import annotations

from models import Attachment, FormVerification, Project, ReviewHistory, db
from tests import records
from tests.support import login, visible_text
from tests.test_project_assessment import E1, KIND, kind, report, results_form
from tests.workflow_support import PDF, one_page_pdf, page_url, post, text, upload

HEADER = {"contact_person": "张三", "contact_phone": "13912345678"}


def test_a_deleted_drafts_files_and_history_never_reach_another_record(app, client):
    second = records.enterprise_of(app, "enterprise_02")
    first_item = app.extensions["criteria_pack"].kinds["general"].items[0].code
    login(client, "enterprise_02")
    draft = client.post("/api/v1/assessment_general/", json={"enterprise": second, "period": "2031", **HEADER}).get_json()["id"]
    for number in (1, 2):
        assert "已上传" in text(upload(client, "general", draft, first_item, one_page_pdf(f"second {number}"), f"二号企业材料{number}.pdf"))
    assert "得分已保存" in text(post(client, "general", draft, "scores", {f"score_{first_item}": "5"}))
    assert records.count(app, Attachment, assessment_id=draft) == 2
    assert client.delete(f"/api/v1/assessment_general/{draft}").status_code == 200
    # the files' rows went with the draft (the file itself stays under its hash for other rows)
    assert records.count(app, Attachment, assessment_id=draft) == 0
    assert records.count(app, ReviewHistory, assessment_id=draft) == 0
    client.get("/logout/")

    own = records.enterprise_of(app, "enterprise_01")
    login(client, "enterprise_01")
    taken = client.post("/api/v1/assessment_general/", json={"enterprise": own, "period": "2031", **HEADER}).get_json()["id"]
    assert taken > draft  # an id is never given out twice
    page = visible_text(text(client.get(page_url("general", taken))))
    assert "二号企业材料" not in page
    listed = client.get("/api/v1/attachment/").get_json()["result"]
    assert not any("二号企业材料" in row["file_name"] for row in listed)
    client.get("/logout/")
    login(client, "city_station")
    listed = client.get("/api/v1/attachment/?q=(page_size:100)").get_json()["result"]
    assert not any("二号企业材料" in row["file_name"] for row in listed)


def test_a_project_outside_its_contractors_district_is_handled_by_the_projects_district(app, client):
    with app.app_context():
        project = next(p for p in db.session.query(Project).order_by(Project.id) if p.district_id != p.enterprise.district_id)
        here, there = project.district.code, project.enterprise.district.code
        project_id = project.id
    signed = next(e for e in kind(app).record_evidence if e.required)

    login(client, f"supervisor_{here}")  # the project's district fills it
    pk = report(client, project_id)
    assert "得分已保存" in text(post(client, KIND, pk, "scores", results_form(E1)))
    uploaded = upload(client, KIND, pk, f"record:{signed.code}", PDF, "考核表签字版.pdf")
    assert uploaded.status_code == 200 and "已上传" in text(uploaded)
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    client.get("/logout/")

    login(client, "city_station")  # the city station reviews project assessments, as a whole
    assert "已审核通过" in text(post(client, KIND, pk, "transition", {"code": "approve", "opinion": "同意"}))
    form = client.get(f"/report/{KIND}/{pk}.pdf")
    assert form.status_code == 200 and form.data.startswith(b"%PDF")
    client.get("/logout/")

    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        assert record.district.code == here
        attachment = db.session.query(Attachment).filter_by(assessment_id=pk).one().id
        code = db.session.query(FormVerification).filter_by(assessment_id=pk).one().code
    login(client, f"supervisor_{here}")  # its own record: page, form, file
    assert client.get(page_url(KIND, pk)).status_code == 200
    assert client.get(f"/report/{KIND}/{pk}.pdf").status_code == 200
    assert client.get(f"/assessment/file/{attachment}").status_code == 200
    assert any(row["id"] == attachment for row in client.get("/api/v1/attachment/").get_json()["result"])
    client.get("/logout/")

    login(client, f"supervisor_{there}")  # the contractor's district: none of it
    for url in (
        page_url(KIND, pk),
        f"/report/{KIND}/{pk}.pdf",
        f"/assessment/file/{attachment}",
        f"/api/v1/assessment_{KIND}/{pk}",
        f"/api/v1/attachment/{attachment}",
    ):
        assert client.get(url).status_code == 404, url
    history = client.get("/api/v1/review_history/?q=(page_size:100)").get_json()["result"]
    assert not any(row["assessment"]["id"] == pk for row in history)
    assert not any(row["id"] == attachment for row in client.get("/api/v1/attachment/").get_json()["result"])
    client.get("/logout/")
    assert "真实有效" in visible_text(text(client.get(f"/verify/{code}")))


def test_each_kinds_item_list_holds_that_kinds_rows_only(app, client):
    """One table holds every kind's item rows; each kind's item screen and API list its own."""
    login(client, "admin")
    layout = app.extensions["assessment_layout"]
    with app.app_context():
        kinds = {row.id: row.assessment.kind for row in db.session.query(layout.item)}
    for code in ("general", "director"):
        listed = client.get(f"/api/v1/assessment_{code}_item/?q=(page_size:100)").get_json()
        assert listed["count"] == sum(1 for kind in kinds.values() if kind == code)
        assert {kinds[pk] for pk in listed["ids"]} == {code}
        other = next(pk for pk, kind in kinds.items() if kind != code)
        assert client.get(f"/api/v1/assessment_{code}_item/{other}").status_code == 404


def test_a_kinds_list_total_is_the_number_of_its_records_under_any_search(app, client):
    """A list's total (REST ``count``, the page's record count) is counted on the core table; under a
    search and in each role's scope it is the number of records the list holds."""
    queries = (
        "(page_size:100)",
        "(filters:!((col:state,opr:eq,value:approved)),page_size:100)",
        "(filters:!((col:period,opr:eq,value:'2025')),page_size:100)",
    )
    lists = {"city_station": ("general", KIND), "supervisor_shinan": (KIND,), "enterprise_01": ("general",)}
    for account, codes in lists.items():
        login(client, account)
        for code in codes:
            for query in queries:
                answer = client.get(f"/api/v1/assessment_{code}/?q={query}").get_json()
                assert answer["count"] == len(answer["ids"]) < 100, (account, code, query)
        client.get("/logout/")


def test_a_search_on_a_header_field_counts_through_the_header_table(app):
    """A filter on a kind's own field (its header table) cannot be counted on the core table alone;
    the total still matches the rows found."""
    from flask_appbuilder.models.sqla.filters import FilterEqual

    from views.scoped_data import ScopedInterface

    model = records.kind_model(app, "general")
    with app.app_context():
        first, second = db.session.query(model).order_by(model.id).limit(2).all()
        first.contact_person, second.contact_person = "王工", "李工"
        db.session.commit()
        datamodel = ScopedInterface(model, db.session)
        filters = datamodel.get_filters(["contact_person"])
        filters.add_filter("contact_person", FilterEqual, "王工")
        count, rows = datamodel.query(filters)
        assert count == len(rows) == 1 and rows[0].id == first.id
