"""No secret leaves the server: every REST list, show and ``_info`` answer, as every role.

The attack that found the defect: logged in as an enterprise, ``GET /api/v1/review_history/``
carried the whole account of whoever acted on a record (scrypt hash, email, login counters, lock
state). Here every history row names a user, and every answer of every GET endpoint of the API is
searched for any user's password hash, another user's email, a token, or an account counter.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask

from models import AppUser, ReviewHistory, db
from tests import scope_matrix as matrix
from tests.support import login
from tests.test_scope_matrix import build_world

# Columns of an account that never belong in an answer about another record.
ACCOUNT_KEYS = {
    "password",
    "password_hash",
    "email",
    "fail_login_count",
    "login_count",
    "last_login",
    "failed_login_since",
    "locked_until",
    "must_change_password",
    "active",
    "access_token",
    "refresh_token",
}
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _api_urls(app: Flask, client: Any) -> list[str]:
    """Every GET list and ``_info`` endpoint, and a show URL for the first row each list gives."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in rule.methods or "_openapi" in rule.rule:
            continue
        if "<" not in rule.rule:
            urls.append(rule.rule)
    found = []
    for url in sorted(set(urls)):
        found.append(url)
        if url.endswith("/") and url.count("/") == 4:
            answer = client.get(url)
            rows = (answer.get_json(silent=True) or {}).get("ids") or []
            if rows:
                found.append(f"{url}{rows[0]}")
    return found


@pytest.mark.parametrize("role", ["anonymous", *matrix.LOGINS])
def test_no_answer_carries_an_account_secret(app: Flask, role: str) -> None:
    build_world(app)
    with app.app_context():
        users = db.session.query(AppUser).all()
        acting = {u.username: u for u in users}
        # every history row names a user: the city station, the admin and the enterprise acted
        for row, name in zip(db.session.query(ReviewHistory).all(), ["city_station", "admin", "enterprise_01"] * 99, strict=False):
            row.user_id = acting[name].id
        for user in users:
            user.email = f"{user.username}@secret.example"
            user.fail_login_count = 3
        db.session.commit()
        hashes = {u.password for u in users if u.password}
        own = matrix.LOGINS.get(role)
        emails = {u.email for u in users if u.username != own}
    client = app.test_client()
    if role != "anonymous":
        login(client, matrix.LOGINS[role])
    problems = []
    urls = _api_urls(app, client)
    assert any(url.startswith("/api/v1/review_history/") for url in urls)
    for url in urls:
        answer = client.get(url)
        assert answer.status_code < 500, f"{url} answered {answer.status_code}"
        text = answer.get_data(as_text=True)
        body = answer.get_json(silent=True)
        # The administrator keeps the accounts: its audit log records an account's email changes.
        keeps_accounts = role == "admin" and url.startswith("/api/v1/audit_log/")
        leaked = [h[:20] for h in hashes if h in text] + [e for e in emails if e in text and not keeps_accounts]
        keys = _keys(body) - ({"email"} if keeps_accounts else set())
        leaked += sorted(keys & ACCOUNT_KEYS) + JWT.findall(text)
        if "0x" in text and re.search(r"object at 0x[0-9a-f]+", text):
            leaked.append("a Python object address")
        if leaked:
            problems.append(f"{url}: {leaked}")
    assert not problems, "\n".join(problems)


def test_history_names_the_user_by_display_name(app: Flask) -> None:
    build_world(app)
    with app.app_context():
        station = db.session.query(AppUser).filter_by(username="city_station").one()
        row = db.session.query(ReviewHistory).first()
        row.user_id = station.id
        db.session.commit()
        row_id, shown = row.id, station.get_full_name()
    client = app.test_client()
    login(client, "city_station")
    listed = client.get("/api/v1/review_history/").get_json()
    users = [r["user"] for r in listed["result"] if r.get("user")]
    assert shown in users and all(isinstance(user, str) for user in users)
    one = client.get(f"/api/v1/review_history/{row_id}").get_json()
    assert json.dumps(one, ensure_ascii=False).count("password") == 0
