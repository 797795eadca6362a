"""Bad scores on the 办理 page (fill-in, live preview, item review): a Chinese message naming the
item, and nothing stored — item rows, the record's version and its history stay as they were.

Out-of-range and too-precise self scores, and sub-table results, are covered in
test_workflow_self_assessment.py and test_project_assessment.py; this module adds the values a
person or a hand-made request can still send: NaN, infinities, huge exponents, codes of items that
are not in the kind, and a reviewer's bad decision or assessed score.
"""

from __future__ import annotations

import pytest

from models import AppUser, District, Enterprise, ReviewHistory, db
from tests import records
from tests.support import csrf_token, login
from tests.workflow_support import page_url, post, text

KIND = "general"
HEADER = {"contact_person": "张三", "contact_phone": "13912345678"}


def kind_of(app, code=KIND):
    return app.extensions["criteria_pack"].kinds[code]


def stored(app, pk: int, code: str = KIND) -> tuple:
    """Everything a refused form must leave unchanged."""
    with app.app_context():
        record = db.session.get(records.kind_model(app, code), pk)
        rows = sorted((r.item_code, r.self_score, r.not_applicable, r.assessed_score, r.opinion, r.review_status) for r in record.items)
        history = db.session.query(ReviewHistory).filter_by(assessment_id=pk).count()
        return record.state, record.lock_version, rows, history


@pytest.fixture
def draft(app, client):
    """A laoshan enterprise user (reviewed by its district authority) logged in, with a fresh draft."""
    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        enterprise_id = company.id
        username = db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username
    login(client, username)
    answer = client.post(f"/api/v1/assessment_{KIND}/", json={"enterprise": enterprise_id, "period": "2027", **HEADER})
    assert answer.status_code == 201
    return answer.get_json()["id"]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("NaN", "的自评分应为数字，填写的是“NaN”"),
        ("sNaN", "的自评分应为数字，填写的是“sNaN”"),
        ("Infinity", "的自评分应为数字，填写的是“Infinity”"),
        ("-inf", "的自评分应为数字，填写的是“-inf”"),
        ("1e999999999", "的自评分应在 0 到"),
        ("-0.5", "的自评分应在 0 到"),
        ("3.255", "的自评分最多保留 2 位小数"),
        ("１２分", "的自评分应为数字"),
        ("9" * 500, "的自评分应在 0 到"),
    ],
)
def test_a_self_score_that_is_not_a_plain_number_in_range_is_refused(app, client, draft, typed, says):
    first = kind_of(app).items[0]
    before = stored(app, draft)
    answer = post(client, KIND, draft, "scores", {f"score_{first.code}": typed})
    page = text(answer)
    assert f"“{first.name}”{says}" in page
    assert "未保存" in page
    assert len(page) < 200_000  # the message quotes the value briefly, never writes it out in full
    assert stored(app, draft) == before
    token = csrf_token(client, page_url(KIND, draft))
    live = client.post(f"{page_url(KIND, draft)}/preview", data={f"score_{first.code}": typed}, headers={"X-CSRFToken": token})
    assert live.status_code == 422 and first.name in live.get_json()["message"]


def test_item_codes_of_another_kind_are_refused_not_dropped(app, client, draft):
    director_item = kind_of(app, "director").items[0].code
    first = kind_of(app).items[0]
    before = stored(app, draft)
    form = {f"score_{first.code}": "1", f"score_{director_item}": "5", "na_no_such_item": "1"}
    page = text(post(client, KIND, draft, "scores", form))
    assert f"考核项目“{director_item}、no_such_item”不属于{kind_of(app).short_name}，未保存" in page
    assert stored(app, draft) == before  # the valid score in the same form was not saved either
    token = csrf_token(client, page_url(KIND, draft))
    live = client.post(f"{page_url(KIND, draft)}/preview", data={"result_scaffolding_x": "80"}, headers={"X-CSRFToken": token})
    assert live.status_code == 422 and "不属于" in live.get_json()["message"]


@pytest.fixture
def submitted(app, client, draft):
    """The draft with every self score filled, put under review (the submit step itself, with its
    evidence checks, is covered by the journey tests); the district authority logged in."""
    fill = {f"score_{item.code}": str(item.max) for item in kind_of(app).items}
    assert "得分已保存" in text(post(client, KIND, draft, "scores", fill))
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), draft)
        record.state = "submitted"
        db.session.commit()
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    return draft


@pytest.mark.parametrize(
    ("decision", "assessed", "says"),
    [
        ("maybe", "", "的审核结论应为“通过”或“驳回”"),
        ("pass", "NaN", "的考核得分应为数字，填写的是“NaN”"),
        ("pass", "Infinity", "的考核得分应为数字，填写的是“Infinity”"),
        ("pass", "1e999999999", "打 × 时须填写考核得分（0 到"),
        ("reject", "-1", "打 × 时须填写考核得分（0 到"),
        ("pass", "2.255", "的考核得分最多保留 2 位小数"),
        ("reject", "二", "的考核得分应为数字，填写的是“二”"),
    ],
)
def test_a_bad_review_decision_or_assessed_score_is_refused(app, client, submitted, decision, assessed, says):
    first = kind_of(app).items[0]
    before = stored(app, submitted)
    page = text(
        post(
            client,
            KIND,
            submitted,
            "review",
            {
                f"verdict_{first.code}": "override",
                f"decision_{first.code}": decision,
                f"assessed_{first.code}": assessed,
                f"opinion_{first.code}": "资料不全",
            },
        )
    )
    assert f"“{first.name}”{says}" in page
    assert "未保存" in page
    assert stored(app, submitted) == before


def test_review_fields_for_unknown_items_are_refused(app, client, submitted):
    first = kind_of(app).items[0]
    before = stored(app, submitted)
    page = text(post(client, KIND, submitted, "review", {f"decision_{first.code}": "pass", "decision_no_such_item": "pass"}))
    assert "考核项目“no_such_item”不属于" in page
    assert stored(app, submitted) == before
    assert "已保存 1 项审核结果" in text(post(client, KIND, submitted, "review", {f"decision_{first.code}": "pass"}))


def test_a_director_item_marked_not_applicable_is_refused(app, client):
    """The safety-director kind declares no 缺项 rule: the page offers no 不涉及 box, and a form that
    sends one anyway is refused, naming the item, with nothing stored."""
    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        username = db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username
    login(client, username)
    answer = client.post(
        "/api/v1/assessment_director/",
        json={"enterprise": company.id, "period": "2027", "director_name": "张三", "contact_phone": "13912345678"},
    )
    assert answer.status_code == 201, answer.get_json()
    pk = answer.get_json()["id"]
    first = kind_of(app, "director").items[0]
    assert f'name="na_{first.code}"' not in client.get(page_url("director", pk)).get_data(as_text=True)
    before = stored(app, pk, "director")
    page = text(post(client, "director", pk, "scores", {f"na_{first.code}": "1"}))
    assert f"“{first.name}”不能标为不涉及：本考核的每一项都须评分" in page
    assert stored(app, pk, "director") == before
