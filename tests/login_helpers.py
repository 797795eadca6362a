"""Helpers for the login-hardening tests: a controllable clock and captcha, form posts."""

from __future__ import annotations

import datetime
import re

import pytest
from flask.testing import FlaskClient

from accounts import captcha, lockout
from models import AppUser, db
from tests.support import TOKEN

START = datetime.datetime(2026, 11, 23, 9, 0)


class Clock:
    """Replaces accounts.lockout.now (the lockout's and the captcha's clock) for one test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.at = START
        monkeypatch.setattr(lockout, "now", lambda: self.at)

    def advance(self, minutes: float) -> None:
        self.at += datetime.timedelta(minutes=minutes)


def fix_captcha_answers(monkeypatch: pytest.MonkeyPatch, answer: str = "K7PX") -> str:
    """Make the next captchas show ``answer``: the test then reads the image like a person would.

    Only the random draw is replaced, in this process; the server keeps, checks and spends the
    captcha exactly as in production."""
    monkeypatch.setattr(captcha, "new_answer", lambda: answer)
    return answer


CAPTCHA_TOKEN = re.compile(r'name="captcha_token"[^>]*?value="([^"]*)"')


def login_form(client: FlaskClient) -> tuple[str, str]:
    """The login page's CSRF token and captcha token ("" when the captcha is off)."""
    page = client.get("/login/").get_data(as_text=True)
    match = CAPTCHA_TOKEN.search(page)
    return csrf_token_in(page), match.group(1) if match else ""


def csrf_token_in(page: str) -> str:
    match = TOKEN.search(page)
    assert match, "no CSRF token on the login page"
    return match.group(1)


def post_login(client: FlaskClient, username: str, password: str, answer: str | None = None) -> object:
    """Open the login page (which draws a captcha when it is on) and submit it."""
    csrf, captcha_token = login_form(client)
    data = {"username": username, "password": password, "csrf_token": csrf, "captcha_token": captcha_token}
    if answer is not None:
        data["captcha"] = answer
    return client.post("/login/", data=data)


def logged_in(client: FlaskClient) -> bool:
    """Whether the client's session is a logged-in one (the home page then names the user's roles)."""
    return "当前角色" in client.get("/").get_data(as_text=True)


def user(app: object, username: str) -> AppUser:
    with app.app_context():
        found = db.session.query(AppUser).filter_by(username=username).one()
        db.session.expunge(found)
        return found
