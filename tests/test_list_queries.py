"""List pages run the same SQL statements whether they show 20 rows or 100 (no query per row)."""

from __future__ import annotations

import re

import click
import pytest

from bench.pages import statements
from cli import demo_city, demo_data
from models import db
from models.criteria_versions import active_version
from tests.support import login
from views.scoped_api import ScopedApi
from views.scoped_views import ScopedModelView

# More rows than the smaller page size in every list, without the full city scale.
SMALL_CITY = demo_city.Scale(enterprises=130, local=100, projects=150, project_assessments=150, daily_entries=150)


@pytest.fixture
def busy_app(app):
    with app.app_context():
        demo_city.generate(db.session, active_version(), app.extensions["kind_models"], SMALL_CITY, demo_data.SEED, click.echo)
    return app


def _list_views(app) -> list[tuple[str, str]]:
    return sorted(
        (type(view).__name__, view.route_base + "/list/") for view in app.appbuilder.baseviews if isinstance(view, ScopedModelView)
    )


def _rows(html: str) -> int:
    """Rows of the list table (after its heading row); the search form's table comes before it."""
    table = html[html.find("<thead") :] if "<thead" in html else ""
    return max(0, len(re.findall(r"<tr\b", table)) - 1)


def test_no_list_page_runs_a_query_per_row(busy_app):
    client = busy_app.test_client()
    login(client, "admin")
    grown = []
    long_lists = 0
    for name, url in _list_views(busy_app):
        counts, rows = {}, {}
        for size in (20, 100):
            address = f"{url}?psize_{name}={size}"
            client.get(address)  # first request of a view: warm caches
            with statements(busy_app) as seen:
                answer = client.get(address)
            assert answer.status_code == 200, f"{address} answered {answer.status_code}"
            counts[size], rows[size] = len(seen), _rows(answer.get_data(as_text=True))
        if rows[100] > 20:
            long_lists += 1
            assert rows[20] == 20, f"{name}: page size 20 shows {rows[20]} rows"
        if counts[100] != counts[20]:
            grown.append(f"{name}: {counts[20]} statements for 20 rows, {counts[100]} for {rows[100]}")
    assert not grown, "list pages whose statements grow with the page size:\n" + "\n".join(grown)
    assert long_lists >= 8, "too few lists had more than 20 rows to show a difference"


def _list_apis(app) -> list[tuple[str, str]]:
    return sorted((type(api).__name__, f"/api/v1/{api.resource_name}/") for api in app.appbuilder.baseviews if isinstance(api, ScopedApi))


def test_no_rest_list_runs_a_query_per_row(busy_app):
    client = busy_app.test_client()
    login(client, "admin")
    grown = []
    long_lists = 0
    for name, url in _list_apis(busy_app):
        counts, rows = {}, {}
        for size in (20, 100):
            address = f"{url}?q=(page:0,page_size:{size})"
            client.get(address)
            with statements(busy_app) as seen:
                answer = client.get(address)
            assert answer.status_code == 200, f"{address} answered {answer.status_code}"
            counts[size], rows[size] = len(seen), len(answer.json["result"])
        if rows[100] > 20:
            long_lists += 1
            assert rows[20] == 20, f"{name}: page size 20 gives {rows[20]} records"
        if counts[100] != counts[20]:
            grown.append(f"{name}: {counts[20]} statements for 20 records, {counts[100]} for {rows[100]}")
    assert not grown, "REST lists whose statements grow with the page size:\n" + "\n".join(grown)
    assert long_lists >= 8, "too few REST lists had more than 20 records to show a difference"
