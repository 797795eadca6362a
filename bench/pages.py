"""List pages: server time, SQL statements per page, a stock Flask-AppBuilder ModelView over the same
tables showing the same rows (checked), and the page's own SQL replayed alone (the floor).

Pages are requested in process (Flask's test client, so the time is the server's alone), logged in as
the admin, on a work copy of the data set: the stock views add their permissions to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import event

from accounts.sessions import SESSION_KEY
from bench.figures import Figure, at_most, median_ms
from models import AppUser, db
from models.assessments import class_name

PAGE_SIZES = (20, 100)
ROW_ID = re.compile(r"/show/(\d+)")


@dataclass(frozen=True)
class Page:
    label: str  # evaluation / assessment
    view: str  # our view's class name
    stock: str  # the stock view's class name
    url: str


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) run inside the block."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _view(app: Flask, name: str) -> Any:
    return next(v for v in app.appbuilder.baseviews if type(v).__name__ == name)


def _stock_view(ours: Any, name: str) -> type[ModelView]:
    """A plain ModelView configured as a FAB user would: our view's model, columns, order and base
    filters (the grade a list shows, its fixed state), and a search on the same columns but the
    related ones (FAB draws each related column of the search as a pick-list of every record, which a
    user of a city's data would leave out)."""
    fixed = [[column, FilterEqual, value] for column, value in getattr(ours, "fixed_filters", ())]
    searched = [column for column in ours.search_columns if not ours.datamodel.is_relation(column)]
    return type(
        name,
        (ModelView,),
        {
            "datamodel": SQLAInterface(ours.datamodel.obj),
            "list_columns": list(ours.list_columns),
            # the forms a FAB user declares (FAB's default, every mapped property, includes the
            # aggregate's loading expression, which is no form field)
            "add_columns": list(getattr(ours, "add_columns", None) or ours.list_columns),
            "edit_columns": list(getattr(ours, "edit_columns", None) or ours.list_columns),
            "search_columns": searched,
            "label_columns": dict(ours.label_columns),
            "base_order": ours.base_order,
            "base_filters": [list(f) for f in ours.base_filters or []] + fixed,
            "page_size": 20,
            "route_base": f"/bench-stock/{name.lower()}",
        },
    )


def install_stock_views(app: Flask) -> list[Page]:
    """Add the stock views (before the app serves anything) and return the pages to compare."""
    pack = app.extensions["criteria_pack"]
    composite = next(spec for spec in pack.final_grades if spec.composite)
    kind = next(k for k in pack.kinds.values() if k.subject == "enterprise" and k.items)
    pages = []
    for label, view_name in (
        ("evaluation", f"FinalGrade{composite.code.title().replace('_', '')}View"),
        ("assessment", f"{class_name(kind.code)}AssessmentView"),
    ):
        ours = _view(app, view_name)
        stock = _stock_view(ours, f"Stock{view_name}")
        with app.app_context():
            app.appbuilder.add_view_no_menu(stock)
        pages.append(Page(label, view_name, stock.__name__, ours.route_base + "/list/"))
    with app.app_context():  # the admin's permissions on them, in the work copy (starting writes none)
        app.appbuilder.add_permissions(update_perms=True)
    return pages


def admin_client(app: Flask) -> FlaskClient:
    """A client with the admin's session (the login form itself is not what is measured)."""
    with app.app_context():
        admin_id, generation = db.session.query(AppUser.id, AppUser.session_generation).filter_by(username="admin").one()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin_id)
        session["_fresh"] = True
        session[SESSION_KEY] = generation  # a session of the account's current generation (accounts.sessions)
    return client


def _get(client: FlaskClient, url: str) -> str:
    answer = client.get(url)
    if answer.status_code != 200:
        raise RuntimeError(f"{url} 返回 {answer.status_code}")
    return answer.get_data(as_text=True)


def _replay(app: Flask, seen: list[tuple[str, Any]]) -> float:
    """Median time of the page's SQL alone, sent straight to the driver."""
    with app.app_context():
        raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()

        def run() -> None:
            for statement, parameters in seen:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()

        return median_ms(run, runs=21)
    finally:
        raw.rollback()
        raw.close()


def measure(app: Flask, pages: list[Page], runs: int) -> list[Figure]:
    client = admin_client(app)
    figures: list[Figure] = []
    for page in pages:
        counts = {}
        for size in PAGE_SIZES:
            ours_url = f"{page.url}?psize_{page.view}={size}"
            stock_url = f"{_view(app, page.stock).route_base}/list/?psize_{page.stock}={size}"
            _get(client, ours_url)
            with statements(app) as seen:
                body = _get(client, ours_url)
            counts[size] = len(seen)
            if body.count("<tr") < min(size, 20):
                raise RuntimeError(f"{ours_url} 只有 {body.count('<tr')} 行，数据集不完整？")
            shown = ROW_ID.findall(body)
            if shown != ROW_ID.findall(_get(client, stock_url)):  # the comparison is of the same rows
                raise RuntimeError(f"{stock_url} 与 {ours_url} 显示的记录不同")
            ours = median_ms(lambda url=ours_url: _get(client, url), runs)
            stock = median_ms(lambda url=stock_url: _get(client, url), runs)
            floor = _replay(app, seen)
            name = f"list_{page.label}_{size}"
            figures += [
                at_most(f"{name}_server", ours, "ms", 80),
                Figure(f"{name}_queries", len(seen), "queries"),
                Figure(f"{name}_stock_fab", stock, "ms", "ours <= stock / 2", 2 * ours <= stock),
                Figure(f"{name}_sql_floor", floor, "ms", "ours <= 3x floor", ours <= 3 * floor),
            ]
        figures.append(at_most(f"list_{page.label}_query_growth_20_to_100", counts[PAGE_SIZES[-1]] - counts[PAGE_SIZES[0]], "queries", 0))
    return figures
