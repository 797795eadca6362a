"""A reviewer records a safety-director veto on the assessment (RULES.md §6.2, §8.1): it needs a
reason, an opinion and an evidence PDF, makes the record and the director grade 不合格 (and caps the
supervision grade), stays on record when withdrawn, and only the record's reviewer may record one."""

from __future__ import annotations

import io

from models import FinalGradeRecord, RecordVeto, ReviewHistory, db
from models.aggregate import AssessmentRecord
from tests import records
from tests.support import csrf_token, login, visible_text
from tests.workflow_support import PDF, page_url, post, text

KIND = "director"
NAME = "应配备而未配备（或未备案）安全生产总监"


def approved_director(app) -> tuple[int, int, str]:
    """The demo's approved director record: its id, enterprise and the login of its reviewer."""
    with app.app_context():
        record = db.session.query(AssessmentRecord).filter_by(kind=KIND, period="2026", state="approved").first()
        district = record.district
        reviewer = records.reviewer_of(district)
        return record.id, record.enterprise_id, reviewer


def grade(app, enterprise_id: int, code: str) -> FinalGradeRecord:
    with app.app_context():
        row = db.session.query(FinalGradeRecord).filter_by(grade_code=code, enterprise_id=enterprise_id, period="2026").one()
        db.session.expunge(row)
        return row


def veto_form(code: str = "not_appointed", opinion: str = "经核查，企业未按规定配备安全生产总监", file: bytes | None = PDF) -> dict:
    form = {"veto_code": code, "veto_opinion": opinion}
    if file is not None:
        form["file"] = (io.BytesIO(file), "核查记录.pdf")
    return form


def test_a_recorded_veto_fails_the_record_and_the_director_grade_until_withdrawn(app, client):
    pk, enterprise_id, reviewer = approved_director(app)
    before = grade(app, enterprise_id, "director")
    assert before.label != "不合格"
    login(client, reviewer)
    page = visible_text(client.get(page_url(KIND, pk)).get_data(as_text=True))
    assert "否决事项" in page and f"{NAME}（评定为不合格）" in page

    # each missing part is named; nothing is stored
    refused = text(post(client, KIND, pk, "veto", veto_form(opinion=" ", file=None)))
    assert "请填写否决意见（事实和依据）" in refused and "证明材料：请选择要上传的 PDF 文件" in refused
    assert "内容不是 PDF" in text(post(client, KIND, pk, "veto", veto_form(file=b"not a pdf")))
    assert "请选择否决事项" in text(post(client, KIND, pk, "veto", veto_form(code="no_such_veto")))
    assert records.count(app, RecordVeto, assessment_id=pk) == 0

    done = text(post(client, KIND, pk, "veto", veto_form()))
    assert f"已记录否决事项“{NAME}”，安全生产总监专项考核评定为不合格" in done
    with app.app_context():
        record = db.session.get(AssessmentRecord, pk)
        assert record.grade == "不合格" and record.result["vetoes"] == ["not_appointed"]
        assert db.session.query(ReviewHistory).filter_by(assessment_id=pk, action="veto").one().opinion.startswith(f"记录否决事项：{NAME}")
    director = grade(app, enterprise_id, "director")
    assert director.label == "不合格" and f"否决：{NAME} → 不合格" in director.reasons
    assert director.score == before.score  # a veto forces the band, the score stays
    assert "已记录，不能重复记录" in text(post(client, KIND, pk, "veto", veto_form()))
    page = visible_text(client.get(page_url(KIND, pk)).get_data(as_text=True))
    assert "核查记录.pdf" in page and "有效" in page

    # withdrawing needs a reason and keeps the veto on record
    with app.app_context():
        veto_id = db.session.query(RecordVeto.id).filter_by(assessment_id=pk).scalar()
    assert "请填写撤销理由" in text(post(client, KIND, pk, f"veto/{veto_id}/withdraw", {"withdraw_opinion": ""}))
    withdrawn = text(post(client, KIND, pk, f"veto/{veto_id}/withdraw", {"withdraw_opinion": "企业已补充备案材料"}))
    assert f"已撤销否决事项“{NAME}”" in withdrawn
    assert grade(app, enterprise_id, "director").label == before.label
    page = visible_text(client.get(page_url(KIND, pk)).get_data(as_text=True))
    assert "已撤销：企业已补充备案材料" in page


def test_only_the_records_reviewer_records_a_veto(app, client):
    pk, enterprise_id, reviewer = approved_director(app)
    with app.app_context():
        filler = db.session.query(records.AppUser).filter_by(enterprise_id=enterprise_id).first().username
    login(client, filler)
    assert "否决事项" not in visible_text(client.get(page_url(KIND, pk)).get_data(as_text=True))
    assert "只有该记录的审核人可以记录或撤销否决事项" in text(post(client, KIND, pk, "veto", veto_form()))
    client.get("/logout/")
    other = "district_authority_shinan" if reviewer != "district_authority_shinan" else "district_authority_huangdao"
    login(client, other)
    assert client.get(page_url(KIND, pk)).status_code == 404  # outside its district: not even seen
    assert records.count(app, RecordVeto, assessment_id=pk) == 0


def test_the_same_veto_over_rest(app, client):
    """POST /api/v1/veto/<kind>/<id> (multipart) and …/<veto>/withdraw: the same service, the same
    refusals; the record's JSON lists its vetoes."""
    pk, enterprise_id, reviewer = approved_director(app)
    login(client, reviewer)
    token = csrf_token(client, page_url(KIND, pk))
    version = client.get(f"/api/v1/workflow/{KIND}/{pk}").get_json()["lock_version"]
    headers = {"X-CSRFToken": token}
    refused = client.post(f"/api/v1/veto/{KIND}/{pk}", data={"lock_version": version, "veto_code": "not_appointed"}, headers=headers)
    assert refused.status_code == 422 and "请填写否决意见（事实和依据）" in refused.get_json()["message"]
    form = {"lock_version": version, **veto_form(), "opinion": "经核查，未配备安全生产总监"}
    done = client.post(f"/api/v1/veto/{KIND}/{pk}", data=form, headers=headers, content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    record = done.get_json()["record"]
    assert [(v["code"], v["withdrawn"]) for v in record["vetoes"]] == [("not_appointed", False)]
    assert grade(app, enterprise_id, "director").label == "不合格"
    veto_id = record["vetoes"][0]["id"]
    body = {"lock_version": record["lock_version"], "opinion": "已补充备案"}
    taken_back = client.post(f"/api/v1/veto/{KIND}/{pk}/{veto_id}/withdraw", json=body, headers=headers)
    assert taken_back.status_code == 200 and taken_back.get_json()["record"]["vetoes"][0]["withdrawn"] is True
