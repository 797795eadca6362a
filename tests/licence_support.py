"""Helpers for the licence-assessment tests: a fresh draft, its materials and people, posted like a browser."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from models import AppUser, District, Enterprise, db
from models.id_number import check_character
from tests import records
from tests.workflow_support import PDF, one_page_pdf, page_url, session_token

KIND = "licence"
HEADER = {
    "licence_no": "（鲁）JZ安许证字[2024]020001",
    "licence_valid_until": "2027-05-31",
    "qualification": "建筑工程施工总承包一级",
    "legal_representative": "赵法人",
    "contact_person": "钱联系",
    "contact_phone": "13912345678",
}


def id_number(serial: int, born: str = "19800101") -> str:
    body = f"370212{born}{serial:03d}"
    return body + check_character(body)


def enterprise_in(app: Flask, district: str) -> tuple[int, str]:
    """The first demo enterprise of ``district`` and its login."""
    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == district).order_by(Enterprise.id).first()
        username = db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username
    return company.id, username


def new_draft(client: FlaskClient, enterprise_id: int, period: str = "2027", kind: str = KIND, **extra: Any) -> int:
    body = {"enterprise": enterprise_id, "period": period, **(HEADER if kind == KIND else {}), **extra}
    answer = client.post(f"/api/v1/assessment_{kind}/", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def post_form(client: FlaskClient, kind: str, pk: int, action: str, data: dict[str, Any]) -> Any:
    token = session_token(client, kind, pk)
    multipart = any(isinstance(v, tuple) for v in data.values())
    return client.post(
        f"{page_url(kind, pk)}/{action}",
        data={"csrf_token": token, **data},
        content_type="multipart/form-data" if multipart else None,
        follow_redirects=True,
    )


def upload_material(client: FlaskClient, kind: str, pk: int, code: str, content: bytes = PDF, name: str = "材料.pdf") -> Any:
    return post_form(client, kind, pk, "material", {"material_code": code, "file": (io.BytesIO(content), name)})


def add_person(
    client: FlaskClient,
    kind: str,
    pk: int,
    list_code: str,
    name: str,
    serial: int,
    valid_until: str = "2028-12-31",
    scan: bytes | None = PDF,
    **changes: Any,
) -> Any:
    data: dict[str, Any] = {
        "list_code": list_code,
        "person_name": name,
        "id_number": id_number(serial),
        "role": "",
        "certificate_no": f"鲁建安（2024）{serial:06d}",
        "certificate_valid_until": valid_until,
        **changes,
    }
    if scan is not None:
        data["scan"] = (io.BytesIO(scan), f"{name}证书.pdf")
    return post_form(client, kind, pk, "person", data)


def fill_dossier(app: Flask, client: FlaskClient, pk: int, kind: str = KIND) -> None:
    """Every required material and the required people of each list, as the enterprise would."""
    pack = app.extensions["criteria_pack"]
    source = pack.dossier_kind(pack.kinds[kind])
    for number, material in enumerate(source.materials):
        if material.required and not material.rectification:
            upload_material(client, kind, pk, material.code, one_page_pdf(f"material {number}"), f"{material.name}.pdf")
    for number, entry in enumerate(source.personnel):
        for extra in range(entry.min_count):
            add_person(client, kind, pk, entry.code, f"人员{number}{extra}", 100 + number * 10 + extra)


def state_of(app: Flask, pk: int, kind: str = KIND) -> Any:
    with app.app_context():
        record = db.session.get(records.kind_model(app, kind), pk)
        db.session.expunge(record)
        return record
