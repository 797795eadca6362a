"""Configuration guards: production needs a real secret key; the session cookie is locked down."""

from __future__ import annotations

import pytest

from app import create_app


def test_production_refuses_a_missing_or_short_secret_key(tmp_path):
    database = f"sqlite:///{tmp_path / 'empty.db'}"
    for key in ("", None, "short", "x" * 31):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app({"PLATFORM_PRODUCTION": True, "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": database})
    app = create_app({"PLATFORM_PRODUCTION": True, "SECRET_KEY": "x" * 48, "SQLALCHEMY_DATABASE_URI": database})
    assert app.config["SECRET_KEY"] == "x" * 48


def test_session_cookie_is_http_only_and_same_site(client):
    answer = client.get("/login/")
    cookie = answer.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_expires_after_the_idle_time(client, app):
    import datetime
    from email.utils import parsedate_to_datetime

    cookie = client.get("/login/").headers.get("Set-Cookie", "")
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    left = expires - datetime.datetime.now(datetime.UTC)
    assert abs(left.total_seconds() - app.config["PERMANENT_SESSION_LIFETIME"]) < 60
