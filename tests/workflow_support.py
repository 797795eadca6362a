"""Helpers for workflow tests: read a record's page, post its forms like a browser would."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.support import csrf_token


def one_page_pdf(text: str = "evidence") -> bytes:
    """A small, valid one-page PDF (with a correct cross-reference table), as evidence uploads need."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = one_page_pdf()


def page_url(kind: str, pk: int) -> str:
    return f"/assessment/{kind}/{pk}"


def lock_version(client: FlaskClient, kind: str, pk: int) -> str:
    """The version the page was rendered with ('' when the page offers no form to this user)."""
    html = client.get(page_url(kind, pk)).get_data(as_text=True)
    match = re.search(r'name="lock_version" value="(\d+)"', html)
    return match.group(1) if match else ""


def session_token(client: FlaskClient, kind: str, pk: int) -> str:
    """The session's CSRF token: from the record's page, or (when the page offers no form) from the
    password form every user has."""
    html = client.get(page_url(kind, pk)).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html)
    return match.group(1) if match else csrf_token(client, "/resetmypassword/form")


def post(client: FlaskClient, kind: str, pk: int, action: str, data: dict[str, Any], version: str | None = None) -> Any:
    token = session_token(client, kind, pk)
    form = {"csrf_token": token, "lock_version": version or lock_version(client, kind, pk), **data}
    return client.post(f"{page_url(kind, pk)}/{action}", data=form, follow_redirects=True)


def upload(client: FlaskClient, kind: str, pk: int, item: str, content: bytes = PDF, name: str = "证明.pdf") -> Any:
    import io

    token = csrf_token(client, page_url(kind, pk))
    return client.post(
        f"{page_url(kind, pk)}/evidence",
        data={"csrf_token": token, "item_code": item, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def text(answer: Any) -> str:
    return answer.get_data(as_text=True)


def file_and_approve(
    app: Any,
    client: FlaskClient,
    kind: str,
    enterprise_id: int,
    filler: str,
    reviewer: str,
    score: Any,
    header: dict[str, Any],
    period: str = "2027",
) -> int:
    """A new assessment filed by ``filler`` through the API, scored with ``score(item)`` for every item of
    the criteria version it was filed under, evidence uploaded, submitted, then passed item by item and
    approved by ``reviewer`` on the 办理 page. Returns its id; both users are logged out again."""
    from models import db
    from models.criteria_versions import kind_for
    from tests.support import login

    login(client, filler)
    answer = client.post(f"/api/v1/assessment_{kind}/", json={"enterprise": enterprise_id, "period": period, **header})
    assert answer.status_code == 201, answer.get_json()
    pk = answer.get_json()["id"]
    with app.app_context():
        filed = kind_for(db.session.get(app.extensions["kind_models"][kind].assessment, pk))
    assert "得分已保存" in text(post(client, kind, pk, "scores", {f"score_{i.code}": str(score(i)) for i in filed.items}))
    for item in filed.items:
        if item.evidence:
            assert "已上传" in text(upload(client, kind, pk, item.code))
    for entry in filed.record_evidence:
        if entry.required:
            assert "已上传" in text(upload(client, kind, pk, f"record:{entry.code}"))
    assert "已提交" in text(post(client, kind, pk, "transition", {"code": "submit", "opinion": "请审核"}))
    client.get("/logout/")
    login(client, reviewer)
    passed = post(client, kind, pk, "review", {f"decision_{i.code}": "pass" for i in filed.items})
    assert f"已保存 {len(filed.items)} 项审核结果" in text(passed)
    assert "已审核通过" in text(post(client, kind, pk, "transition", {"code": "approve", "opinion": "同意"}))
    client.get("/logout/")
    return pk
