"""The licence dynamic assessment (安许证动态考核) over HTTP: materials and people, submission with an
opinion, a 基本合格 rating opening a rectification round with its deadline, 整改材料, resubmission and
合格 — and every change of a submitted record refused, whatever door is tried."""

from __future__ import annotations

import datetime
import re

import pytest

from models import EnterpriseMaterial, FinalGradeRecord, Person, ReviewHistory, db
from models.aggregate import AssessmentRecord
from tests import records
from tests.conftest import sync
from tests.licence_support import (
    KIND,
    add_person,
    enterprise_in,
    fill_dossier,
    new_draft,
    state_of,
    upload_material,
)
from tests.support import csrf_token, login, visible_text
from tests.workflow_support import PDF, one_page_pdf, page_url, post, text
from workflow.deadlines import add_working_days, deadline_zh


def steps(app, pk):
    with app.app_context():
        return [(h.action, h.to_state) for h in db.session.query(ReviewHistory).filter_by(assessment_id=pk).order_by(ReviewHistory.id)]


def shown(client, pk):
    return visible_text(client.get(page_url(KIND, pk)).get_data(as_text=True))


SLOT = 'id="material-rectification"'  # the 整改材料 row of the materials checklist


def html(client, pk):
    return client.get(page_url(KIND, pk)).get_data(as_text=True)


def test_submission_rating_rectification_and_pass(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")  # reviewed by its district authority
    login(client, username)
    pk = new_draft(client, enterprise_id)
    page = shown(client, pk)
    assert "申报材料" in page and "营业执照（副本）" in page and "企业主要负责人" in page
    assert SLOT not in html(client, pk)  # the rectification slot is absent on a first submission

    # nothing yet: submitting names what is missing and changes nothing
    refused = text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    assert "以下内容未填写或未上传" in refused and "申报材料“营业执照（副本）”" in refused
    assert "企业主要负责人名单（至少 1 人，已登记 0 人）" in refused
    assert state_of(app, pk).state == "draft"

    # uploads are PDFs only, to a slot the record shows
    assert "内容不是 PDF" in text(upload_material(client, KIND, pk, "business_licence", b"\x89PNG\r\n\x1a\nxx", "执照.pdf"))
    assert "在记录被退回或评定为需整改后才能上传" in text(upload_material(client, KIND, pk, "rectification"))
    assert "不在本考核的申报材料清单中" in text(upload_material(client, KIND, pk, "no_such_material"))
    assert records.count(app, EnterpriseMaterial, enterprise_id=enterprise_id) == 0

    # people: the ID number is checked, the scan is required, an expired certificate is flagged only
    bad = text(add_person(client, KIND, pk, "principal", "孙负责", 1, id_number="370212198001010010"))
    assert "身份证号校验位错误" in bad and "未保存" in bad
    assert "请上传证书扫描件" in text(add_person(client, KIND, pk, "principal", "孙负责", 1, scan=None))
    assert records.count(app, Person, enterprise_id=enterprise_id, list_code="principal") == 0
    fill_dossier(app, client, pk)
    add_person(client, KIND, pk, "special_operations", "周电工", 9, valid_until="2020-01-31", role="电工")
    page = shown(client, pk)
    assert "已过期" in page and "周电工" in page
    assert "以下人员的证书已过期，仍可提交" in page

    # submit asks for an opinion
    assert "需要填写意见" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": " "}))
    assert "已提交，状态：待审核" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "材料齐全，请审核"}))
    assert state_of(app, pk).state == "submitted"
    client.get("/logout/")

    # the reviewer rates: a band is required; 基本合格 opens a round of 15 working days
    login(client, "district_authority_laoshan")
    page = shown(client, pk)
    assert "营业执照（副本）" in page and "以下为" in page  # the submitted materials
    assert SLOT not in html(client, pk)
    assert "本年度尚无已审核的企业一般安全生产条件动态考核得分，没有建议评定" in page
    assert "请选择评定结果：合格、基本合格、不合格" in text(post(client, KIND, pk, "transition", {"code": "rate", "opinion": "x"}))
    assert "请选择评定结果" in text(post(client, KIND, pk, "transition", {"code": "rate", "opinion": "x", "rating": "a"}))
    rated = text(post(client, KIND, pk, "transition", {"code": "rate", "rating": "basic_pass", "opinion": "应急演练记录不全，请补充"}))
    assert "已评定，状态：整改中" in rated
    record = state_of(app, pk)
    due = add_working_days(datetime.date.today(), 15)
    assert (record.state, record.rating, record.grade, record.rectification_due) == ("rectifying", "basic_pass", "基本合格", due)
    client.get("/logout/")

    # the enterprise sees the rating and its deadline; only 整改材料 may be handed in now
    login(client, username)
    page = shown(client, pk)
    assert "评定结果： 基本合格" in page and f"整改期限： {deadline_zh(due)}" in page and SLOT in html(client, pk)
    assert "应急演练记录不全" in page
    assert "不能上传该材料" in text(upload_material(client, KIND, pk, "emergency_drill_records"))
    # people stay editable in 整改: the expired certificate the rating found is replaced
    with app.app_context():
        expired_id = db.session.query(Person.id).filter_by(enterprise_id=enterprise_id, name="周电工").scalar()
    renewed = add_person(client, KIND, pk, "special_operations", "周电工", 9, valid_until="2029-06-30", role="电工", person_id=expired_id)
    assert "已修改“周电工”" in text(renewed)
    assert "周电工" in shown(client, pk) and "expired-flag" not in html(client, pk)
    refused = text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "已整改"}))
    assert "整改材料（本轮整改后上传）" in refused
    assert "已上传" in text(upload_material(client, KIND, pk, "rectification", PDF, "整改报告.pdf"))
    assert "已提交，状态：待审核" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "已按要求整改"}))
    client.get("/logout/")

    # the reviewer sees the 整改材料 and rates 合格
    login(client, "district_authority_laoshan")
    page = shown(client, pk)
    assert "整改报告.pdf" in page
    assert "已评定，状态：已评定" in text(post(client, KIND, pk, "transition", {"code": "rate", "rating": "pass", "opinion": "整改到位"}))
    record = state_of(app, pk)
    assert (record.state, record.rating, record.grade) == ("rated", "pass", "合格")
    assert steps(app, pk) == [("submit", "submitted"), ("rate", "rectifying"), ("submit", "submitted"), ("rate", "rated")]
    with app.app_context():
        notes = [h.opinion for h in db.session.query(ReviewHistory).filter_by(assessment_id=pk).order_by(ReviewHistory.id)]
    assert notes[1].startswith(f"评定结果：基本合格；整改期限：{deadline_zh(due)}（15 个工作日）") and "应急演练" in notes[1]
    assert notes[3] == "评定结果：合格。整改到位"


def test_the_11_item_score_suggests_the_rating_and_the_rating_is_the_licence_grade(app, client):
    """RULES.md §8.0: the reviewer sees the approved general-conditions total as the suggested rating;
    the rating given is the one licence result, and the grades follow it at once."""
    with app.app_context():
        general = db.session.query(AssessmentRecord).filter_by(kind="general", period="2026", state="approved").first()
        licence = db.session.query(AssessmentRecord).filter_by(kind="licence", period="2026", enterprise_id=general.enterprise_id).one()
        licence.state = "submitted"  # handed in again after its rectification
        db.session.commit()
        district = general.enterprise.district
        reviewer = records.reviewer_of(district)
        pk, total, company = licence.id, general.total, general.enterprise_id
    band = "合格" if total >= 85 else "基本合格" if total >= 70 else "不合格"
    login(client, reviewer)
    page = shown(client, pk)
    assert f"建议评定：{band}（依据：企业一般安全生产条件动态考核已审核得分 {total:.2f}）" in page
    assert f"{band}（建议）" in page
    other = "合格" if band != "合格" else "基本合格"
    code = {"合格": "pass", "基本合格": "basic_pass", "不合格": "fail"}[other]
    post(client, KIND, pk, "transition", {"code": "rate", "rating": code, "opinion": "按现场核查结果评定"})
    with app.app_context():
        grade = db.session.query(FinalGradeRecord).filter_by(grade_code="licence", enterprise_id=company, period="2026").one()
        assert (grade.label, grade.score) == (other, total)  # the rating, not the band the score suggests
        assert f"按得分建议评定：{band}" in grade.reasons and f"建筑施工企业安全生产许可证动态考核评定：{other}" in grade.reasons


def test_a_licence_that_expires_within_the_period_fails_the_licence_grade(app, client):
    """RULES.md §8.2: a licence valid until a day of the period is no valid licence for it: the
    reviewer is told before rating, and the licence grade is 不合格 whatever the rating."""
    with app.app_context():
        model = app.extensions["kind_models"][KIND].assessment
        licence = db.session.query(model).filter_by(period="2026", state="rated").first()
        assert licence.licence_valid_until.year > 2026  # the demo's licences are valid beyond the period
        licence.state, licence.licence_valid_until = "submitted", datetime.date(2026, 6, 30)
        db.session.commit()
        district = licence.district
        reviewer = records.reviewer_of(district)
        pk, company = licence.id, licence.enterprise_id
    login(client, reviewer)
    warning = "注意：安全生产许可证在考核年度内到期（安全生产许可证有效期至 2026-06-30），安全生产许可证等次按否决评定为不合格"
    assert warning in shown(client, pk)
    post(client, KIND, pk, "transition", {"code": "rate", "rating": "pass", "opinion": "材料齐全"})
    with app.app_context():
        grade = db.session.query(FinalGradeRecord).filter_by(grade_code="licence", enterprise_id=company, period="2026").one()
        assert grade.label == "不合格" and "否决：安全生产许可证在考核年度内到期 → 不合格" in grade.reasons


def test_a_submitted_record_cannot_be_edited_or_deleted_through_any_door(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id)
    fill_dossier(app, client, pk)
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    before = state_of(app, pk)

    assert client.put(f"/api/v1/assessment_{KIND}/{pk}", json={"contact_person": "改了"}).status_code == 403
    assert client.delete(f"/api/v1/assessment_{KIND}/{pk}").status_code == 403
    edit = client.get(f"/licenceassessmentview/edit/{pk}", follow_redirects=True)
    assert "不能修改或删除" in visible_text(edit.get_data(as_text=True))
    token = csrf_token(client, "/licenceassessmentview/list/")
    posted = client.post(
        f"/licenceassessmentview/edit/{pk}", data={"csrf_token": token, "period": "2027", "contact_person": "改了"}, follow_redirects=True
    )
    assert "不能修改或删除" in visible_text(posted.get_data(as_text=True))
    deleted = client.post(f"/licenceassessmentview/delete/{pk}", data={"csrf_token": token}, follow_redirects=True)
    assert "不能修改或删除" in visible_text(deleted.get_data(as_text=True))
    bulk = client.post(
        "/licenceassessmentview/action_post",
        data={"csrf_token": token, "action": "delete_selected", "rowid": str(pk)},
        follow_redirects=True,
    )
    assert "未删除任何记录" in visible_text(bulk.get_data(as_text=True))
    assert "不能上传该材料" in text(upload_material(client, KIND, pk, "business_licence"))
    assert "不能修改人员名单" in text(add_person(client, KIND, pk, "principal", "吴新人", 7))

    after = state_of(app, pk)
    assert (after.state, after.contact_person, after.lock_version) == ("submitted", before.contact_person, before.lock_version)
    listed = client.get("/licenceassessmentview/list/").get_data(as_text=True)
    assert f'value="{pk}" type="checkbox"' not in listed and f"/licenceassessmentview/edit/{pk}" not in listed


def test_the_list_deletes_drafts_and_returned_records_after_confirmation(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    draft = new_draft(client, enterprise_id, "2028")
    returned = new_draft(client, enterprise_id, "2029")
    fill_dossier(app, client, returned)
    post(client, KIND, returned, "transition", {"code": "submit", "opinion": "请审核"})
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    assert "已退回修改" in text(post(client, KIND, returned, "transition", {"code": "return", "opinion": "请补正"}))
    client.get("/logout/")

    login(client, username)
    page = shown(client, returned)
    assert SLOT in html(client, returned) and "整改期限" in page  # a returned record shows the rectification slot
    listed = client.get("/licenceassessmentview/list/").get_data(as_text=True)
    assert "删除所选" in listed and "只有草稿和已退回的记录可以删除" in listed  # the confirmation
    assert f'value="{draft}" type="checkbox"' in listed and f'value="{returned}" type="checkbox"' in listed
    token = csrf_token(client, "/licenceassessmentview/list/")
    answer = client.post(
        "/licenceassessmentview/action_post",
        data={"csrf_token": token, "action": "delete_selected", "rowid": [str(draft), str(returned)]},
        follow_redirects=True,
    )
    assert "已删除 2 条记录" in visible_text(answer.get_data(as_text=True))
    model = records.kind_model(app, KIND)
    assert records.count(app, model, id=draft) == 0 and records.count(app, model, id=returned) == 0


def test_one_licence_assessment_per_enterprise_and_year(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    first = new_draft(client, enterprise_id, "2030")
    again = client.post(f"/api/v1/assessment_{KIND}/", json={"enterprise": enterprise_id, "period": "2030"})
    assert again.status_code == 422
    assert f"2030 年度已有一份安许证动态考核（编号 {first}）" in str(again.get_json())


def test_the_edit_form_marks_required_basic_information_with_a_red_star(app, client):
    _, username = enterprise_in(app, "laoshan")
    login(client, username)
    form = client.get("/licenceassessmentview/add").get_data(as_text=True)
    kind = app.extensions["criteria_pack"].kinds[KIND]
    star = r'\s*<strong style="color: red">&#42;</strong>'
    for field in kind.header_fields:
        starred = re.search(rf'<label for="{field.code}" control-label>\s*{field.label}{star}', form) is not None
        assert starred == field.required, field.label
    assert not re.search(r'<input[^>]*name="licence_no"[^>]*required', form)  # a draft may be saved without them


def test_material_and_certificate_uploads_are_size_capped_and_pdf_only(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = one_page_pdf("x" * 6000)
    assert "文件过大" in text(upload_material(client, KIND, pk, "business_licence", big, "大文件.pdf"))
    assert "文件过大" in text(add_person(client, KIND, pk, "principal", "孙负责", 1, scan=big))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    assert "内容不是 PDF" in text(add_person(client, KIND, pk, "principal", "孙负责", 1, scan=b"GIF89a fake"))
    upload_material(client, KIND, pk, "business_licence", PDF, "../../etc/执照.pdf")
    assert records.count(app, Person, enterprise_id=enterprise_id, list_code="principal") == 0
    with app.app_context():
        names = [row.file_name for row in db.session.query(EnterpriseMaterial).filter_by(enterprise_id=enterprise_id)]
    assert names == ["执照.pdf"]  # one upload stored, under its last path part only


def test_a_round_left_unanswered_can_be_ended_keeping_the_rating(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id)
    fill_dossier(app, client, pk)
    post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核"})
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    post(client, KIND, pk, "transition", {"code": "rate", "rating": "fail", "opinion": "多项材料缺失"})
    assert "需要填写意见" in text(post(client, KIND, pk, "transition", {"code": "conclude", "opinion": ""}))
    ended = text(post(client, KIND, pk, "transition", {"code": "conclude", "opinion": "逾期未整改"}))
    assert "已结束整改（维持评定结果），状态：已评定" in ended
    record = state_of(app, pk)
    assert (record.state, record.rating, record.grade) == ("rated", "fail", "不合格")
    assert steps(app, pk)[-2:] == [("rate", "rectifying"), ("conclude", "rated")]


def test_a_material_or_person_the_scope_refuses_is_told_not_a_server_error(app, client, monkeypatch):
    """The 办理 page reaches the record inside the scope, so its writes stay inside; should the scope
    still refuse one (the one rule every door checks), the filler is told and nothing is stored."""
    import views.assessment_access
    from views.scope import ScopeViolation

    def refuse(session, item, scope=None):
        session.rollback()
        raise ScopeViolation("所选的企业、项目或区（市）不在您的数据范围内，未保存任何内容。")

    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id)
    monkeypatch.setattr(views.assessment_access, "ensure_in_scope", refuse)  # the guard every door hands the services
    material = upload_material(client, KIND, pk, "business_licence")
    person = add_person(client, KIND, pk, "principal", "孙负责", 1)
    for answer in (material, person):
        assert answer.status_code == 200 and "不在您的数据范围内，未保存任何内容" in text(answer)
    assert records.count(app, EnterpriseMaterial, enterprise_id=enterprise_id) == 0
    assert records.count(app, Person, enterprise_id=enterprise_id, name="孙负责") == 0


@pytest.fixture
def renamed(pack_copy):
    """licence.yaml with other step codes and another name for its 整改材料 entry."""
    path = pack_copy / "licence.yaml"
    content = path.read_text(encoding="utf-8")
    for old, new in (
        ("{code: submit,   label: 提交,", "{code: hand_in,  label: 提交,"),
        ("{code: return,   label: 退回修改,", "{code: send_back, label: 退回修改,"),
        ("{code: rectification, name: 整改材料,", "{code: rectification, name: 整改报告及佐证材料,"),
    ):
        assert old in content
        content = content.replace(old, new)
    path.write_text(content, encoding="utf-8")
    return pack_copy


def test_the_page_reads_steps_and_the_rectification_material_from_the_criteria(renamed, app_for_pack):
    """No step code or material name is assumed: the submit dialog warns of expired certificates for
    the step that needs a complete record, a step back to the filler is shown as a warning, and the
    rectification hint names the checklist's entry as the YAML names it."""
    app = app_for_pack
    sync(app)  # the edited pack becomes the version in force
    client = app.test_client()
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id, "2034")
    fill_dossier(app, client, pk)
    add_person(client, KIND, pk, "special_operations", "过期工人", 77, valid_until="2020-01-31")
    page = html(client, pk)
    assert re.search(r'id="step-hand_in".*以下人员的证书已过期，仍可提交', page, re.S)
    assert "已提交" in text(post(client, KIND, pk, "transition", {"code": "hand_in", "opinion": "请审核"}))
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    page = html(client, pk)
    assert re.search(r'class="btn btn-danger"[^>]*id="open-send_back"', page)
    assert re.search(r'class="btn btn-success"[^>]*id="open-rate"', page)
    assert "已退回修改" in text(post(client, KIND, pk, "transition", {"code": "send_back", "opinion": "请补正"}))
    client.get("/logout/")
    login(client, username)
    assert "请按意见整改，在“申报材料”中上传整改报告及佐证材料后重新提交" in shown(client, pk)


def test_a_wrong_person_entry_keeps_what_was_typed_and_the_chosen_scan(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id, "2036")
    answer = add_person(
        client,
        KIND,
        pk,
        "principal",
        "孙负责",
        3,
        certificate_valid_until="2029-13-01",
        certificate_no="鲁建安A（2024）000003",
        id_number="370212198001010010",
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    form = re.search(r'<form[^>]*class="person-form".*?</form>', page[page.index('id="list-principal"') :], re.S).group(0)
    assert 'value="孙负责"' in form and 'value="鲁建安A（2024）000003"' in form and 'value="370212198001010010"' in form
    assert re.search(r'id="person-error-id_number">身份证号校验位错误', form)
    assert re.search(r'id="person-error-certificate_valid_until">证书有效期应为日期', form)
    assert "已选择“孙负责证书.pdf”，无需重新选择" in form and "人员信息有误，未保存" in visible_text(page)
    assert records.count(app, Person, enterprise_id=enterprise_id, name="孙负责") == 0
    token = re.search(r'name="scan_token" value="([^"]+)"', form).group(1)

    # corrected without choosing the scan again: the kept one is used
    saved = add_person(client, KIND, pk, "principal", "孙负责", 3, scan=None, scan_token=token)
    assert "已登记“孙负责”" in text(saved)
    with app.app_context():
        person = db.session.query(Person).filter_by(enterprise_id=enterprise_id, name="孙负责").one()
        assert (person.scan_name, person.scan_size) == ("孙负责证书.pdf", len(PDF))

    # the token is this user's only
    other_id, other = enterprise_in(app, "shinan")
    client.get("/logout/")
    login(client, other)
    theirs = new_draft(client, other_id, "2036")
    refused = add_person(client, KIND, theirs, "principal", "钱负责", 4, scan=None, scan_token=token)
    assert refused.status_code == 422 and "之前选择的证书扫描件已失效" in text(refused)
    assert records.count(app, Person, enterprise_id=other_id, name="钱负责") == 0
