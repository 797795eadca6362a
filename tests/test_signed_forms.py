"""Settled forms are official documents: signed (PAdES) by the configured certificate, pointing at
PUBLIC_BASE_URL, and checkable on /verify by uploading the file; drafts never pass for a result."""

from __future__ import annotations

import io

from models import FormVerification, db
from reports import assessment_form
from reports.signing import check_signature
from services.form_signing import configured_signer
from tests import records
from tests.support import csrf_token, login, visible_text


def approved(app, kind: str = "general") -> int:
    return records.ids(app, records.kind_model(app, kind), state="approved")[0]


def signed_form(app, pk: int, kind: str = "general") -> bytes:
    client = app.test_client()
    login(client, "city_station")
    answer = client.get(f"/report/{kind}/{pk}.pdf")
    assert answer.status_code == 200
    return answer.data


def code_of(app, pk: int) -> str:
    with app.app_context():
        return db.session.query(FormVerification).filter_by(assessment_id=pk).one().code


def altered(pdf: bytes) -> bytes:
    """One byte of the page content changed (inside the first, signed revision)."""
    at = pdf.index(b"stream", len(pdf) // 4) + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def upload(app, code: str, data: bytes) -> str:
    visitor = app.test_client()
    token = csrf_token(visitor, f"/verify/{code}")
    answer = visitor.post(f"/verify/{code}", data={"csrf_token": token, "copy": (io.BytesIO(data), "考核表.pdf")})
    assert answer.status_code == 200
    return visible_text(answer.get_data(as_text=True))


def test_an_approved_form_is_signed_trusted_and_breaks_when_one_byte_changes(app, client):
    pdf = signed_form(app, approved(app))
    certificate = configured_signer(app.config).certificate
    good = check_signature(pdf, [certificate])
    assert good.genuine and good.intact and good.trusted and good.whole_file, good
    assert "测试环境" in good.signer
    broken = check_signature(altered(pdf), [certificate])
    assert broken.signed and not broken.intact and not broken.genuine
    assert not check_signature(pdf, []).trusted  # trusted only by the configured certificate


def test_a_draft_prints_watermarked_unsigned_and_without_a_code(app, client):
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    draft = records.ids(app, records.kind_model(app, "general"), enterprise_id=own, state="draft")[0]
    pdf = client.get(f"/report/general/{draft}.pdf").data
    assert not check_signature(pdf, [configured_signer(app.config).certificate]).signed
    assert records.count(app, FormVerification, assessment_id=draft) == 0
    # A code printed before the record went back to draft still never says 真实有效.
    with app.app_context():
        db.session.add(FormVerification(code="DRAFT23456", assessment_id=draft))
        db.session.commit()
    page = visible_text(app.test_client().get("/verify/DRAFT23456").get_data(as_text=True))
    assert "尚未核定" in page and "真实有效" not in page and "考核总分" not in page
    assert "不是本平台签发" in upload(app, "DRAFT23456", pdf)


def test_the_qr_code_points_at_the_public_address_not_the_request_host(app, client, monkeypatch):
    app.config["PUBLIC_BASE_URL"] = "https://aqkh.example.gov.cn/"
    encoded: list[str] = []
    original = assessment_form._qr
    monkeypatch.setattr(assessment_form, "_qr", lambda value, *args: encoded.append(value) or original(value, *args))
    pk = approved(app)
    login(client, "city_station")
    assert client.get(f"/report/general/{pk}.pdf").status_code == 200  # asked at http://localhost/
    assert encoded == [f"https://aqkh.example.gov.cn/verify/{code_of(app, pk)}"]


def test_verify_checks_an_uploaded_copy_against_the_signature_and_the_record(app, client):
    pk = approved(app)
    pdf = signed_form(app, pk)
    code = code_of(app, pk)
    page = visible_text(app.test_client().get(f"/verify/{code}").get_data(as_text=True))
    with app.app_context():
        record = db.session.get(records.kind_model(app, "general"), pk)
        total = format(record.total, "f")
    assert "真实有效" in page and total in page  # the score, with its places
    assert "与平台当前记录一致" in upload(app, code, pdf)
    assert "签名已损坏" in upload(app, code, altered(pdf))
    assert "不是可读的 PDF" in upload(app, code, b"not a pdf")
    another = signed_form(app, approved(app, "director"), "director")  # genuine, but another record's
    assert f"与验证码 {code} 不对应" in upload(app, code, another)
    with app.app_context():  # the result changes after printing (a later decision)
        record = db.session.get(records.kind_model(app, "general"), pk)
        record.grade = "不合格"
        db.session.commit()
    changed = upload(app, code, pdf)
    assert "记录在打印后已变更" in changed and "等次" in changed and "不合格" in changed


def test_an_oversized_upload_is_refused_without_being_read_as_a_pdf(app, client):
    pk = approved(app)
    signed_form(app, pk)
    assert "文件超过 5 MB" in upload(app, code_of(app, pk), b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
