"""POST /api/v1/registry/projects: the permit platform pushes records; only the city station (and the
administrator) may; the rows go through the same upsert and per-row report as the file import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Enterprise, Project, db
from models.credit_code import check_character
from tests import records
from tests.support import login

URL = "/api/v1/registry/projects"


def credit_code(n: int) -> str:
    body = f"91370288{n:09d}"
    return body + check_character(body)


def record(n: int, **changes: object) -> dict[str, object]:
    return {
        "permit_no": f"PUSH{n:06d}",
        "name": f"推送测试{n}号楼",
        "enterprise_name": f"青岛推送测试{n}建设有限公司",
        "credit_code": credit_code(n),
        "district": "市南区",
        "project_manager": "张工",
        "building_area": 12000.5,
        "address": f"推送路{n}号",
        **changes,
    }


PUSH = {"records": [record(1), record(2, district="laoshan"), record(3, credit_code="91370288000000000X")]}


def test_city_station_pushes_and_a_re_push_changes_nothing(app, client):
    login(client, "city_station")
    answer = client.post(URL, json=PUSH)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["summary"] == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "enterprises_created": 2,
        "enterprises_renamed": 0,
    }
    assert [(r["row"], r["field"]) for r in body["rejected"]] == [(3, "统一社会信用代码")]
    assert body["rejected"][0]["reason"]
    with app.app_context():
        project = db.session.query(Project).filter_by(permit_no="PUSH000002").one()
        assert project.district.code == "laoshan" and project.building_area == Decimal("12000.50")
        assert project.enterprise.credit_code == credit_code(2)
        assert db.session.query(Project).filter_by(permit_no="PUSH000003").count() == 0

    again = client.post(URL, json=PUSH).get_json()
    assert again["summary"]["unchanged"] == 2 and again["summary"]["created"] == again["summary"]["updated"] == 0
    assert again["message"] == "新建 0，更新 0，未变化 2，拒绝 1"

    changed = client.post(URL, json={"records": [record(1, project_manager="李工")]}).get_json()
    assert changed["summary"]["updated"] == 1


@pytest.mark.parametrize("username", ["enterprise_01", "supervisor_shinan", "district_authority_shinan"])
def test_other_roles_may_not_push(app, client, username):
    before = records.count(app, Project)
    login(client, username)
    answer = client.post(URL, json=PUSH)
    assert answer.status_code == 403
    assert "无权推送" in answer.get_json()["message"]
    assert records.count(app, Project) == before


def test_admin_pushes_and_anonymous_may_not(app, client):
    before = records.count(app, Project)
    assert client.post(URL, json=PUSH, headers={"Authorization": "Bearer not-a-token"}).status_code in (401, 422)
    assert client.post(URL, json=PUSH).status_code in (400, 401)  # no session: CSRF, then login, refuse it
    assert records.count(app, Project) == before
    login(client, "admin")
    assert client.post(URL, json=PUSH).status_code == 200


def test_a_token_client_pushes_without_a_session(app, client):
    from cli.demo_data import DEMO_PASSWORD

    token = client.post(
        "/api/v1/security/login", json={"username": "city_station", "password": DEMO_PASSWORD, "provider": "db"}
    ).get_json()["access_token"]
    answer = client.post(URL, json={"records": [record(7)]}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["summary"]["created"] == 1


def test_bad_requests_are_refused_in_chinese_and_change_nothing(app, client):
    login(client, "city_station")
    before = (records.count(app, Project), records.count(app, Enterprise))
    broken = client.post(URL, data='{"records": [', content_type="application/json")
    assert broken.status_code == 400 and "JSON 格式错误" in broken.get_json()["message"]
    assert client.post(URL, json=[record(1)]).status_code == 400  # not {"records": [...]}
    assert "records" in client.post(URL, json={"rows": []}).get_json()["message"]
    assert client.post(URL, json={"records": []}).status_code == 422

    no_permit = [{k: v for k, v in record(n).items() if k != "permit_no"} for n in (1, 2)]
    missing = client.post(URL, json={"records": no_permit})
    assert missing.status_code == 422 and "施工许可证号" in missing.get_json()["message"]

    all_bad = client.post(URL, json={"records": [record(1, district="火星区"), record(2, name="")]})
    assert all_bad.status_code == 422
    assert [(r["row"], r["field"]) for r in all_bad.get_json()["rejected"]] == [(1, "所在区（市）"), (2, "项目名称")]
    assert (records.count(app, Project), records.count(app, Enterprise)) == before

    login_token = client.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert client.post(URL, json=PUSH).status_code == 400  # a session write without the CSRF header
    client.environ_base["HTTP_X_CSRFTOKEN"] = login_token


def test_the_endpoint_is_documented(client):
    login(client, "admin")
    spec = client.get("/api/v1/_openapi").get_json()
    assert "post" in spec["paths"]["/api/v1/registry/projects"]
