"""Pages read each table once: the 办理 page its evidence, materials, people and history; the
criteria versions list every author with the page, not one per row."""

from __future__ import annotations

import re

from bench.pages import statements
from models import AppUser, db
from models.criteria_versions import add_version
from tests.licence_support import KIND, enterprise_in, fill_dossier, new_draft
from tests.support import login
from tests.workflow_support import page_url


def reads(seen: list, table: str) -> int:
    return sum(1 for statement, _ in seen if statement.lstrip().upper().startswith("SELECT") and re.search(rf"\bFROM {table}\b", statement))


def test_the_assessment_page_reads_each_of_its_tables_once(app, client):
    enterprise_id, username = enterprise_in(app, "laoshan")
    login(client, username)
    pk = new_draft(client, enterprise_id, "2035")
    fill_dossier(app, client, pk)
    client.get(page_url(KIND, pk))  # warm the caches of the first request
    with statements(app) as seen:
        page = client.get(page_url(KIND, pk))
    assert page.status_code == 200 and "人员名单" in page.get_data(as_text=True)
    counted = {table: reads(seen, table) for table in ("enterprise_material", "person", "review_history", "attachment")}
    assert counted == {"enterprise_material": 1, "person": 1, "review_history": 1, "attachment": 1}


def test_the_versions_list_loads_its_authors_with_the_page(app, client):
    pack = app.extensions["criteria_pack"]
    login(client, "admin")

    def versions_by(usernames: list[str]) -> int:
        with app.app_context():
            for username in usernames:
                user = db.session.query(AppUser).filter_by(username=username).one()
                add_version(db.session, pack, "editor", f"{username} 的修改", user.id)
            db.session.commit()
        client.get("/criteria-admin/versions/")
        with statements(app) as seen:
            assert client.get("/criteria-admin/versions/").status_code == 200
        return reads(seen, "ab_user")

    few = versions_by(["city_station", "district_authority_laoshan"])
    many = versions_by(["district_authority_shinan", "supervisor_laoshan", "enterprise_01", "enterprise_02"])
    assert many == few
