"""CSRF protection for every form and for API writes made with the browser session.

Flask-AppBuilder leaves CSRFProtect to the app (without it, deletes even run on GET). API
blueprints are exempt from the blanket check so that token (JWT) clients work: a write that carries
a valid bearer token needs no CSRF token (a browser never sends one by itself); any other write to
the API, one that relies on the session cookie or carries an invalid token, must carry the
X-CSRFToken header.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_jwt_extended import verify_jwt_in_request
from flask_wtf.csrf import CSRFProtect

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


TOKEN_LOGIN = "TokenApi"  # POST /api/v1/security/login issues JWTs; it has no session yet


def protect(app: Flask) -> CSRFProtect:
    csrf = CSRFProtect(app)
    api_blueprints = {name for name, bp in app.blueprints.items() if (bp.url_prefix or "").startswith("/api/")}
    for name in api_blueprints:
        csrf.exempt(app.blueprints[name])  # the Blueprint itself: a name string would exempt no view
    session_checked = api_blueprints - {TOKEN_LOGIN}

    @app.before_request
    def _session_api_writes() -> Any:
        if request.blueprint not in session_checked or request.method not in UNSAFE:
            return None
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None if _valid_bearer_token() else ({"message": "访问令牌无效或已失效，请重新登录获取"}, 401)
        csrf.protect()
        return None

    return csrf


def _valid_bearer_token() -> bool:
    try:
        verify_jwt_in_request()
    except Exception:  # expired, forged, revoked or malformed: the write is judged as a browser's
        return False
    return True
