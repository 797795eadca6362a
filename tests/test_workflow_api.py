"""The assessment workflow over REST only: an integration holding a JWT and no browser files, scores,
uploads, submits, reviews, returns and approves every item-scored kind, and is refused (4xx, in
Chinese) where the 办理 page refuses: wrong input, a stale version, the wrong role, another
enterprise's record."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from cli.demo_data import DEMO_PASSWORD
from models import AppUser, AssessmentRecord, District, Enterprise, Person, Project, db
from tests.workflow_support import PDF
from workflow.rules import status_for

API = "/api/v1/workflow"


class Caller:
    """A client of the API logged in with a JWT."""

    def __init__(self, app: Flask, username: str) -> None:
        self.client: FlaskClient = app.test_client()
        answer = self.client.post("/api/v1/security/login", json={"username": username, "password": DEMO_PASSWORD, "provider": "db"})
        assert answer.status_code == 200, answer.get_json()
        self.headers = {"Authorization": f"Bearer {answer.get_json()['access_token']}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kwargs)

    def delete(self, url: str) -> Any:
        return self.client.delete(url, headers=self.headers)

    def record(self, kind: str, pk: int) -> dict[str, Any]:
        answer = self.get(f"{API}/{kind}/{pk}")
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def write(self, kind: str, pk: int, action: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        """POST ``body`` with the record's current version; asserts the answer's status."""
        version = self.record(kind, pk)["lock_version"]
        answer = self.post(f"{API}/{kind}/{pk}/{action}", json={"lock_version": version, **body})
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()

    def upload(self, kind: str, pk: int, where: str) -> dict[str, Any]:
        answer = self.post(f"{API}/{kind}/{pk}/evidence", data={"item_code": where, "file": (_pdf(), "证明.pdf")})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()


def _pdf(content: bytes = PDF) -> io.BytesIO:
    return io.BytesIO(content)


SAMPLE = {
    "string": "测试填写",
    "text": "情况说明",
    "phone": "13912345678",
    "date": "2027-05-31",
    "integer": 12,
    "decimal": 1.5,
    "boolean": True,
}


def sample_header(kind: Any) -> dict[str, Any]:
    """A value of the right type for every required header field of the kind (the first choice of a choice)."""
    return {f.code: f.choices[0][0] if f.type == "choice" else SAMPLE.get(f.type, True) for f in kind.header_fields if f.required}


def reviewed_enterprise(app: Flask, without_people: bool = False) -> tuple[int, str]:
    """The first enterprise with a login in a district its own authority reviews, and that login
    (``without_people``: one the demo data registered no people for)."""
    pack = app.extensions["criteria_pack"]
    local = [d.code for d in pack.districts if not d.city_reviewed]
    with app.app_context():
        for code in local:
            for company in db.session.query(Enterprise).join(District).filter(District.code == code).order_by(Enterprise.id):
                user = db.session.query(AppUser).filter_by(enterprise_id=company.id).order_by(AppUser.id).first()
                listed = without_people and db.session.query(Person.id).filter_by(enterprise_id=company.id).first() is not None
                if user is not None and not listed:
                    return company.id, user.username
    raise AssertionError("no enterprise with a login")


def _draft(app: Flask, kind_code: str) -> tuple[Caller, int]:
    """A new draft of the kind made through the generated REST API by the user who fills it:
    (the filler, the new record's id)."""
    kind = app.extensions["criteria_pack"].kinds[kind_code]
    if kind.subject == "project":
        with app.app_context():
            project = db.session.query(Project).join(District, Project.district_id == District.id).filter(District.code == "shinan")
            body: dict[str, Any] = {"project": project.order_by(Project.id).first().id}
        filler = "supervisor_shinan"
    else:
        enterprise_id, filler = reviewed_enterprise(app)
        body = {"enterprise": enterprise_id}
    caller = Caller(app, filler)
    with app.app_context():  # a kind with one record per year: a year the subject has none of yet
        taken = {row.period for row in db.session.query(AssessmentRecord.period).filter_by(kind=kind_code)}
    period = next(str(year) for year in range(2027, 2100) if not kind.one_per_period or str(year) not in taken)
    answer = caller.post(f"/api/v1/assessment_{kind_code}/", json={**body, **sample_header(kind), "period": period})
    assert answer.status_code == 201, answer.get_json()
    return caller, answer.get_json()["id"]


def _entries(kind: Any, share: int = 8) -> dict[str, Any]:
    """Every item at ``share``/10 of its maximum (for sub-tables: ``share``/10 of the result scale)."""
    if kind.scoring.uses_subtables:
        full = kind.scoring.result_max
        return {i.code: {"results": {table: full * share // 10 for table in i.subtables}} for i in kind.items}
    return {i.code: {"score": i.max * share // 10} for i in kind.items}


def _file_evidence(caller: Caller, kind: Any, pk: int) -> None:
    for item in kind.items:
        if item.evidence:
            caller.upload(kind.code, pk, item.code)
    for entry in kind.record_evidence:
        if entry.required:
            caller.upload(kind.code, pk, f"record:{entry.code}")


def _item_scored(app: Flask, item_by_item: bool = True) -> list[Any]:
    """Kinds whose items carry scores, reviewed item by item (a step needs every item 通过) or as a
    whole (RULES §3.6: project records, 通过 or 退回 with an opinion)."""
    pack = app.extensions["criteria_pack"]
    return [
        kind
        for kind in pack.kinds.values()
        if kind.items
        and kind.scoring.scores_items
        and any("all_items_passed" in t.requires for t in kind.workflow.transitions) == item_by_item
    ]


def _submitted(app: Flask, kind: Any) -> tuple[Caller, int]:
    """A draft of the kind, every item at 8/10 and its evidence filed, submitted: all over REST."""
    filler, pk = _draft(app, kind.code)
    opened = filler.record(kind.code, pk)
    assert opened["state"] == "draft" and opened["can_fill"] and not opened["can_review"]
    submit = next(t for t in opened["transitions"] if t["code"] == "submit")
    assert submit["blocked"] and "尚不能提交" in submit["blocked"]
    assert filler.write(kind.code, pk, "entries", {"items": _entries(kind)})["message"] == "得分已保存（草稿）"
    _file_evidence(filler, kind, pk)
    assert not filler.record(kind.code, pk)["missing"]
    submitted = filler.write(kind.code, pk, "transition", {"code": "submit", "opinion": "请审核"})
    assert submitted["record"]["state"] == "submitted", submitted
    return filler, pk


def _reviewer(app: Flask, kind: Any, pk: int) -> Caller:
    """Whoever reviews the record: the city station, or the authority of a district it does not review."""
    pack = app.extensions["criteria_pack"]
    for username in ("city_station", *(f"district_authority_{d.code}" for d in pack.districts if not d.city_reviewed)):
        caller = Caller(app, username)
        answer = caller.get(f"{API}/{kind.code}/{pk}")
        if answer.status_code == 200 and (
            answer.get_json()["can_review"] or any(t["blocked"] is None for t in answer.get_json()["transitions"])
        ):
            return caller
    raise AssertionError(f"nobody reviews {kind.code} {pk}")


def _items(caller: Caller, kind: Any, pk: int) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in caller.record(kind.code, pk)["items"]}


def test_a_crossed_score_is_approved_with_the_authoritys_score(app):
    """× sets the authority's 考核得分; with every item 通过 the record is approved, and its total is
    built from the authority's scores (RULES §3.6)."""
    for kind in _item_scored(app):
        crossed_score_journey(app, kind)


def test_a_rejected_item_returns_the_record_and_a_changed_accepted_item_is_reviewed_again(app):
    for kind in _item_scored(app):
        rejected_item_journey(app, kind)


def crossed_score_journey(app: Flask, kind: Any) -> None:
    _, pk = _submitted(app, kind)
    reviewer = _reviewer(app, kind, pk)
    waiting = reviewer.record(kind.code, pk)
    assert waiting["can_review"] and not waiting["can_fill"]
    first, *rest = kind.items
    decisions: dict[str, Any] = {i.code: {"decision": "pass"} for i in kind.items}
    if kind.scoring.overridable:
        decisions[first.code] = {"verdict": "override", "assessed": first.max // 2, "opinion": "台账与现场不符", "decision": "pass"}
    reviewed = reviewer.write(kind.code, pk, "review", {"items": decisions})
    assert reviewed["message"] == f"已保存 {len(kind.items)} 项审核结果" and reviewed["record"]["state"] == "submitted"
    approved = reviewer.write(kind.code, pk, "transition", {"code": "approve", "opinion": "同意"})["record"]
    assert approved["state"] == "approved" and approved["grade"], (kind.code, approved)
    assert approved["transitions"] == [] and not approved["can_fill"]
    if kind.scoring.overridable:
        rows = {row["code"]: row for row in approved["items"]}
        assert rows[first.code]["score_decision"] == "override" and Decimal(rows[first.code]["assessed_score"]) == first.max // 2
        assert Decimal(rows[rest[0].code]["assessed_score"]) == Decimal(rows[rest[0].code]["self_score"])
        assert Decimal(approved["total"]) == sum(Decimal(row["assessed_score"]) for row in rows.values())


def rejected_item_journey(app: Flask, kind: Any) -> None:
    filler, pk = _submitted(app, kind)
    reviewer = _reviewer(app, kind, pk)
    first, second, *rest = kind.items
    decisions = {i.code: {"decision": "pass"} for i in kind.items}
    decisions[first.code] = {"decision": "reject", "opinion": "缺少安全生产责任制考核记录"}
    rejected = reviewer.write(kind.code, pk, "review", {"items": decisions})
    assert "1 项驳回，已退回修改" in rejected["message"] and rejected["record"]["state"] == "returned"

    entries = _entries(kind)
    entries[second.code] = _entries(kind, share=9)[second.code]  # an item the reviewer had passed
    changed = filler.write(kind.code, pk, "entries", {"items": entries})
    assert "1 项审核已通过的内容有改动，将重新审核" in changed["message"]
    assert filler.write(kind.code, pk, "transition", {"code": "submit", "opinion": "已补充"})["record"]["state"] == "submitted"
    rows = _items(reviewer, kind, pk)
    assert rows[second.code]["review_status"] == status_for(kind, "pending") and rows[second.code]["changed_since_review"]
    assert rows[first.code]["review_status"] == status_for(kind, "pending")  # the rejected item is reviewed again
    assert all(rows[i.code]["review_status"] == status_for(kind, "pass") for i in rest)
    refused = reviewer.write(kind.code, pk, "transition", {"code": "approve", "opinion": "同意"}, status=422)
    assert "还有评分项未审核通过" in refused["message"]

    again = {code: {"decision": "pass"} for code in (first.code, second.code)}
    assert reviewer.write(kind.code, pk, "review", {"items": again})["message"] == "已保存 2 项审核结果"
    approved = reviewer.write(kind.code, pk, "transition", {"code": "approve", "opinion": "同意"})["record"]
    assert approved["state"] == "approved", (kind.code, approved)
    assert not any(row["changed_since_review"] for row in approved["items"])


def test_a_record_reviewed_as_a_whole_is_returned_and_approved_with_an_opinion(app):
    """Project records (RULES §3.6): no item-by-item review; 退回 and 通过 each need an opinion, and the
    approved total is built from the results the filler entered."""
    kinds = _item_scored(app, item_by_item=False)
    assert kinds or app.extensions["criteria_pack"].code != "qingdao"
    for kind in kinds:
        filler, pk = _submitted(app, kind)
        reviewer = _reviewer(app, kind, pk)
        waiting = reviewer.record(kind.code, pk)
        assert not waiting["can_review"] and {t["code"] for t in waiting["transitions"] if t["blocked"] is None} >= {"approve", "return"}
        assert "需要填写意见" in reviewer.write(kind.code, pk, "transition", {"code": "return"}, status=422)["message"]
        returned = reviewer.write(kind.code, pk, "transition", {"code": "return", "opinion": "起重机械检测报告缺失"})["record"]
        assert returned["state"] == "returned"
        assert filler.write(kind.code, pk, "transition", {"code": "submit", "opinion": "已补充"})["record"]["state"] == "submitted"
        assert "需要填写意见" in reviewer.write(kind.code, pk, "transition", {"code": "approve"}, status=422)["message"]
        approved = reviewer.write(kind.code, pk, "transition", {"code": "approve", "opinion": "同意"})["record"]
        assert approved["state"] == "approved" and approved["total"] is not None and approved["grade"], approved


def test_the_api_refuses_what_the_page_refuses_and_stores_nothing(app):
    kind = next(k for k in _item_scored(app) if k.scoring.overridable)
    filler, pk = _draft(app, kind.code)
    first = kind.items[0]
    filler.write(kind.code, pk, "entries", {"items": {first.code: {"score": 1}}})

    wrong = filler.write(kind.code, pk, "entries", {"items": {first.code: {"score": first.max + 1}}}, status=422)
    assert first.code in wrong["errors"] and f"应在 0 到 {first.max} 之间" in wrong["errors"][first.code]
    assert "未保存" in wrong["message"]
    unknown = filler.write(kind.code, pk, "entries", {"items": {"no_such_item": {"score": 1}}}, status=422)
    assert "不属于" in unknown["message"]
    stored = next(row for row in filler.record(kind.code, pk)["items"] if row["code"] == first.code)
    assert stored["self_score"] == "1"

    stale = filler.post(f"{API}/{kind.code}/{pk}/entries", json={"lock_version": 0, "items": {first.code: {"score": 2}}})
    assert stale.status_code == 409 and "已被他人修改" in stale.get_json()["message"]
    not_json = filler.post(f"{API}/{kind.code}/{pk}/entries", data="score=2", content_type="text/plain")
    assert not_json.status_code == 400 and not_json.get_json()["message"] == "请求体应为 JSON 对象"
    filler.write(kind.code, pk, "review", {"items": {first.code: {"decision": "pass"}}}, status=403)
    unknown_step = filler.write(kind.code, pk, "transition", {"code": "approve"}, status=422)
    assert "不能执行" in unknown_step["message"]

    uploaded = filler.upload(kind.code, pk, first.code)["record"]["evidence"]
    attachment = next(f["id"] for f in uploaded if f["item_code"] == first.code)
    elsewhere = filler.post(f"{API}/{kind.code}/{pk}/evidence", data={"item_code": "nowhere", "file": (_pdf(), "a.pdf")})
    assert elsewhere.status_code == 422 and "不属于本考核" in elsewhere.get_json()["message"]
    not_pdf = filler.post(f"{API}/{kind.code}/{pk}/evidence", data={"item_code": first.code, "file": (_pdf(b"hello"), "a.pdf")})
    assert not_pdf.status_code == 422

    stranger = Caller(app, "enterprise_02")
    assert stranger.get(f"{API}/{kind.code}/{pk}").status_code == 404
    assert stranger.post(f"{API}/{kind.code}/{pk}/entries", json={"lock_version": 1, "items": {}}).status_code == 404
    assert stranger.delete(f"{API}/evidence/{attachment}").status_code == 404
    assert Caller(app, "district_authority_laoshan").delete(f"{API}/evidence/{attachment}").status_code == 403
    assert app.test_client().get(f"{API}/{kind.code}/{pk}").status_code == 401

    removed = filler.delete(f"{API}/evidence/{attachment}")
    assert removed.status_code == 200 and removed.get_json()["message"] == "已删除“证明.pdf”"
    assert not filler.record(kind.code, pk)["evidence"]


def test_the_workflow_endpoints_are_documented(app):
    spec = Caller(app, "admin").get("/api/v1/_openapi").get_json()
    paths = {path.removeprefix("/api/v1") for path in spec["paths"] if path.startswith("/api/v1/workflow/")}
    assert {
        "/workflow/{kind_code}/{pk}",
        "/workflow/{kind_code}/{pk}/entries",
        "/workflow/{kind_code}/{pk}/review",
        "/workflow/{kind_code}/{pk}/transition",
        "/workflow/{kind_code}/{pk}/evidence",
        "/workflow/evidence/{attachment_id}",
    } <= paths
    post = spec["paths"]["/api/v1/workflow/{kind_code}/{pk}/review"]["post"]
    assert "逐项审核" in post["summary"] and {"403", "409", "422"} <= set(post["responses"])
    assert {parameter["name"] for parameter in post["parameters"]} == {"kind_code", "pk"}
    assert (
        "verdict"
        in post["requestBody"]["content"]["application/json"]["schema"]["properties"]["items"]["additionalProperties"]["properties"]
    )


def test_a_daily_entry_is_declared_returned_resubmitted_and_approved_over_rest(app):
    daily = app.extensions["criteria_pack"].catalogue_kind
    assert daily is not None
    entry = next(e.code for e in daily.catalogue if "enterprise" in e.applies_to)
    with app.app_context():
        enterprise = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first().id
        username = db.session.query(AppUser).filter_by(enterprise_id=enterprise).order_by(AppUser.id).first().username
    filler = Caller(app, username)
    body = {"enterprise": enterprise, "period": "2027", "entry": entry, "occurred_on": "2027-03-01", "quantity": 1}
    created = filler.post(f"/api/v1/assessment_{daily.code}/", json=body)
    assert created.status_code == 201, created.get_json()
    pk = created.get_json()["id"]
    _file_evidence(filler, daily, pk)
    assert filler.write(daily.code, pk, "transition", {"code": "submit", "opinion": "申报"})["record"]["state"] == "submitted"
    reviewer = _reviewer(app, daily, pk)
    refused = reviewer.write(daily.code, pk, "transition", {"code": "return"}, status=422)
    assert "需要填写意见" in refused["message"]
    returned = reviewer.write(daily.code, pk, "transition", {"code": "return", "opinion": "文书编号缺失"})["record"]
    assert returned["state"] == "returned"
    assert filler.write(daily.code, pk, "transition", {"code": "submit", "opinion": "已补充"})["record"]["state"] == "submitted"
    approved = reviewer.write(daily.code, pk, "transition", {"code": "approve", "opinion": "同意"})["record"]
    assert approved["state"] == "approved" and not approved["transitions"]
