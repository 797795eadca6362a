"""The general-conditions self-assessment shares the licence assessment's materials and personnel lists:
where a pack has both (Qingdao does), the enterprise enters them once per enterprise and year, both
pages show them, and a submitted record keeps what it was submitted with."""

from __future__ import annotations

import re

from models import EnterpriseMaterial, Person, db
from tests import records
from tests.licence_support import KIND, add_person, enterprise_in, fill_dossier, new_draft, post_form, upload_material
from tests.support import login, visible_text
from tests.workflow_support import page_url, post, text

GENERAL = "general"


def page(client, kind, pk):
    return visible_text(client.get(page_url(kind, pk)).get_data(as_text=True))


def test_materials_and_people_are_entered_once_for_both_kinds(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    licence = new_draft(client, enterprise_id, "2027")
    general = new_draft(client, enterprise_id, "2027", kind=GENERAL, contact_person="张三", contact_phone="13912345678")
    other_year = new_draft(client, enterprise_id, "2028", kind=GENERAL, contact_person="张三", contact_phone="13912345678")

    # uploaded on the licence page: shown on the general page of the same year, not of another year
    upload_material(client, KIND, licence, "business_licence", name="营业执照2027.pdf")
    assert "营业执照2027.pdf" in page(client, GENERAL, general)
    assert "与“安许证动态考核”共用" in page(client, GENERAL, general)
    assert "营业执照2027.pdf" not in page(client, GENERAL, other_year)
    # uploaded on the general page: shown on the licence page
    upload_material(client, GENERAL, general, "insurance_proof", name="参保证明.pdf")
    assert "参保证明.pdf" in page(client, KIND, licence)
    with app.app_context():
        rows = db.session.query(EnterpriseMaterial).filter_by(enterprise_id=enterprise_id, period="2027").all()
        assert sorted(r.material_code for r in rows) == ["business_licence", "insurance_proof"]  # one row each

    # people are kept per enterprise: registered once, listed on both kinds and in every year
    add_person(client, GENERAL, general, "safety_officer", "郑安全", 31)
    for kind, pk in ((KIND, licence), (GENERAL, general), (GENERAL, other_year)):
        assert "郑安全" in page(client, kind, pk)
    assert records.count(app, Person, enterprise_id=enterprise_id, name="郑安全") == 1

    # the general kind shows the checklist but does not require it to submit; the licence kind does
    refused = text(post(client, GENERAL, general, "transition", {"code": "submit", "opinion": "请审核"}))
    assert "以下内容未填写或未上传" in refused and "申报材料“" not in refused
    refused = text(post(client, KIND, licence, "transition", {"code": "submit", "opinion": "请审核"}))
    assert "申报材料“营业执照（副本）”" not in refused and "申报材料“安全生产许可证（正、副本）”" in refused


def test_a_submitted_record_keeps_the_materials_it_was_submitted_with(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    licence = new_draft(client, enterprise_id, "2027")
    general = new_draft(client, enterprise_id, "2027", kind=GENERAL, contact_person="张三", contact_phone="13912345678")
    fill_dossier(app, client, licence)
    upload_material(client, KIND, licence, "emergency_plan", name="应急预案旧版.pdf")
    assert "已提交" in text(post(client, KIND, licence, "transition", {"code": "submit", "opinion": "请审核"}))

    # the general draft may still change the shared materials; the submitted licence record does not follow
    with app.app_context():
        old = db.session.query(EnterpriseMaterial).filter_by(enterprise_id=enterprise_id, file_name="应急预案旧版.pdf").one().id
    token_page = client.get(page_url(GENERAL, general)).get_data(as_text=True)
    assert f'name="file_id" value="{old}"' in token_page
    assert "已删除" in text(post_form(client, GENERAL, general, "material/remove", {"file_id": str(old)}))
    upload_material(client, GENERAL, general, "emergency_plan", name="应急预案新版.pdf")
    assert "应急预案新版.pdf" in page(client, GENERAL, general)
    client.get("/logout/")

    login(client, "district_authority_laoshan")
    shown = page(client, KIND, licence)
    assert "应急预案旧版.pdf" in shown and "应急预案新版.pdf" not in shown
    html = client.get(page_url(KIND, licence)).get_data(as_text=True)
    link = re.search(r'href="(/assessment/licence/\d+/dossier/[0-9a-f]{64}\?name=[^"]*%E6%97%A7[^"]*)"', html)
    assert link, "the submitted file is linked"
    answer = client.get(link.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")  # removed from the list, still on record
