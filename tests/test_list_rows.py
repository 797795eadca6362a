"""Every generated list draws its rows (views.list_rows) and its search form (views.search_widget)
as Flask-AppBuilder's own widgets draw them, for each role: the same buttons, addresses, selection
boxes, cells and search fields. A pick list of the search form shows a new choice at once."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask_appbuilder.widgets import ListWidget, SearchWidget

from models import District, db
from tests.support import login
from views.list_rows import RowsListWidget
from views.search_widget import KeptSearchWidget

MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?")


class Markup(HTMLParser):
    """The tags, attributes and text inside one element (the list table, or the search form), with
    white space left out."""

    def __init__(self, tag: str, marker: tuple[str, str]) -> None:
        super().__init__()
        self.tag, self.marker = tag, marker
        self.depth = 0
        self.seen: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth == 0 and tag == self.tag and self.marker[1] in (dict(attrs).get(self.marker[0]) or ""):
            self.depth = 1
        elif self.depth and tag == self.tag:
            self.depth += 1
        if self.depth:
            self.seen.append((tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == self.tag:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        text = "".join(data.split())
        if self.depth and text:
            self.seen.append(("text", text))


def _drawn(page, tag: str, marker: tuple[str, str]) -> list[tuple]:
    parser = Markup(tag, marker)
    parser.feed(MOMENT.sub("<now>", page.get_data(as_text=True)))  # a time field's default: the moment drawn
    return parser.seen


def _lists(app) -> list:
    return [view for view in app.appbuilder.baseviews if getattr(view, "list_widget", None) is RowsListWidget]


@pytest.mark.parametrize("username", ["admin", "city_station", "district_authority_shinan", "enterprise_01"])
def test_each_list_draws_what_flask_appbuilders_widgets_draw(app, client, monkeypatch, username):
    login(client, username)
    compared = 0
    for view in _lists(app):
        url = f"{view.route_base}/list/?psize_{type(view).__name__}=100"
        ours = client.get(url)
        if ours.status_code != 200:
            continue
        with monkeypatch.context() as stock:
            stock.setattr(view, "list_widget", ListWidget)
            stock.setattr(view, "search_widget", SearchWidget)
            theirs = client.get(url)
        for tag, marker in (("table", ("class", "table-bordered")), ("form", ("id", "filter_form")), ("script", ("nonce", ""))):
            assert _drawn(ours, tag, marker) == _drawn(theirs, tag, marker), (url, tag)
        compared += "action_check" in ours.get_data(as_text=True) or "show/" in ours.get_data(as_text=True)
    assert compared >= 5


def test_a_new_choice_shows_in_the_search_form_at_once(app, client):
    login(client, "admin")
    view = next(v for v in _lists(app) if "district" in (v.search_columns or []) and v.search_widget is KeptSearchWidget)
    url = f"{view.route_base}/list/"
    drawn = json.dumps("新设试验区")[1:-1]  # as the search form's script holds it
    assert drawn not in client.get(url).get_data(as_text=True)
    with app.app_context():
        db.session.add(District(code="trial", name="新设试验区"))
        db.session.commit()
    assert drawn in client.get(url).get_data(as_text=True)
