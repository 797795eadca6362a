"""Helpers for HTTP tests: log in through the real login form, read CSRF tokens."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from cli.demo_data import DEMO_PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    match = TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form; API writes of this client then carry the session's CSRF token."""
    token = csrf_token(client, "/login/")
    answer = client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 302, f"login of {username} failed"
    assert "/login" not in answer.headers["Location"], f"login of {username} was refused"
    client.environ_base["HTTP_X_CSRFTOKEN"] = token


def visible_text(html: str) -> str:
    """The text a person sees: tags, scripts and styles removed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
