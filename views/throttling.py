"""Rate limits on the doors that take a password, and on the public check of an uploaded form
(Flask-Limiter, the limiter Flask-AppBuilder made).

Per client address (``LOGIN_RATE_LIMIT``): one machine cannot spray a password over many accounts.
Per account name (``ACCOUNT_RATE_LIMIT``): many machines cannot hammer one account. Both count the
POSTs of the login form, the API's token login and refresh, and self-registration. Per client address
(``VERIFY_RATE_LIMIT``): the uploads /verify checks, each a signature validation anyone may ask for. The counters
live in ``RATELIMIT_STORAGE_URI``: the process's memory by default, Redis in production (every
worker and host then shares them). A limit reached answers 429 in Chinese (views.errors).
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter.util import get_remote_address

from accounts.lockout import account_key

LIMITED_VIEWS = ("LoginView", "TokenApi", "RegistrationView")


def account_of_request() -> str:
    """The account name a login names (form field or JSON), as the throttle counts it."""
    name = request.form.get("username")
    if name is None and request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) and isinstance(body.get("username"), str) else None
    return "account:" + account_key(name or "")


def install(app: Flask) -> None:
    limiter = app.appbuilder.sm.limiter
    for name in LIMITED_VIEWS:
        blueprint = app.blueprints.get(name)
        if blueprint is None:
            continue
        limiter.limit(app.config["LOGIN_RATE_LIMIT"], key_func=get_remote_address, methods=["POST"])(blueprint)
        limiter.limit(app.config["ACCOUNT_RATE_LIMIT"], key_func=account_of_request, methods=["POST"])(blueprint)
    verify = app.blueprints.get("VerifyView")
    if verify is not None:
        limiter.limit(app.config["VERIFY_RATE_LIMIT"], key_func=get_remote_address, methods=["POST"])(verify)
