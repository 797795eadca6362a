"""Helpers for workflow tests: read a record's page, post its forms like a browser would."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.support import csrf_token

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def page_url(kind: str, pk: int) -> str:
    return f"/assessment/{kind}/{pk}"


def lock_version(client: FlaskClient, kind: str, pk: int) -> str:
    html = client.get(page_url(kind, pk)).get_data(as_text=True)
    return re.search(r'name="lock_version" value="(\d+)"', html).group(1)


def post(client: FlaskClient, kind: str, pk: int, action: str, data: dict[str, Any], version: str | None = None) -> Any:
    token = csrf_token(client, page_url(kind, pk))
    form = {"csrf_token": token, "lock_version": version or lock_version(client, kind, pk), **data}
    return client.post(f"{page_url(kind, pk)}/{action}", data=form, follow_redirects=True)


def upload(client: FlaskClient, kind: str, pk: int, item: str, content: bytes = PDF, name: str = "证明.pdf") -> Any:
    import io

    token = csrf_token(client, page_url(kind, pk))
    return client.post(f"{page_url(kind, pk)}/evidence", data={
        "csrf_token": token, "item_code": item, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data", follow_redirects=True)


def text(answer: Any) -> str:
    return answer.get_data(as_text=True)
