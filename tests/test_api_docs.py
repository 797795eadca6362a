"""The REST API documents itself (OpenAPI, Swagger UI) and describes its columns in Chinese."""

from __future__ import annotations

import re

from tests.support import login


def test_openapi_lists_every_generated_kind(client):
    login(client, "admin")
    spec = client.get("/api/v1/_openapi").get_json()
    paths = set(spec["paths"])
    for resource in ("assessment_general", "assessment_director", "assessment_project", "assessment_daily", "enterprise", "project"):
        assert f"/api/v1/{resource}/" in paths
    assert client.get("/swagger/v1").status_code == 200


def test_info_descriptions_are_chinese(client):
    login(client, "enterprise_01")
    info = client.get("/api/v1/assessment_general/_info").get_json()
    descriptions = info.get("description_columns") or {}
    fields = {f["name"]: f for f in info["add_columns"]}
    assert fields["contact_phone"]["description"] == "联系电话：提交时必填，草稿可暂不填写"
    assert all(re.search(r"[\u4e00-\u9fff]", f.get("description", "") or "") for f in fields.values()), fields
    assert descriptions == {} or all(re.search(r"[\u4e00-\u9fff]", d) for d in descriptions.values())


def test_list_descriptions_cover_every_column(client):
    login(client, "city_station")
    body = client.get("/api/v1/enterprise/").get_json()
    assert all(re.search(r"[\u4e00-\u9fff]", d) for d in body["description_columns"].values())
