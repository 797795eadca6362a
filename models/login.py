"""Server-side state of the login form's captcha."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

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


class SpentToken(Model):
    """A refresh token already exchanged for new tokens: each works once (kept until it expires)."""

    __tablename__ = "spent_token"
    __audited__ = False

    jti = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"))
    spent_on = Column(DateTime, nullable=False, default=_now)
    expires_on = Column(DateTime, nullable=False, index=True)


class LoginThrottle(Model):
    """Failed logins of one account name from one client (accounts.throttle): they slow and then block
    that client for that name only, so nobody can lock the owner out from elsewhere."""

    __tablename__ = "login_throttle"
    __audited__ = False

    account = Column(String(128), primary_key=True)  # the name as typed, lower-cased (also unknown names)
    client = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    first_failure = Column(DateTime, nullable=False)
    last_failure = Column(DateTime, nullable=False)
    blocked_until = Column(DateTime)
