"""A page's permission checks cost no pattern matching once the app has answered them: the pack's
roles are built-in roles whose permissions FAB matches pattern by pattern, and each answer is kept
for the life of the app (a revision that changes the roles builds a new app)."""

from __future__ import annotations

import re

import flask_appbuilder.security.manager as fab_manager

from tests.support import login


class CountingRe:
    def __init__(self):
        self.matches = 0

    def match(self, *args, **kwargs):
        self.matches += 1
        return re.match(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(re, name)


def test_a_page_seen_again_matches_no_permission_pattern(app, monkeypatch):
    client = app.test_client()
    login(client, "district_authority_shinan")
    counting = CountingRe()
    monkeypatch.setattr(fab_manager, "re", counting)
    assert client.get("/generalassessmentview/list/").status_code == 200
    first = counting.matches
    counting.matches = 0
    assert client.get("/generalassessmentview/list/").status_code == 200
    assert first > 100 and counting.matches == 0
    # a kept answer is FAB's own: a screen of another role stays refused, the second time unmatched
    assert client.get("/auditlogview/list/").status_code in (302, 403)
    counting.matches = 0
    assert client.get("/auditlogview/list/").status_code in (302, 403)
    assert counting.matches == 0


def _menu(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    menu = page.split('class="nav navbar-nav"', 1)[1].split("navbar-right", 1)[0]
    return [re.sub(r"\s+", "", text) for text in re.findall(r">([^<>]+)</a>", menu) if text.strip()]


def test_the_menu_is_kept_per_role_set_and_each_role_sees_its_own(app):
    """The top menu is rendered once per set of roles: each role still sees exactly its entries, in
    whatever order the roles first ask for it."""
    seen = {}
    for username in ("enterprise_01", "admin", "district_authority_shinan", "enterprise_01", "admin"):
        client = app.test_client()
        login(client, username)
        seen.setdefault(username, []).append(_menu(client))
    assert all(first == again for first, again in [seen["enterprise_01"], seen["admin"]])
    assert "考核标准维护" in seen["admin"][0] and "考核标准维护" not in seen["enterprise_01"][0]
    assert seen["district_authority_shinan"][0] not in (seen["admin"][0], seen["enterprise_01"][0])
    assert len([key for key in app.extensions["menu_html"] if key[0] != ("public",)]) == 3  # one per role set


def test_a_list_asks_each_permission_once_however_many_rows_it_shows(app, monkeypatch):
    """Each row's buttons ask for the same permissions: FAB's check runs once per permission and
    view in a request, and each answer is still the role's own."""
    client = app.test_client()
    login(client, "city_station")
    sm = app.appbuilder.sm
    asked: list[tuple[str, str]] = []
    real = type(sm)._has_view_access

    def counted(self, user, permission_name, view_name):
        asked.append((permission_name, view_name))
        return real(self, user, permission_name, view_name)

    monkeypatch.setattr(type(sm), "_has_view_access", counted)
    page = client.get("/finalgradeenterpriseview/list/?psize_FinalGradeEnterpriseView=20")
    assert page.status_code == 200
    assert len(asked) == len(set(asked)), [a for a in set(asked) if asked.count(a) > 1]
    assert page.get_data(as_text=True).count("btn-warning") >= 2  # the station records adjustments, on every row
    enterprise = app.test_client()
    login(enterprise, "enterprise_01")
    assert "btn-warning" not in enterprise.get("/finalgradeenterpriseview/list/").get_data(as_text=True)
