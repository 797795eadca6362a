"""The home page lists what waits for each user (首页待办): exactly the records the 办理 page would
offer that user a review step on, inside the user's scope; the filler's returned records with the
reason they came back."""

from __future__ import annotations

import re

import pytest

from models import AppUser, db
from models.aggregate import AssessmentRecord
from models.criteria_versions import kind_for
from tests.support import login
from tests.test_workflow_api import _item_scored, _reviewer, _submitted
from views.scope import scope_clause, scope_of
from workflow.records import actor_of, facts_of
from workflow.rules import choices

LINK = re.compile(r'href="/assessment/(\w+)/(\d+)"')


def _section(page: str, title: str) -> set[int]:
    """The record ids linked from the home page's section ``title`` (empty when it is not there)."""
    start = page.find(f"{title}（")
    if start < 0:
        return set()
    end = page.find("</table>", start)
    return {int(pk) for _, pk in LINK.findall(page[start:end])}


def _waiting_for_review(app, username: str) -> set[int]:
    """What the workflow rules offer the user a review step on, over every record in the user's scope."""
    pack = app.extensions["criteria_pack"]
    with app.app_context():
        user = db.session.query(AppUser).filter_by(username=username).one()
        actor = actor_of(user, pack)
        query = db.session.query(AssessmentRecord)
        clause = scope_clause(AssessmentRecord, scope_of(user, pack))
        if clause is not None:
            query = query.filter(clause)
        found = set()
        for core in query:
            kind = kind_for(core)
            record = db.session.get(app.extensions["kind_models"][kind.code].assessment, core.id)
            if any(not step.self_review for step, _ in choices(kind, actor, facts_of(db.session, kind, record))):
                found.add(core.id)
        return found


@pytest.mark.parametrize("username", ["city_station", "district_authority_laoshan", "district_authority_shinan", "supervisor_shinan"])
def test_the_home_page_lists_exactly_what_waits_for_review(app, client, username):
    login(client, username)
    page = client.get("/").get_data(as_text=True)
    assert "首页待办" in page
    assert _section(page, "待我审核") == _waiting_for_review(app, username)


def test_a_returned_record_waits_for_its_filler_with_the_reason(app, client):
    kind = _item_scored(app)[0]
    _, pk = _submitted(app, kind)
    reviewer_name = next(name for name in ("city_station", "district_authority_laoshan") if pk in _waiting_for_review(app, name))
    login(client, reviewer_name)
    assert pk in _section(client.get("/").get_data(as_text=True), "待我审核")
    client.get("/logout/")
    _reviewer(app, kind, pk).write(kind.code, pk, "transition", {"code": "return", "opinion": "安全教育培训记录缺少签字页"})

    with app.app_context():
        username = db.session.get(AppUser, _filler_id(app, pk)).username
    login(client, username)
    page = client.get("/").get_data(as_text=True)
    assert pk in _section(page, "退回待修改") and "安全教育培训记录缺少签字页" in page
    assert pk not in _section(page, "草稿")


def _filler_id(app, pk: int) -> int:
    with app.app_context():
        return db.session.get(AssessmentRecord, pk).created_by_fk


def test_a_role_that_neither_fills_nor_reviews_is_told_nothing_waits(app, client):
    login(client, "admin")  # the administrator takes no workflow step in the pack
    page = client.get("/").get_data(as_text=True)
    assert "目前没有等待您办理的考核记录" in page and not LINK.search(page)


@pytest.mark.parametrize("username", ["city_station", "district_authority_laoshan", "district_authority_shinan"])
def test_review_queues_list_only_what_the_user_may_review(app, client, username):
    """Every kind's 待审核 list holds exactly the records the 办理 page offers the user a review step on
    (a 市南区 record is reviewed by the city station, so the 市南区 authority's queues are empty)."""
    login(client, username)
    listed = set()
    for models in app.extensions["kind_models"].values():
        view = f"{models.assessment.__name__}PendingView"
        answer = client.get(f"/{view.lower()}/list/?psize_{view}=100")
        if answer.status_code == 200:
            listed |= {int(pk) for _, pk in LINK.findall(answer.get_data(as_text=True))}
    waiting = _waiting_for_review(app, username)
    assert listed == waiting and (waiting or username == "district_authority_shinan")


def test_a_visitor_lands_on_the_login_form(client):
    answer = client.get("/")
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]


def test_the_city_station_sees_each_districts_progress(app, client):
    from models import District

    with app.app_context():
        period = db.session.query(db.func.max(AssessmentRecord.period)).scalar()
        by_district = dict(
            db.session.query(District.name, db.func.count(AssessmentRecord.id))
            .join(AssessmentRecord, AssessmentRecord.district_id == District.id)
            .filter(AssessmentRecord.period == period)
            .group_by(District.name)
        )
    login(client, "city_station")
    page = client.get("/").get_data(as_text=True)
    table = page[page.find('id="district-progress"') : page.find("</table>", page.find('id="district-progress"'))]
    assert f"{period} 年度各区（市）考核进度" in page
    rows = {cells[0]: int(cells[1]) for cells in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", table)}
    assert by_district and {name: rows[name] for name in by_district} == by_district
    client.get("/logout/")
    login(client, "enterprise_01")
    assert 'id="district-progress"' not in client.get("/").get_data(as_text=True)
