"""One licence assessment per enterprise and year, and each person once on a list, held by the
database: two requests at once (each on its own connection, both past the screen's check before
either writes) store one record, and the other is told the same field message the check gives.
The registry's person screen refuses a duplicate too. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io

from models import Person, db
from tests import records
from tests.concurrency import race
from tests.licence_support import KIND, enterprise_in, id_number, new_draft
from tests.support import login, visible_text
from tests.workflow_support import PDF, page_url, session_token


def test_two_licence_assessments_of_one_year_at_once_one_is_stored(app, backend):
    enterprise_id, username = enterprise_in(app, "laoshan")
    clients = {name: app.test_client() for name in ("first", "second")}
    for client in clients.values():
        login(client, username)
    answers = {}

    def create(name: str) -> None:
        answers[name] = clients[name].post(f"/api/v1/assessment_{KIND}/", json={"enterprise": enterprise_id, "period": "2031"})

    held = race(app, {name: (lambda name=name: create(name)) for name in clients})
    assert held == set(clients)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [201, 422], {n: a.get_json() for n, a in answers.items()}
    stored = records.ids(app, records.kind_model(app, KIND), enterprise_id=enterprise_id, period="2031")
    assert len(stored) == 1
    refused = next(a for a in answers.values() if a.status_code == 422).get_json()
    assert refused["message"] == {"period": [f"2031 年度已有一份安许证动态考核（编号 {stored[0]}），每个年度只能有一份；请打开该记录办理"]}


def test_the_same_person_entered_twice_at_once_is_stored_once(app, backend):
    enterprise_id, username = enterprise_in(app, "laoshan")
    clients = {name: app.test_client() for name in ("first", "second")}
    for client in clients.values():
        login(client, username)
    pk = new_draft(clients["first"], enterprise_id, "2032")
    entry = app.extensions["criteria_pack"].personnel_lists[0]
    tokens = {name: session_token(client, KIND, pk) for name, client in clients.items()}
    answers = {}

    def enter(name: str) -> None:
        data = {
            "csrf_token": tokens[name],
            "list_code": entry.code,
            "person_name": "并发登记",
            "id_number": id_number(901),
            "role": "",
            "certificate_no": "鲁建安A（2024）900001",
            "certificate_valid_until": "2029-12-31",
            "scan": (io.BytesIO(PDF), "证书.pdf"),
        }
        answer = clients[name].post(f"{page_url(KIND, pk)}/person", data=data, content_type="multipart/form-data", follow_redirects=True)
        answers[name] = visible_text(answer.get_data(as_text=True))

    held = race(app, {name: (lambda name=name: enter(name)) for name in clients})
    assert held == set(clients)
    saved = [n for n, text in answers.items() if "已登记“并发登记”" in text]
    refused = [n for n, text in answers.items() if f"身份证号为 {id_number(901)} 的人员已在该名单中" in text]
    assert len(saved) == 1 and len(refused) == 1, answers
    assert records.count(app, Person, enterprise_id=enterprise_id, list_code=entry.code, id_number=id_number(901)) == 1


def test_the_registry_person_screen_refuses_a_person_twice_on_one_list(app, client):
    enterprise_id, _ = enterprise_in(app, "laoshan")
    entry = app.extensions["criteria_pack"].personnel_lists[0]
    login(client, "district_authority_laoshan")
    body = {"enterprise": enterprise_id, "name": "名单人员", "list_code": entry.code, "id_number": id_number(902)}
    assert client.post("/api/v1/person/", json=body).status_code == 201
    again = client.post("/api/v1/person/", json={**body, "name": "另一个名字"})
    assert again.status_code == 422
    assert again.get_json()["message"] == {"id_number": [f"身份证号为 {id_number(902)} 的人员已在该名单中"]}
    # the same person on another list, and people without a list or an ID number, are not duplicates
    other = app.extensions["criteria_pack"].personnel_lists[1]
    assert client.post("/api/v1/person/", json={**body, "list_code": other.code}).status_code == 201
    for extra in ({"list_code": None}, {"id_number": None}):
        for _ in range(2):
            assert client.post("/api/v1/person/", json={**body, "name": "未列名单", **extra}).status_code == 201
    with app.app_context():
        listed = db.session.query(Person).filter_by(enterprise_id=enterprise_id, list_code=entry.code, id_number=id_number(902)).count()
    assert listed == 1
