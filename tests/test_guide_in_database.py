"""The database holds the guide: an online revision survives a fresh checkout and a restart, every
process uses the newest version for its next new record, a record keeps the header fields of its own
version at every door, a structural revision needs no shell, and a district with enterprises stays."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from models import AppUser, CriteriaVersion, db
from tests import records
from tests.conftest import dispose, make_app
from tests.support import TOKEN, login, visible_text

GENERAL = "general.yaml"
SUMMARY = "self_assessment_summary"  # a header field of the general kind the seed declares
NEW_FIELD = "  - code: training_hours\n    label: 年度培训学时\n    type: integer\n    required: false\n"


def stored_text(app, name: str) -> str:
    with app.app_context():
        row = db.session.scalars(select(CriteriaVersion).order_by(CriteriaVersion.number.desc()).limit(1)).first()
        return row.files[name]


def newest_number(app) -> int:
    with app.app_context():
        return db.session.scalar(select(CriteriaVersion.number).order_by(CriteriaVersion.number.desc()).limit(1))


def save(client, name: str, text: str, note: str = "按新文件修订"):
    """Save one file through the online editor as the administrator does."""
    page = client.get(f"/criteria-admin/files/edit/?path={name}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1)
    number = re.search(r'name="base_number" type="hidden" value="(\d+)"', page).group(1)
    return client.post(
        f"/criteria-admin/files/edit/?path={name}",
        data={"csrf_token": TOKEN.search(page).group(1), "content": text, "note": note, "base": base, "base_number": number},
    )


def rules_only(text: str) -> str:
    """Two items' maximum scores moved (the total stays 100)."""
    return text.replace("    max: 10\n", "    max: 12\n", 1).replace("    max: 15\n", "    max: 13\n", 1)


def with_new_field(text: str) -> str:
    return text.replace("\n# 考核项目名称", f"\n{NEW_FIELD.rstrip()}\n\n# 考核项目名称", 1)


def without_summary(text: str) -> str:
    """The field removed, and from the printed form's header lines (which the check holds to the fields)."""
    text = text.replace(", self_assessment_summary, ", ", ", 1)
    return re.sub(r"  - code: self_assessment_summary\n(    .*\n)+", "", text, count=1)


def new_general(client, app) -> int:
    own = records.enterprise_of(app, "enterprise_01")
    created = client.post("/api/v1/assessment_general/", json={"enterprise": own, "period": "2031"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def test_an_online_edit_survives_a_fresh_checkout_and_a_sync(app, pack_copy):
    client = app.test_client()
    login(client, "admin")
    assert save(client, GENERAL, rules_only(stored_text(app, GENERAL))).status_code == 302
    edited = newest_number(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Another host: a fresh checkout of the seed folder, started and synced on the same database.
    other = make_app(url, CRITERIA_PACK=str(pack_copy))
    synced = other.test_cli_runner().invoke(args=["platform", "sync"])
    assert synced.exit_code == 0 and f"当前为第 {edited} 版" in synced.output and "平台使用数据库中的版本" in synced.output
    assert newest_number(other) == edited  # nothing recorded from the local files
    assert other.extensions["criteria_pack"].kinds["general"].items[0].max == 12
    second = other.test_client()
    login(second, "enterprise_01")
    pk = new_general(second, other)
    with other.app_context():
        record = db.session.get(records.kind_model(other, "general"), pk)
        assert record.criteria_version.endswith(f"第{edited}版")
    dispose(other)


def test_a_rules_only_edit_after_a_structural_one_is_used_by_a_process_not_yet_reloaded(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    stale = make_app(url, GUIDE_CHECK_SECONDS=-1)  # built on the old structure, never reloads
    admin = app.test_client()
    login(admin, "admin")
    assert save(admin, GENERAL, with_new_field(stored_text(app, GENERAL)), "新增表头字段").status_code == 302
    assert save(admin, GENERAL, rules_only(stored_text(app, GENERAL)), "调整满分").status_code == 302
    newest = newest_number(app)
    client = stale.test_client()
    login(client, "enterprise_01")
    pk = new_general(client, stale)
    with stale.app_context():
        record = db.session.get(records.kind_model(stale, "general"), pk)
        assert record.criteria_version.endswith(f"第{newest}版")  # the newest rules, whatever structure is pending here
    dispose(stale)


def test_a_header_field_added_online_appears_without_a_shell_command(app):
    client = app.test_client()
    login(client, "enterprise_01")
    new_draft_before = new_general(client, app)
    admin = app.test_client()
    login(admin, "admin")
    answer = save(admin, GENERAL, with_new_field(stored_text(app, GENERAL)), "新增年度培训学时")
    assert answer.status_code == 302
    shown = visible_text(admin.get(answer.headers["Location"]).get_data(as_text=True))
    assert "已为新版本创建数据库结构" in shown and "自动重新载入" in shown
    form = visible_text(client.get("/generalassessmentview/add").get_data(as_text=True))
    assert "年度培训学时" in form  # the same process, rebuilt on the new structure
    own = records.enterprise_of(app, "enterprise_01")
    created = client.post("/api/v1/assessment_general/", json={"enterprise": own, "period": "2032", "training_hours": 24})
    assert created.status_code == 201, created.get_json()
    served = client.get(f"/api/v1/assessment_general/{created.get_json()['id']}").get_json()
    assert served["result"]["training_hours"] == 24
    # A draft filed under the version before has no such field: not shown, not accepted.
    old = new_draft_before
    assert "training_hours" not in client.get(f"/api/v1/assessment_general/{old}").get_json()["result"]
    assert "年度培训学时" not in visible_text(client.get(f"/generalassessmentview/show/{old}").get_data(as_text=True))
    refused = client.put(f"/api/v1/assessment_general/{old}", json={"training_hours": 8})
    assert refused.status_code == 422 and "没有“年度培训学时”这一项" in str(refused.get_json())


def test_an_old_record_keeps_a_removed_fields_value_at_every_door(app):
    model = records.kind_model(app, "general")
    with app.app_context():
        record = db.session.query(model).filter(getattr(model, SUMMARY).is_not(None)).order_by(model.id).first()
        pk, summary, enterprise = record.id, getattr(record, SUMMARY), record.enterprise_id
        owner = db.session.scalar(select(AppUser.username).where(AppUser.enterprise_id == enterprise).limit(1))
    admin = app.test_client()
    login(admin, "admin")
    printed = admin.get(f"/report/general/{pk}.pdf").data
    assert save(admin, GENERAL, without_summary(stored_text(app, GENERAL)), "删除自评情况说明").status_code == 302
    assert "自评情况说明" not in visible_text(admin.get("/generalassessmentview/add").get_data(as_text=True))
    assert summary[:20] in visible_text(admin.get(f"/assessment/general/{pk}").get_data(as_text=True))  # 办理
    assert summary[:20] in visible_text(admin.get(f"/generalassessmentview/show/{pk}").get_data(as_text=True))  # 查看
    assert admin.get(f"/api/v1/assessment_general/{pk}").get_json()["result"][SUMMARY] == summary  # API
    again = admin.get(f"/report/general/{pk}.pdf").data
    assert again == printed and summary[:10] in "".join(p.extract_text() for p in PdfReader(io.BytesIO(again)).pages)
    # A record filed under the new version has no such field, at the API either.
    client = app.test_client()
    login(client, owner)
    fresh = new_general(client, app)
    assert SUMMARY not in client.get(f"/api/v1/assessment_general/{fresh}").get_json()["result"]
    refused = client.put(f"/api/v1/assessment_general/{fresh}", json={SUMMARY: "不应保存"})
    assert refused.status_code == 422 and SUMMARY in refused.get_json()["message"]


def test_a_district_that_holds_enterprises_is_not_removed(app):
    admin = app.test_client()
    login(admin, "admin")
    before = newest_number(app)
    text = stored_text(app, "districts.yaml")
    answer = save(admin, "districts.yaml", re.sub(r"  - \{code: shinan,.*\n", "", text, count=1), "撤销市南区")
    page = visible_text(answer.get_data(as_text=True))
    assert answer.status_code == 200 and re.search(r"区（市）“市南区”仍有 \d+ 家施工企业，不能删除", page)
    assert newest_number(app) == before
