"""The login form's image captcha, drawn locally (the platform runs on closed networks).

The image comes from the ``captcha`` package (Pillow, with its bundled font). Each captcha is a
random token carried by the login form plus a row in ``login_captcha`` holding the answer as an
HMAC keyed with SECRET_KEY; the row is deleted by the first attempt to use it, right or wrong.

Neither the answer nor the "already used" state lives in Flask's session: that is a signed cookie
a client can read and replay, and every response re-sends it (the idle timeout), so a static file
answered after the captcha would put back a cookie without it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets

from captcha.image import ImageCaptcha
from flask import current_app
from sqlalchemy import delete, or_

from accounts import lockout
from models import LoginCaptcha, db

# No 0/O, 1/I/L: characters people confuse in a distorted image. Answers are case-insensitive.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4


def enabled() -> bool:
    return bool(current_app.config.get("LOGIN_CAPTCHA", True))


def new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(token: str, answer: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{token}:{answer.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _ttl() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(current_app.config["LOGIN_CAPTCHA_TTL_SECONDS"]))


def issue(previous: str | None = None) -> tuple[str, str]:
    """A new captcha: its token and its image as a PNG data URI. ``previous`` (换一张) is dropped,
    and so is every captcha older than LOGIN_CAPTCHA_TTL_SECONDS."""
    at = lockout.now()
    stale = [LoginCaptcha.created_on < at - _ttl()]
    if previous:
        stale.append(LoginCaptcha.token == previous)
    token, answer = secrets.token_urlsafe(32), new_answer()
    db.session.execute(delete(LoginCaptcha).where(or_(*stale)))
    db.session.add(LoginCaptcha(token=token, answer_digest=_digest(token, answer), created_on=at))
    db.session.commit()
    png = ImageCaptcha(width=160, height=60).generate(answer, format="png").getvalue()
    return token, "data:image/png;base64," + base64.b64encode(png).decode()


def consume(token: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` answers the captcha ``token``; the captcha is used up either way."""
    if not token:
        return False
    row = db.session.get(LoginCaptcha, token)
    if row is None:
        return False
    digest, created_on = row.answer_digest, row.created_on
    # Only the request whose DELETE removed the row may use it (two racing posts: one wins).
    removed = db.session.execute(delete(LoginCaptcha).where(LoginCaptcha.token == token)).rowcount
    db.session.commit()
    if removed != 1 or lockout.now() - created_on > _ttl():
        return False
    return hmac.compare_digest(digest, _digest(token, submitted or ""))
