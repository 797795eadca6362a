"""Helpers for the login-hardening tests: a controllable clock and captcha, form posts."""

from __future__ import annotations

import datetime

import pytest
from flask.testing import FlaskClient

from accounts import captcha, lockout
from models import AppUser, db
from tests.support import csrf_token

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


def post_login(client: FlaskClient, username: str, password: str, answer: str | None = None,
               fetch_image: bool = True) -> object:
    token = csrf_token(client, "/login/")
    if answer is not None and fetch_image:
        image = client.get("/login/captcha.png")
        assert image.status_code == 200
    data = {"username": username, "password": password, "csrf_token": token}
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
