"""Server-side state of the login form's captcha."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, String

from models.base import _now


class LoginCaptcha(Model):
    """One issued captcha: the browser's session holds only ``token``; the answer stays here.

    Flask's session is a signed cookie the client can read and replay, so the answer (as an HMAC,
    never in clear) lives in the database and the row is deleted on its first use: an old cookie
    replayed later finds nothing.
    """

    __tablename__ = "login_captcha"
    __audited__ = False  # anonymous, short-lived bookkeeping, not a platform record

    token = Column(String(64), primary_key=True)
    answer_digest = Column(String(64), nullable=False)
    created_on = Column(DateTime, nullable=False, default=_now, index=True)
