"""A new assessment kind declared in YAML alone gets a table, CRUD screens and a REST endpoint."""

from __future__ import annotations

import re

import pytest

from tests import records
from tests.support import csrf_token, login, visible_text

TOY = """\
version: "2026.1"
code: toy_check
name: 玩具安全专项检查
short_name: 玩具检查
subject: enterprise
filled_by: enterprise
reviewed_by: [city_station]
grade_scale: licence
total: 30
header_fields:
  - {code: inspector, label: 检查人员, type: string, required: true, max_length: 40}
  - {code: inspected_on, label: 检查日期, type: date}
items:
  - {code: storage, name: 物料存放, max: 10, standard: 按规定分类存放, evidence: [存放记录]}
  - {code: labels, name: 安全标识, max: 20, standard: 标识齐全清晰}
scoring:
  method: sum
  zero_item_forces_total_zero: false
  missing_items: ignore
  score_places: 1
  rounding: {places: 2, mode: half_up, compare_on: rounded}
workflow:
  initial: draft
  states:
    - {code: draft, label: 草稿, editable: true}
    - {code: approved, label: 审核通过}
  transitions:
    - {code: approve, label: 审核通过, from: [draft], to: approved, roles: [city_station]}
  item_statuses:
    - {code: pending, label: 待审核, means: pending}
    - {code: ok, label: 通过, means: pass}
    - {code: bad, label: 不通过, means: reject}
"""


@pytest.fixture
def toy_pack(pack_copy):
    (pack_copy / "toy.yaml").write_text(TOY, encoding="utf-8")
    manifest = pack_copy / "pack.yaml"
    listed = re.sub(r"(kinds: \[[^\]]*)\]", r"\1, toy.yaml]", manifest.read_text(encoding="utf-8"))
    assert "toy.yaml" in listed
    manifest.write_text(listed, encoding="utf-8")
    return pack_copy


@pytest.fixture
def toy_app(toy_pack, app_for_pack):
    return app_for_pack


def test_new_kind_from_yaml_only(toy_app):
    """Importing the folder as a new version created the kind's header table (records and items are
    core rows): no schema step is left, and the kind is served at once."""
    runner = toy_app.test_cli_runner()
    assert "数据库结构与考核标准一致" in runner.invoke(args=["criteria", "plan"]).output

    client = toy_app.test_client()
    login(client, "enterprise_01")
    own = records.enterprise_of(toy_app, "enterprise_01")
    created = client.post("/api/v1/assessment_toy_check/", json={"enterprise": own, "period": "2026", "inspector": "王五"})
    assert created.status_code == 201, created.get_json()
    listed = client.get("/api/v1/assessment_toy_check/").get_json()
    assert listed["count"] == 1
    shown = client.get(f"/api/v1/assessment_toy_check/{created.get_json()['id']}").get_json()
    assert shown["result"]["inspector"] == "王五" and shown["result"]["state"] == "draft"
    assert shown["description_columns"]["inspector"] == "检查人员：提交时必填，草稿可暂不填写"

    page = visible_text(client.get("/toycheckassessmentview/list/").get_data(as_text=True))
    assert "玩具检查" in page and "草稿" in page
    form = client.get("/toycheckassessmentview/add").get_data(as_text=True)
    assert "检查人员" in form and "检查日期" in form
    token = csrf_token(client, "/toycheckassessmentview/add")
    added = client.post(
        "/toycheckassessmentview/add",
        data={"csrf_token": token, "enterprise": str(own), "period": "2026", "inspector": "赵六", "inspected_on": ""},
    )
    assert added.status_code == 302
    assert client.get("/api/v1/assessment_toy_check/").get_json()["count"] == 2
    model = records.kind_model(toy_app, "toy_check")
    shown = client.get(f"/toycheckassessmentview/show/{records.ids(toy_app, model)[0]}").get_data(as_text=True)
    assert "物料存放" in shown and "安全标识" in shown and "王五" in shown


def test_a_yaml_only_kind_is_served_on_a_fresh_database(backend, toy_pack):
    """What start.sh does on an empty database (migrate, sync, demo) makes the new kind work: its
    header table exists, its list, API and 办理 page answer, on SQLite and PostgreSQL."""
    from tests.conftest import dispose, make_app, prepare

    url = backend.create_empty("toy_fresh")
    try:
        prepare(url, CRITERIA_PACK=str(toy_pack))
        app = make_app(url, CRITERIA_PACK=str(toy_pack))
        assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
        client = app.test_client()
        login(client, "enterprise_01")
        own = records.enterprise_of(app, "enterprise_01")
        created = client.post("/api/v1/assessment_toy_check/", json={"enterprise": own, "period": "2026", "inspector": "王五"})
        assert created.status_code == 201, created.get_json()
        html = client.get(f"/assessment/toy_check/{created.get_json()['id']}").get_data(as_text=True)
        assert "物料存放" in visible_text(html) and 'name="header_inspector"' in html and 'value="王五"' in html  # editable in place
        assert "玩具检查" in visible_text(client.get("/toycheckassessmentview/list/").get_data(as_text=True))
        assert app.test_cli_runner().invoke(args=["criteria", "plan"]).output.strip().startswith("数据库结构与考核标准一致")
        dispose(app)
    finally:
        backend.drop(url)
