"""A revision of the guide changes nothing already assessed.

Assessments are approved under version 1; then a weight changes and an item is added (general.yaml,
saved in the criteria editor) and a grade label is renamed (grading.yaml, edited on disk and taken
up by ``criteria apply``). The old assessments keep their totals, grades, 办理 pages and printed
forms; a new assessment is filed, scored and printed under the new rules. A restart changes
neither.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from pypdf import PdfReader

from app import create_app
from models import CriteriaVersion, District, Enterprise, db
from tests.conftest import dispose
from tests.support import csrf_token, login, visible_text
from tests.workflow_support import file_and_approve, page_url

KIND = "general"
HEADER = {"contact_person": "张三", "contact_phone": "13912345678"}
OLD_LABEL, NEW_LABEL = "基本合格", "基本达标"  # the licence scale's band for 70 <= total < 85
NEW_ITEM = "安全生产信息化管理"


def eighty_percent(item) -> Decimal:
    return (Decimal(item.max) * Decimal("0.8")).quantize(Decimal("0.1"))


def stored(app, pk: int) -> tuple:
    with app.app_context():
        record = db.session.get(app.extensions["kind_models"][KIND].assessment, pk)
        return (
            record.total,
            record.grade,
            record.result,
            record.criteria_version,
            record.criteria_version_id,
            sorted((row.item_code, row.self_score, row.assessed_score) for row in record.items),
        )


def page_text(client, pk: int) -> str:
    answer = client.get(page_url(KIND, pk))
    assert answer.status_code == 200
    return visible_text(answer.get_data(as_text=True))


def pdf_text(client, pk: int) -> str:
    answer = client.get(f"/report/{KIND}/{pk}.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)


def laoshan(app) -> tuple[int, str]:
    from models import AppUser

    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        return company.id, db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username


def seen_by(app, pks: list[int]) -> dict[int, tuple[str, str]]:
    """What the reviewer's 办理 page and the printed form of each record say."""
    client = app.test_client()
    login(client, "district_authority_laoshan")
    return {pk: (page_text(client, pk), pdf_text(client, pk)) for pk in pks}


def revise_general(text: str) -> str:
    """安全生产投入 15 → 10, and a new item of 5 (the total stays 100)."""
    changed = text.replace("    name: 安全生产投入\n    max: 15\n", "    name: 安全生产投入\n    max: 10\n", 1)
    changed = changed.replace(
        "items:\n",
        f"items:\n  - code: safety_informatization\n    name: {NEW_ITEM}\n    max: 5\n"
        '    standard: "建立安全生产信息化管理台账，按月更新。"\n',
        1,
    )
    assert changed.count("max: 10\n") > text.count("max: 10\n") and NEW_ITEM in changed
    return changed


def save_in_editor(client, name: str, content: str, note: str):
    url = f"/criteria-admin/files/edit/?path={name}"
    page = client.get(url).get_data(as_text=True)
    token = csrf_token(client, url)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1)
    number = re.search(r'name="base_number" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": token, "content": content, "note": note, "base": base, "base_number": number}
    return client.post(url, data=data, follow_redirects=True)


def newest_file(app, name: str) -> str:
    with app.app_context():
        return db.session.query(CriteriaVersion).order_by(CriteriaVersion.number.desc()).first().files[name]


def test_a_revision_leaves_approved_assessments_as_they_were(app_for_pack, pack_copy):
    app = app_for_pack
    enterprise_id, filler = laoshan(app)
    client = app.test_client()

    # version 1: two approved assessments (80 % of every item: total 80, the band between 70 and 85)
    with app.app_context():
        first_version = db.session.query(CriteriaVersion).order_by(CriteriaVersion.number.desc()).first().number
    old = [
        file_and_approve(app, client, KIND, enterprise_id, filler, "district_authority_laoshan", eighty_percent, HEADER, period)
        for period in ("2027", "2028")  # one record of the kind per year
    ]
    before = {pk: stored(app, pk) for pk in old}
    assert all(values[0] == Decimal("80.00") and values[1] == OLD_LABEL for values in before.values())
    shown_before = seen_by(app, old)
    assert all(NEW_ITEM not in page and NEW_ITEM not in pdf for page, pdf in shown_before.values())

    # the revision: general.yaml, then grading.yaml, in the editor
    login(client, "admin")
    general = newest_file(app, "general.yaml")
    saved = save_in_editor(client, "general.yaml", revise_general(general).replace("\n", "\r\n"), "按新版考核标准调整投入分值")
    assert f"记录为考核标准第 {first_version + 1} 版" in saved.get_data(as_text=True)
    grading = newest_file(app, "grading.yaml").replace(f"label: {OLD_LABEL},", f"label: {NEW_LABEL},", 1)
    saved = save_in_editor(client, "grading.yaml", grading, "等次更名")
    assert f"记录为考核标准第 {first_version + 2} 版" in saved.get_data(as_text=True)
    assert "无需变更" in app.test_cli_runner().invoke(args=["criteria", "plan"]).output  # items and labels are data
    with app.app_context():
        latest = db.session.query(CriteriaVersion).order_by(CriteriaVersion.number.desc()).first()
        assert latest.number == first_version + 2 and latest.source == "editor"
        assert "\r" not in latest.files["general.yaml"] and NEW_ITEM in latest.files["general.yaml"]
    client.get("/logout/")

    # a new assessment uses the new rules at once
    new = file_and_approve(app, client, KIND, enterprise_id, filler, "district_authority_laoshan", eighty_percent, HEADER, "2029")
    total, grade, result, label, version_id, rows = stored(app, new)
    assert (total, grade) == (Decimal("80.00"), NEW_LABEL) and version_id == latest.id
    assert result["grade_label"] == NEW_LABEL and label.endswith(f"第{latest.number}版")
    assert "safety_informatization" in [code for code, _, _ in rows] and len(rows) == len(before[old[0]][5]) + 1
    assert dict((code, own) for code, own, _ in rows)["safety_investment"] == Decimal("8.0")
    page, pdf = seen_by(app, [new])[new]
    assert NEW_ITEM in page and NEW_ITEM in pdf and NEW_LABEL in pdf and f"第{latest.number}版" in pdf

    # the old ones: totals, grades, stored results, item rows, pages and printed forms unchanged
    assert {pk: stored(app, pk) for pk in old} == before
    assert seen_by(app, old) == shown_before

    # and after a restart on the revised pack
    again = create_app(
        {
            **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "CRITERIA_PACK", "EVIDENCE_DIR")},
            "TESTING": True,
            "LOGIN_CAPTCHA": False,
            "FAB_UPDATE_PERMS": False,
        }
    )
    try:
        assert {pk: stored(again, pk) for pk in old} == before
        assert seen_by(again, old) == shown_before
        assert NEW_ITEM in seen_by(again, [new])[new][0]
        with again.app_context():
            assert db.session.query(CriteriaVersion).count() == latest.number  # the restart met a known state
    finally:
        dispose(again)
