"""One save on the 办理 page: an upload or a step sent with the fill-in table as typed stores the table
with it in one transaction, and a table that cannot be stored stops the upload (no file, no row)."""

from __future__ import annotations

import io
from decimal import Decimal

from models import Attachment, db
from tests import records
from tests.support import csrf_token, login
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
    assert "已上传“证明.pdf”，得分已一并保存" in text(saved)
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
