"""Bad values sent to the REST API: each refused with a Chinese message naming the field, nothing stored.

Found by fuzzing (tests/test_fuzz_api.py): a reference to a record that does not exist used to
create a new related row (or crash on an object with other keys), and an id larger than any key
made the database driver fail with a server error.
"""

from __future__ import annotations

import pytest

from models import Enterprise, Project, db
from tests import records
from tests.support import login

USER = "enterprise_01"
HUGE = 10**22  # larger than any BIGINT key


def general(app):
    return records.kind_model(app, "general")


def item_model(app, kind="general"):
    return app.extensions["kind_models"][kind].item


def snapshot(app) -> tuple[int, ...]:
    """Row counts a refused request must leave as they were."""
    with app.app_context():
        return (
            db.session.query(Enterprise).count(),
            db.session.query(Project).count(),
            db.session.query(general(app)).count(),
            db.session.query(item_model(app)).count(),
        )


def messages(answer) -> dict[str, list[str]]:
    assert answer.status_code == 422, (answer.status_code, answer.get_data(as_text=True))
    return answer.get_json()["message"]


@pytest.fixture
def enterprise_user(client):
    login(client, USER)
    return client


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (999_999, "施工企业：编号为 999999 的记录不存在"),
        ({"id": 999_998, "name": "新企业", "credit_code": "91370200MA3C6XYZ1K"}, "施工企业应为记录编号（正整数）"),
        ({"名称": False}, "施工企业应为记录编号（正整数）"),
        (True, "施工企业应为记录编号（正整数）"),
        ("七", "施工企业应为记录编号（正整数）"),
        (HUGE, "施工企业应为记录编号（正整数）"),
        (-3, "施工企业应为记录编号（正整数）"),
    ],
)
def test_a_reference_names_an_existing_record_or_is_refused(app, enterprise_user, reference, expected):
    before = snapshot(app)
    answer = enterprise_user.post("/api/v1/assessment_general/", json={"enterprise": reference, "period": "2027"})
    assert messages(answer) == {"enterprise": [expected]}
    assert snapshot(app) == before  # no new enterprise, no assessment, no item rows


def test_a_nested_object_cannot_create_an_enterprise_through_a_project(app, client):
    login(client, "city_station")
    before = snapshot(app)
    answer = client.post(
        "/api/v1/project/",
        json={
            "name": "某项目",
            "permit_no": "370200202701010101",
            "district": 1,
            "enterprise": {"name": "凭空出现的企业", "credit_code": "91370200MA3C6XYZ1K", "district_id": 1},
        },
    )
    assert messages(answer) == {"enterprise": ["施工企业应为记录编号（正整数）"]}
    assert snapshot(app) == before


def test_wrong_types_are_named_in_chinese(app, enterprise_user):
    before = snapshot(app)
    own = records.enterprise_of(app, USER)
    answer = enterprise_user.post(
        "/api/v1/assessment_general/", json={"enterprise": own, "period": 2027, "contact_phone": ["13912345678"], "state": "approved"}
    )
    assert messages(answer) == {"period": ["考核年度应为文字"], "contact_phone": ["联系电话应为文字"], "state": ["不是可以填写的字段"]}
    assert messages(enterprise_user.post("/api/v1/assessment_general/", json=[own])) == {
        "_schema": ['请求体应为 JSON 对象，如 {"字段": 值}']
    }
    assert messages(enterprise_user.post("/api/v1/assessment_general/", json={"period": "2027"})) == {"enterprise": ["请填写施工企业"]}
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({"self_score": "NaN"}, "自评分应为有限的数字（不接受 NaN 或无穷大）"),
        ({"self_score": "-Infinity"}, "自评分应为有限的数字（不接受 NaN 或无穷大）"),
        ({"self_score": 1e400}, "自评分应为有限的数字（不接受 NaN 或无穷大）"),
        ({"self_score": "十二"}, "自评分应为数字"),
        ({"self_score": [12]}, "自评分应为数字"),
        ({"not_applicable": "也许"}, "不涉及（缺项）应为 true 或 false"),
        ({"item_code": "safety_investment_x"}, "不是可以填写的字段"),
        ({"assessed_score": 15}, "不是可以填写的字段"),
    ],
)
def test_item_scores_of_the_wrong_kind_are_refused_and_stored_nothing(app, enterprise_user, sent, expected):
    own = records.enterprise_of(app, USER)
    rows = item_model(app)
    with app.app_context():
        mine = db.session.query(general(app)).filter_by(enterprise_id=own).first()
        row = db.session.query(rows).filter_by(assessment_id=mine.id).first()
        row_id, before = row.id, (row.self_score, row.not_applicable, row.item_code, row.assessed_score)
    answer = enterprise_user.put(f"/api/v1/assessment_general_item/{row_id}", json=sent)
    assert messages(answer) == {next(iter(sent)): [expected]}
    with app.app_context():
        row = db.session.get(rows, row_id)
        assert (row.self_score, row.not_applicable, row.item_code, row.assessed_score) == before


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_an_id_no_key_can_hold_answers_404(app, client, method):
    login(client, "admin")
    before = snapshot(app)
    resources = ["enterprise", "project", "assessment_project"] + (["assessment_general_item"] if method != "delete" else [])
    for resource in resources:
        answer = getattr(client, method)(f"/api/v1/{resource}/{HUGE}", json={"name": "x"} if method == "put" else None)
        assert answer.status_code == 404, (resource, answer.status_code)
    assert snapshot(app) == before


def test_pages_with_an_id_no_key_can_hold_answer_404(client):
    login(client, "city_station")
    assert client.get(f"/assessment/general/{HUGE}").status_code == 404
    assert client.get(f"/enterpriseview/show/{HUGE}").status_code == 404
    assert client.get(f"/assessment/file/{HUGE}").status_code == 404


@pytest.mark.parametrize("query", ["-4.333005106301046e%2B16", "1e%2B5", "(page:1e%2B5)"])
def test_an_unreadable_query_argument_answers_400_in_chinese(enterprise_user, query):
    answer = enterprise_user.get(f"/api/v1/assessment_general_item/?q={query}")
    assert answer.status_code == 400
    assert answer.get_json()["message"].startswith("查询参数 q 无效")
    assert enterprise_user.get("/api/v1/assessment_general_item/?q=(page:0,page_size:5)").status_code == 200
