"""A kind the running pack no longer lists is retired, not vanished: its records' verification codes,
printed forms and pages stay reachable under the criteria version they were filed under."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from models import FormVerification, db
from models.record_scores import final_states
from tests.conftest import dispose, import_pack, make_app
from tests.support import login, visible_text

KIND = "licence"


@pytest.fixture
def retired_pack(pack_copy):
    manifest = pack_copy / "pack.yaml"
    listed = manifest.read_text(encoding="utf-8")
    unlisted = re.sub(r",\s*licence\.yaml\b", "", listed)
    assert unlisted != listed, "the pack lists licence.yaml after another kind"
    manifest.write_text(unlisted, encoding="utf-8")
    general = pack_copy / "general.yaml"
    general.write_text(general.read_text(encoding="utf-8").replace("dossier_from: licence\n", ""), encoding="utf-8")
    grading = pack_copy / "grading.yaml"  # the licence grade is graded from the general score again
    grading.write_text(grading.read_text(encoding="utf-8").replace("    rated_by: licence\n", ""), encoding="utf-8")
    return pack_copy


def test_a_retired_kinds_record_still_verifies_prints_and_opens(backend, template_url, retired_pack):
    url = backend.copy(template_url, "retired")
    try:
        before = make_app(url)
        with before.app_context():
            model = before.extensions["kind_models"][KIND].assessment
            settled = final_states(before.extensions["criteria_pack"].kinds[KIND])
            record = db.session.query(model).filter(model.rating.is_not(None), model.state.in_(settled)).order_by(model.id).first()
            pk, enterprise, header = record.id, str(record.enterprise), record.licence_no
        client = before.test_client()
        login(client, "admin")
        printed = client.get(f"/report/{KIND}/{pk}.pdf")
        assert printed.status_code == 200
        with before.app_context():
            code = db.session.query(FormVerification).filter_by(assessment_id=pk).one().code
        dispose(before)

        import_pack(url, retired_pack, CRITERIA_PACK=str(retired_pack))  # the revision that drops the kind
        app = make_app(url, CRITERIA_PACK=str(retired_pack))
        assert KIND not in app.extensions["criteria_pack"].kinds
        client = app.test_client()
        page = visible_text(client.get(f"/verify/{code}").get_data(as_text=True))
        assert f"验证码 {code} 对应的考核表真实有效" in page and enterprise in page
        login(client, "admin")
        form = client.get(f"/report/{KIND}/{pk}.pdf")
        assert form.status_code == 200
        assert form.data.split(b"%%EOF")[0] == printed.data.split(b"%%EOF")[0]  # the same form, byte for byte, before its signature
        printed_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(form.data)).pages)
        assert enterprise in printed_text and header in printed_text  # its header fields, read from its table
        opened = client.get(f"/assessment/{KIND}/{pk}")
        assert opened.status_code == 200 and header in visible_text(opened.get_data(as_text=True))
        listed = visible_text(client.get("/licenceassessmentview/list/").get_data(as_text=True))
        assert "（已停用）" in listed and enterprise in listed  # still listed, under its retired name
        assert "新增" not in listed  # no new records of a retired kind
        served = client.get(f"/api/v1/assessment_licence/{pk}")
        assert served.status_code == 200 and served.get_json()["result"]["licence_no"] == header
        assert client.post("/api/v1/assessment_licence/", json={"period": "2026"}).status_code in (401, 403, 405)
        dispose(app)
    finally:
        backend.drop(url)
