"""The self-assessment journey over HTTP: fill, evidence, submit, review item by item, return,
rectify, resubmit, approve — and every forbidden move refused with nothing changed."""

from __future__ import annotations

import pytest

from models import Attachment, District, Enterprise, ReviewHistory, db
from tests import records
from tests.support import login
from tests.workflow_support import PDF, page_url, post, text, upload

KIND = "general"
DRAFTS = {
    "general": {"contact_person": "张三", "contact_phone": "13912345678"},
    "director": {"director_name": "李四", "contact_phone": "0532-88886666"},
}


@pytest.fixture
def laoshan(app):
    """A laoshan enterprise (reviewed by its district authority) and a fresh draft of it."""
    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        from models import AppUser

        username = db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username
    return company.id, username


def new_draft(app, client, enterprise_id, kind=KIND, period="2027"):
    answer = client.post(f"/api/v1/assessment_{kind}/", json={"enterprise": enterprise_id, "period": period, **DRAFTS[kind]})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def items(app, kind=KIND):
    return app.extensions["criteria_pack"].kinds[kind].items


def fill_scores(app, client, pk, value=lambda item: item.max, kind=KIND):
    return post(client, kind, pk, "scores", {f"score_{i.code}": str(value(i)) for i in items(app, kind)})


def _state(app, pk, kind=KIND):
    with app.app_context():
        return db.session.get(records.kind_model(app, kind), pk).state


def history(app, pk, kind=KIND):
    with app.app_context():
        return [
            (h.action, h.item_code, h.to_state)
            for h in db.session.query(ReviewHistory).filter_by(assessment_id=pk).order_by(ReviewHistory.id)
        ]


@pytest.mark.parametrize("kind", ["general", "director"])
def test_full_journey_with_return_and_resubmission(app, client, laoshan, kind):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id, kind)
    assert "保存（草稿）" in text(client.get(page_url(kind, pk)))

    # scores saved as draft; submitting without evidence lists what is missing and changes nothing
    assert "得分已保存" in text(fill_scores(app, client, pk, kind=kind))
    refused = post(client, kind, pk, "transition", {"code": "submit", "opinion": "请审核"})
    assert "以下内容未填写或未上传" in text(refused) and f"{items(app, kind)[0].name}的证明材料" in text(refused)
    assert _state(app, pk, kind) == "draft"

    # a renamed image is refused; real PDFs are stored per item
    assert "内容不是 PDF" in text(upload(client, kind, pk, items(app, kind)[0].code, b"\x89PNG\r\n\x1a\nxxxx", "图片.pdf"))
    assert records.count(app, Attachment, assessment_id=pk) == 0
    for item in items(app, kind):
        if item.evidence:
            assert "已上传" in text(upload(client, kind, pk, item.code))
    assert "需要填写意见" in text(post(client, kind, pk, "transition", {"code": "submit", "opinion": " "}))
    assert "已提交" in text(post(client, kind, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    assert _state(app, pk, kind) == "submitted"

    # once submitted the enterprise can change nothing, whatever door it uses
    assert client.put(f"/api/v1/assessment_{kind}/{pk}", json={"period": "2030"}).status_code == 403
    assert client.delete(f"/api/v1/assessment_{kind}/{pk}").status_code == 403
    assert "不能修改得分" in text(fill_scores(app, client, pk, lambda item: 0, kind=kind))
    assert "不能上传" in text(upload(client, kind, pk, items(app, kind)[0].code))
    assert "您的角色不能" in text(post(client, kind, pk, "transition", {"code": "approve", "opinion": ""}))
    assert _state(app, pk, kind) == "submitted"
    client.get("/logout/")

    # the city station does not review a laoshan enterprise; another district cannot even see it
    login(client, "city_station")
    assert "您的角色不能" in text(post(client, kind, pk, "transition", {"code": "approve", "opinion": ""}))
    client.get("/logout/")
    login(client, "district_authority_shinan")
    assert client.get(page_url(kind, pk)).status_code == 404
    client.get("/logout/")

    # the district authority reviews item by item
    login(client, "district_authority_laoshan")
    assert "还有评分项未审核通过" in text(post(client, kind, pk, "transition", {"code": "approve", "opinion": ""}))
    first, *rest = items(app, kind)
    missing_opinion = post(client, kind, pk, "review", {f"decision_{first.code}": "reject"})
    assert "驳回时须填写审核意见" in text(missing_opinion)
    assert history(app, pk, kind)[-1][0] == "submit"  # nothing was saved
    decisions = {f"decision_{i.code}": "pass" for i in rest}
    decisions.update({f"decision_{first.code}": "reject", f"opinion_{first.code}": "责任制考核记录不全"})
    saved = text(post(client, kind, pk, "review", decisions))
    assert f"已保存 {len(items(app, kind))} 项审核结果；1 项驳回，已退回修改" in saved  # a 驳回 returns the record
    assert _state(app, pk, kind) == "returned"
    client.get("/logout/")

    # the enterprise sees the opinion, corrects the rejected item and resubmits: it is pending again,
    # the items already passed and left alone stay passed
    login(client, enterprise_user)
    assert "责任制考核记录不全" in text(client.get(page_url(kind, pk)))
    fill_scores(app, client, pk, lambda item: item.max - 1 if item.code == first.code else item.max, kind=kind)
    assert "已提交" in text(post(client, kind, pk, "transition", {"code": "submit", "opinion": "已整改"}))
    with app.app_context():
        rows = {r.item_code: r for r in db.session.get(records.kind_model(app, kind), pk).items}
        assert rows[first.code].review_status == "pending" and rows[rest[0].code].review_status == "accepted"
    client.get("/logout/")

    login(client, "district_authority_laoshan")
    post(client, kind, pk, "review", {f"decision_{first.code}": "pass"})
    assert "已审核通过" in text(post(client, kind, pk, "transition", {"code": "approve", "opinion": "同意"}))
    assert _state(app, pk, kind) == "approved"
    steps = [action for action, item, _ in history(app, pk, kind) if item is None]
    assert steps == ["submit", "return", "submit", "approve"]
    assert sum(1 for action, _, _ in history(app, pk, kind) if action == "item_reject") == 1


def test_a_stale_page_cannot_overwrite_a_newer_save(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    from tests.workflow_support import lock_version

    old = lock_version(client, KIND, pk)
    assert "得分已保存" in text(fill_scores(app, client, pk))
    stale = post(client, KIND, pk, "scores", {f"score_{i.code}": "0" for i in items(app)}, version=old)
    assert "已被他人修改" in text(stale)
    with app.app_context():
        assert all(
            r.self_score == next(i.max for i in items(app) if i.code == r.item_code)
            for r in db.session.get(records.kind_model(app, KIND), pk).items
        )


def test_bad_scores_keep_the_input_and_save_nothing(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    first = items(app)[0]
    answer = post(client, KIND, pk, "scores", {f"score_{first.code}": "99", f"score_{items(app)[1].code}": "12.5"})
    assert f"“{first.name}”的自评分应在 0 到 {first.max} 之间，填写的是 99" in text(answer)
    assert 'value="12.5"' in text(answer)  # what was typed is still in the form
    with app.app_context():
        assert all(r.self_score is None for r in db.session.get(records.kind_model(app, KIND), pk).items)


def test_evidence_is_served_only_inside_the_scope(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    upload(client, KIND, pk, items(app)[0].code, name="../../etc/passwd\x07.pdf")
    with app.app_context():
        attachment = db.session.query(Attachment).filter_by(assessment_id=pk).one()
        assert attachment.file_name == "passwd.pdf"
    served = client.get(f"/assessment/file/{attachment.id}")
    assert served.status_code == 200 and served.data == PDF and served.mimetype == "application/pdf"
    client.get("/logout/")
    login(client, "enterprise_01")
    assert client.get(f"/assessment/file/{attachment.id}").status_code == 404
    client.get("/logout/")
    login(client, "district_authority_shinan")
    assert client.get(f"/assessment/file/{attachment.id}").status_code == 404


def test_oversize_upload_is_refused_before_storing(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    answer = upload(client, KIND, pk, items(app)[0].code, PDF + b"0" * 8192)
    assert "文件过大" in text(answer)
    assert records.count(app, Attachment, assessment_id=pk) == 0
