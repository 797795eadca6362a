"""Every list screen of records and grades reads its page through an index, in index order: the
database neither scans a whole assessment or grade table nor sorts one, whoever looks (the city, a
district, an enterprise), on SQLite and on PostgreSQL. The plans are read with EXPLAIN for the
statements the list page really sends.

On PostgreSQL the demo data is small enough that a sequential scan would be cheapest, so the plan is
asked with sequential scans and sorts switched off: one that still appears has no index to replace it.
A kind's item list (reached from its record, filtered by it) is not among the screens checked here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from models import db
from tests.support import login

LOGINS = ("city_station", "district_authority_shinan", "supervisor_shinan", "enterprise_01")
LISTS = re.compile(r"^/(\w+assessment(pending|records)?view|finalgrade\w+view)/list/$")
TABLES = re.compile(r"\b(assessment|assessment_\w+|final_grade)\b")


def list_urls(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if LISTS.match(rule.rule) and "item" not in rule.rule)


def statements(app, client, url: str) -> list[tuple[str, object, bool]]:
    """(statement, parameters, is the page query) of each read of the records or grades the page sends."""
    found = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        text = statement.lstrip()
        if text.upper().startswith("SELECT") and TABLES.search(text.split(" FROM ", 1)[-1]):
            page = " LIMIT " in text.upper() and " ORDER BY " in text.upper()
            nothing = re.search(r"\bWHERE (0 = 1|false)\b", text)  # a role that may see none: no row is read
            if (page or text.upper().startswith("SELECT COUNT")) and not nothing:
                found.append((statement, parameters, page))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        answer = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return found if answer.status_code == 200 else []


def problems(app, statement: str, parameters: object, page: bool) -> list[str]:
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            scans = [line for line in plan if re.match(r"SCAN (assessment|assessment_\w+|final_grade)\b", line)]
            sorts = [line for line in plan if "TEMP B-TREE" in line] if page else []
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]
            scans = [line for line in plan if re.search(r"Seq Scan on (assessment|assessment_\w+|final_grade)\b", line)]
            sorts = [line for line in plan if re.search(r"\bSort\b", line)] if page and plan and "Limit" in plan[0] else []
            connection.rollback()
    return scans + sorts


@pytest.mark.parametrize("username", LOGINS)
def test_every_list_reads_its_page_in_index_order(app, username):
    client = app.test_client()
    login(client, username)
    found, checked = [], 0
    for url in list_urls(app):
        for statement, parameters, page in statements(app, client, url):
            checked += 1
            shown = " ".join(statement.split())[:300]
            for problem in problems(app, statement, parameters, page):
                found.append(f"{url} ({'页' if page else '计数'}): {problem}\n    {shown}")
    assert checked, f"{username} reached no list"
    assert not found, "\n".join(found)
