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
