"""The licence assessment (安许证动态考核) over REST only, with a JWT and no browser: the enterprise
uploads its materials and registers its people, submits; the reviewer rates 基本合格, which opens a
rectification round; the enterprise hands in 整改材料 and resubmits; the reviewer rates 合格. The
refusals on the way are the page's: in Chinese, 4xx, nothing stored. (Who reaches which record
through these endpoints, and the 404 of kinds without a checklist: tests/test_scope_matrix.py.)"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

from tests.licence_support import HEADER, KIND, id_number
from tests.test_workflow_api import Caller, reviewed_enterprise
from tests.workflow_support import PDF, one_page_pdf

API = "/api/v1/dossier"


def _material(caller: Caller, pk: int, code: str, content: bytes = PDF, status: int = 200) -> dict[str, Any]:
    answer = caller.post(f"{API}/{KIND}/{pk}/material", data={"material_code": code, "file": (io.BytesIO(content), f"{code}.pdf")})
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _person(caller: Caller, pk: int, list_code: str, serial: int, status: int = 200, **changes: Any) -> dict[str, Any]:
    data = {
        "list_code": list_code,
        "person_name": f"人员{serial}",
        "id_number": id_number(serial),
        "role": "",
        "certificate_no": f"鲁建安（2024）{serial:06d}",
        "certificate_valid_until": "2028-12-31",
        "scan": (io.BytesIO(PDF), f"证书{serial}.pdf"),
        **changes,
    }
    answer = caller.post(f"{API}/{KIND}/{pk}/person", data=data)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _step(caller: Caller, pk: int, code: str, status: int = 200, **body: Any) -> dict[str, Any]:
    return caller.write(KIND, pk, "transition", {"code": code, **body}, status=status)


def _draft(app: Flask) -> tuple[Caller, int]:
    enterprise_id, username = reviewed_enterprise(app, without_people=True)
    filler = Caller(app, username)
    created = filler.post(f"/api/v1/assessment_{KIND}/", json={"enterprise": enterprise_id, "period": "2027", **HEADER})
    assert created.status_code == 201, created.get_json()
    return filler, created.get_json()["id"]


def _rater(app: Flask, pk: int) -> Caller:
    """Whoever may rate the record: the city station, or the authority of a district it does not review."""
    districts = app.extensions["criteria_pack"].districts
    for username in ("city_station", *(f"district_authority_{d.code}" for d in districts if not d.city_reviewed)):
        caller = Caller(app, username)
        answer = caller.get(f"/api/v1/workflow/{KIND}/{pk}")
        if answer.status_code == 200 and any(t["code"] == "rate" and t["blocked"] is None for t in answer.get_json()["transitions"]):
            return caller
    raise AssertionError(f"nobody rates {pk}")


def test_a_licence_is_submitted_rated_basic_pass_rectified_and_rated_pass_over_rest(app):
    licence_journey(app)


def licence_journey(app: Flask) -> None:
    pack = app.extensions["criteria_pack"]
    source = pack.dossier_kind(pack.kinds[KIND])
    filler, pk = _draft(app)

    # the checklist: each required material once, each list its minimum of people
    refused = _step(filler, pk, "submit", status=422, opinion="申请考核")
    assert "尚不能提交" in refused["message"]
    for number, material in enumerate(m for m in source.materials if m.required and not m.rectification):
        answer = _material(filler, pk, material.code, one_page_pdf(f"material {number}"))
        assert [f["name"] for f in answer["dossier"]["materials"][material.code]] == [f"{material.code}.pdf"]
    serial = 100
    for entry in source.personnel:
        for _ in range(entry.min_count):
            answer = _person(filler, pk, entry.code, serial)
            serial += 1
    assert answer["record"]["missing"] == []
    whole = id_number(serial - 1)
    shown = whole if pack.role(pack.kinds[KIND].filled_by).reads_id_numbers else whole[:6] + "********" + whole[-4:]
    assert answer["dossier"]["personnel"][entry.code][-1]["id_number"] == shown  # as roles.yaml lets the filler see it

    # 整改材料 cannot be handed in before a round is opened; a bad person is refused field by field
    later = next(m for m in source.materials if m.rectification)
    assert "整改" in _material(filler, pk, later.code, status=403)["message"]
    wrong = _person(filler, pk, source.personnel[0].code, 900, status=422, id_number="370212198001011234", certificate_valid_until="明年")
    assert set(wrong["errors"]) >= {"id_number", "certificate_valid_until"}

    assert _step(filler, pk, "submit", opinion="申请考核")["record"]["state"] == "submitted"
    assert "不能上传" in _material(filler, pk, source.materials[0].code, status=403)["message"]  # the submitted checklist is fixed

    kind = pack.kinds[KIND]
    basic = kind.rectification_bands[0]  # 基本合格: opens a round
    passing = next(band for band in kind.rating_bands if band not in kind.rectification_bands)  # 合格
    rater = _rater(app, pk)
    assert "评定结果" in _step(rater, pk, "rate", status=422, opinion="部分制度不完善")["message"]
    rated = _step(rater, pk, "rate", opinion="部分制度不完善", rating=basic)["record"]
    assert rated["state"] == kind.rectification.state and rated["rating"] == basic

    assert "尚不能提交" in _step(filler, pk, "submit", status=422, opinion="已整改")["message"]
    assert _material(filler, pk, later.code)["record"]["missing"] == []
    assert _step(filler, pk, "submit", opinion="已整改")["record"]["state"] == "submitted"
    final = _step(rater, pk, "rate", opinion="整改到位", rating=passing)["record"]
    assert (final["state"], final["rating"]) == (kind.workflow.transition("rate").to, passing)
