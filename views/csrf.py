"""CSRF protection for every form and for API writes made with the browser session.

Flask-AppBuilder leaves CSRFProtect to the app (without it, deletes even run on GET). API
blueprints are exempt from the blanket check so that token (JWT) clients work; a write to the
API that relies on the session cookie must still carry the X-CSRFToken header.
"""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


TOKEN_LOGIN = "SecurityApi"  # POST /api/v1/security/login issues JWTs; it has no session yet


def protect(app: Flask) -> CSRFProtect:
    csrf = CSRFProtect(app)
    api_blueprints = {name for name, bp in app.blueprints.items() if (bp.url_prefix or "").startswith("/api/")}
    for name in api_blueprints:
        csrf.exempt(app.blueprints[name])  # the Blueprint itself: a name string would exempt no view
    session_checked = api_blueprints - {TOKEN_LOGIN}

    @app.before_request
    def _session_api_writes() -> None:
        if request.blueprint in session_checked and request.method in UNSAFE and not request.headers.get("Authorization"):
            csrf.protect()

    return csrf
