"""A list's pager counts its rows up to LIST_COUNT_LIMIT: beyond it the count says “N+”, every page
still opens, and an export still has every row."""

from __future__ import annotations

import csv
import io
import re

from flask import url_for
from sqlalchemy import event, func, select

from models import assessment_table, db
from tests.support import login, visible_text

KIND = "general"


def _list(app) -> tuple[int, str, str, str]:
    """The kind's rows, its list page, its REST list and the name of its list view."""
    name = app.extensions["kind_models"][KIND].assessment.__name__
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(assessment_table).where(assessment_table.c.kind == KIND))
    with app.test_request_context():
        return total, url_for(f"{name}View.list"), url_for(f"{name}Api.get_list"), f"{name}View"


def test_a_long_list_counts_to_the_limit_and_pages_beyond_it(app, client):
    total, page_url, api_url, view = _list(app)
    limit = 2
    assert total > limit + 1, "the demo data has more records of the kind than the bound"
    app.config["LIST_COUNT_LIMIT"] = limit
    login(client, "admin")

    page = visible_text(client.get(page_url, query_string={f"psize_{view}": 1}).get_data(as_text=True))
    assert re.search(rf"记录数\s*[:：]\s*{limit}\+", page), page[-600:]
    beyond = client.get(page_url, query_string={f"psize_{view}": 1, f"page_{view}": limit + 1})
    assert beyond.status_code == 200 and "没有记录" not in visible_text(beyond.get_data(as_text=True))

    api = client.get(api_url, query_string={"q": "(page:0,page_size:1)"}).json
    assert api["count"] == limit and api["count_at_least"] is True, api
    last = client.get(api_url, query_string={"q": f"(page:{total - 1},page_size:1)"}).json
    assert len(last["result"]) == 1  # the last record is still reached

    exported = client.get(page_url.replace("/list/", "/export/")).get_data(as_text=True).lstrip("\ufeff")
    assert len(list(csv.reader(io.StringIO(exported)))) - 1 == total  # an export counts and writes every row


def test_a_list_under_the_limit_shows_its_exact_count(app, client):
    total, page_url, api_url, _ = _list(app)
    app.config["LIST_COUNT_LIMIT"] = total + 1
    login(client, "admin")
    page = visible_text(client.get(page_url).get_data(as_text=True))
    assert re.search(rf"记录数\s*[:：]\s*{total}(?!\+)", page)
    api = client.get(api_url, query_string={"q": "(page:0,page_size:2)"}).json
    assert api["count"] == total and "count_at_least" not in api, api


def _count_statements(app) -> list[str]:
    """The bounded count statements the app's database runs from now on."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT(*)") and "LIMIT" in statement.upper():
            seen.append(statement)

    return seen


def test_a_count_that_reached_the_limit_is_kept_for_the_same_list(app, client):
    _, _, api_url, _ = _list(app)
    app.config.update(LIST_COUNT_LIMIT=2, LIST_COUNT_KEEP_SECONDS=60)
    login(client, "admin")
    counted = _count_statements(app)
    for page in range(3):  # paging through the same list: one count
        answer = client.get(api_url, query_string={"q": f"(page:{page},page_size:1)"}).json
        assert answer["count"] == 2 and answer["count_at_least"] is True, answer
    assert len(counted) == 1
    # another filter is another list: counted on its own (here under the limit, so exactly)
    period = client.get(api_url, query_string={"q": "(page:0,page_size:1)"}).json["result"][0]["period"]
    one = client.get(api_url, query_string={"q": f"(filters:!((col:period,opr:neq,value:'{period}')),page:0,page_size:1)"}).json
    assert len(counted) == 2 and "count_at_least" not in one and one["count"] < 2, one


def test_a_count_under_the_limit_follows_every_change(app, client):
    total, _, api_url, _ = _list(app)
    app.config.update(LIST_COUNT_LIMIT=total + 1, LIST_COUNT_KEEP_SECONDS=60)
    login(client, "admin")
    assert client.get(api_url, query_string={"q": "(page:0,page_size:1)"}).json["count"] == total
    with app.app_context():
        first = db.session.scalar(select(func.min(assessment_table.c.id)).where(assessment_table.c.kind == KIND))
        db.session.execute(assessment_table.update().where(assessment_table.c.id == first).values(kind="elsewhere"))
        db.session.commit()
    assert client.get(api_url, query_string={"q": "(page:0,page_size:1)"}).json["count"] == total - 1
