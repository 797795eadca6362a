"""One save on the 办理 page: an upload or a step sent with the fill-in table as typed stores the table
with it in one transaction, and a table that cannot be stored stops the upload (no file, no row)."""

from __future__ import annotations

import io
from decimal import Decimal

from models import Attachment, db
from tests import records
from tests.licence_support import KIND as LICENCE
from tests.licence_support import enterprise_in, upload_material
from tests.licence_support import new_draft as new_licence_draft
from tests.support import csrf_token, login
from tests.test_workflow_api import Caller
from tests.test_workflow_self_assessment import items, laoshan, new_draft
from tests.workflow_support import PDF, lock_version, page_url, post, text

KIND = "general"
__all__ = ["laoshan"]  # the fixture is used by name


def _upload_with_table(client, pk: int, item: str, table: dict[str, str]):
    form = {"csrf_token": csrf_token(client, page_url(KIND, pk)), "lock_version": lock_version(client, KIND, pk), "item_code": item}
    form.update(table)
    form["file"] = (io.BytesIO(PDF), "证明.pdf")
    return client.post(f"{page_url(KIND, pk)}/evidence", data=form, content_type="multipart/form-data", follow_redirects=True)


def _stored(app, pk: int) -> tuple[dict[str, Decimal | None], int]:
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        return {row.item_code: row.self_score for row in record.items}, db.session.query(Attachment).filter_by(assessment_id=pk).count()


def test_an_upload_saves_the_typed_table_with_the_file_or_neither(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    first, second, *_ = items(app, KIND)

    saved = _upload_with_table(client, pk, first.code, {f"score_{first.code}": "7.5", f"score_{second.code}": "3"})
    assert "已上传“证明.pdf”，填写内容已一并保存" in text(saved)
    scores, files = _stored(app, pk)
    assert (scores[first.code], scores[second.code], files) == (Decimal("7.5"), Decimal(3), 1)

    refused = text(_upload_with_table(client, pk, first.code, {f"score_{first.code}": str(first.max + 1)}))
    assert "文件“证明.pdf”未上传：有得分填写有误" in refused and f"应在 0 到 {first.max} 之间" in refused
    assert f'value="{first.max + 1}"' in refused  # what was typed is still in its field
    assert _stored(app, pk) == (scores, files)


def test_a_step_saves_the_typed_table_first(app, client, laoshan):
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    table = {f"score_{item.code}": str(item.max) for item in items(app, KIND)}
    refused = text(post(client, KIND, pk, "transition", {"code": "submit", "opinion": "请审核", **table}))
    assert "尚不能提交" in refused  # evidence is missing: nothing is stored, not even the table
    assert all(score is None for score in _stored(app, pk)[0].values())


def _header(app, pk: int) -> tuple[str | None, str | None]:
    with app.app_context():
        record = db.session.get(records.kind_model(app, KIND), pk)
        return record.contact_person, record.contact_phone


def test_the_header_is_saved_with_the_scores_in_one_save_or_not_at_all(app, client, laoshan):
    """The header fields are inputs of the same table: a bad phone number keeps everything typed,
    names the field, and stores neither the header nor the scores."""
    enterprise_id, enterprise_user = laoshan
    login(client, enterprise_user)
    pk = new_draft(app, client, enterprise_id)
    before = _header(app, pk)
    first = items(app, KIND)[0]
    typed = {"header_contact_person": "周新联系人", "header_contact_phone": "12345", f"score_{first.code}": "6"}
    refused = text(post(client, KIND, pk, "scores", typed))
    assert "有表头信息填写有误，未保存" in refused and "电话号码格式不正确" in refused
    assert 'value="周新联系人"' in refused and 'value="12345"' in refused  # nothing typed is lost
    assert _header(app, pk) == before and _stored(app, pk)[0][first.code] is None

    saved = text(post(client, KIND, pk, "scores", {**typed, "header_contact_phone": "0532-88886666"}))
    assert "得分已保存（草稿）" in saved
    assert _header(app, pk) == ("周新联系人", "0532-88886666") and _stored(app, pk)[0][first.code] == Decimal(6)

    unknown = text(post(client, KIND, pk, "scores", {"header_no_such_field": "x"}))
    assert "不是" in unknown and _header(app, pk) == ("周新联系人", "0532-88886666")


def test_the_workflow_api_saves_the_header_alone_without_touching_the_items(app, laoshan):
    enterprise_id, enterprise_user = laoshan
    caller = Caller(app, enterprise_user)
    created = caller.post(f"/api/v1/assessment_{KIND}/", json={"enterprise": enterprise_id, "period": "2027"})
    assert created.status_code == 201, created.get_json()
    pk = created.get_json()["id"]
    first = items(app, KIND)[0]
    caller.write(KIND, pk, "entries", {"items": {first.code: {"score": 5}}})
    wrong = caller.write(KIND, pk, "entries", {"header": {"contact_phone": "电话"}}, status=422)
    assert "header_contact_phone" in wrong["errors"] and "未保存" in wrong["message"]
    caller.write(KIND, pk, "entries", {"header": {"contact_person": "吴接口", "contact_phone": "13912345678"}})
    assert _header(app, pk) == ("吴接口", "13912345678") and _stored(app, pk)[0][first.code] == Decimal(5)


def _material_with_table(client, pk: int, version: str, header: dict[str, str]):
    """A material upload from the licence page, carrying the typed header fields."""
    form = {"csrf_token": csrf_token(client, page_url(LICENCE, pk)), "lock_version": version, **header}
    form.update(material_code="business_licence", file=(io.BytesIO(PDF), "执照.pdf"))
    return client.post(f"{page_url(LICENCE, pk)}/material", data=form, content_type="multipart/form-data", follow_redirects=True)


def test_a_material_upload_carries_the_typed_header(app, client):
    """The licence page: a header field typed and not saved is stored with a material's file; a bad
    one stops the upload and stays in its field."""
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_licence_draft(client, enterprise_id, kind=LICENCE)
    version = lock_version(client, LICENCE, pk)
    refused = text(_material_with_table(client, pk, version, {"header_contact_phone": "电话"}))
    assert "文件“执照.pdf”未上传：有表头信息填写有误" in refused and 'value="电话"' in refused
    saved = text(_material_with_table(client, pk, version, {"header_contact_person": "孙新联系人"}))
    assert "已上传“执照.pdf”" in saved and "填写内容已一并保存" in saved
    with app.app_context():
        assert db.session.get(records.kind_model(app, LICENCE), pk).contact_person == "孙新联系人"
    assert "已上传" in text(upload_material(client, LICENCE, pk, "business_licence"))  # a plain upload still works
