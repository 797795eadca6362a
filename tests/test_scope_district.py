"""District authorities and supervisors reach their own district(s); the city station reaches all."""

from __future__ import annotations

from models import District, Enterprise, Project, db
from tests import records
from tests.support import login, visible_text


def district_id(app, code):
    return records.ids(app, District, code=code)[0]


def test_district_authority_sees_only_its_district(app, client):
    login(client, "district_authority_shinan")
    shinan = district_id(app, "shinan")
    enterprises = client.get("/api/v1/enterprise/?q=(page_size:100)").get_json()
    assert enterprises["count"] == records.count(app, Enterprise, district_id=shinan) > 0
    assert {row["district"]["id"] for row in enterprises["result"]} == {shinan}
    projects = client.get("/api/v1/project/?q=(page_size:100)").get_json()
    assert projects["count"] == records.count(app, Project, district_id=shinan) > 0
    assert {row["district"]["id"] for row in projects["result"]} == {shinan}


def test_district_authority_cannot_open_or_change_another_district(app, client):
    login(client, "district_authority_shinan")
    laoshan = district_id(app, "laoshan")
    other = records.ids(app, Enterprise, district_id=laoshan)[0]
    assert client.get(f"/api/v1/enterprise/{other}").status_code == 404
    assert client.get(f"/enterpriseview/show/{other}").status_code == 404
    assert client.put(f"/api/v1/enterprise/{other}", json={"name": "改名"}).status_code == 404
    with app.app_context():
        assert db.session.get(Enterprise, other).name != "改名"


def test_district_authority_cannot_register_an_enterprise_elsewhere(app, client):
    login(client, "district_authority_shinan")
    before = records.count(app, Enterprise)
    answer = client.post(
        "/api/v1/enterprise/",
        json={"name": "青岛测试建设有限公司", "credit_code": "91350100M000100Y43", "district": district_id(app, "laoshan")},
    )
    assert answer.status_code == 403
    assert records.count(app, Enterprise) == before
    answer = client.post(
        "/api/v1/enterprise/",
        json={"name": "青岛测试建设有限公司", "credit_code": "91350100M000100Y43", "district": district_id(app, "shinan")},
    )
    assert answer.status_code == 201, answer.get_json()
    assert records.count(app, Enterprise) == before + 1


def test_credit_code_is_checked_and_unique_across_districts(app, client):
    login(client, "district_authority_shinan")
    bad = client.post(
        "/api/v1/enterprise/", json={"name": "甲公司", "credit_code": "91350100M000100Y44", "district": district_id(app, "shinan")}
    )
    assert bad.status_code == 422
    assert bad.get_json()["message"]["credit_code"] == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4"]
    with app.app_context():
        taken = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").first().credit_code
    duplicate = client.post("/api/v1/enterprise/", json={"name": "乙公司", "credit_code": taken, "district": district_id(app, "shinan")})
    assert duplicate.status_code == 422
    assert "不能重复" in duplicate.get_json()["message"]["credit_code"][0]


def test_supervisor_reads_its_district_projects_but_cannot_write_the_registry(app, client):
    login(client, "supervisor_shibei")
    shibei = district_id(app, "shibei")
    projects = client.get("/api/v1/project/?q=(page_size:100)").get_json()
    assert {row["district"]["id"] for row in projects["result"]} == {shibei}
    answer = client.post("/api/v1/project/", json={"name": "x", "permit_no": "x1", "enterprise": 1, "district": shibei})
    assert answer.status_code in (401, 403)


def test_supervisor_project_assessments_follow_the_project_district(app, client):
    login(client, "supervisor_shinan")
    shinan = district_id(app, "shinan")
    rows = client.get("/api/v1/assessment_project/?q=(page_size:100)").get_json()["result"]
    model = records.kind_model(app, "project")
    with app.app_context():
        expected = db.session.query(model).join(Project, model.project_id == Project.id).filter(Project.district_id == shinan).count()
    assert len(rows) == expected > 0


def test_city_station_sees_every_district(app, client):
    login(client, "city_station")
    assert client.get("/api/v1/enterprise/?q=(page_size:100)").get_json()["count"] == records.count(app, Enterprise)


def test_reviewer_cannot_edit_an_enterprise_self_assessment(app, client):
    login(client, "district_authority_shinan")
    model = records.kind_model(app, "general")
    with app.app_context():
        row = db.session.query(model).join(Enterprise).join(District).filter(District.code == "shinan").first()
    assert client.get(f"/api/v1/assessment_general/{row.id}").status_code == 200
    assert client.put(f"/api/v1/assessment_general/{row.id}", json={"period": "2031"}).status_code in (401, 403)


def test_assessment_lists_filter_by_district_and_by_name_or_credit_code(app, client):
    login(client, "city_station")
    model = records.kind_model(app, "general")
    with app.app_context():
        rows = db.session.query(model).join(Enterprise).join(District).all()
        by_district = {}
        for row in rows:
            by_district.setdefault(row.enterprise.district.name, []).append(row.enterprise.name)
        district, names = next(iter(by_district.items()))
        sample = rows[0].enterprise
    page = visible_text(client.get(f"/generalassessmentview/list/?_flt_1_enterprise={district}").get_data(as_text=True))
    assert all(name in page for name in names)
    others = [n for d, ns in by_district.items() if d != district for n in ns if n not in names]
    assert others and not any(name in page for name in others)
    code_page = visible_text(client.get(f"/generalassessmentview/list/?_flt_0_enterprise={sample.credit_code[-8:]}").get_data(as_text=True))
    assert sample.name in code_page
    assert not any(name in code_page for name in {r.enterprise.name for r in rows} - {sample.name})
