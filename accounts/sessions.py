"""Sessions and API tokens that end.

Every browser session and every token carries the account's ``session_generation`` as it was when
it was issued. Logging out, changing one's password, an administrator's reset and deactivating the
account move the generation on: every session and token issued before stops working at its next
request, wherever it is (a copied cookie, a token in a script). Refresh tokens are also single-use:
each exchange spends its token (``spent_token``) and issues a new pair.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import session
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.login import SpentToken

SESSION_KEY = "_generation"
CLAIM = "gen"


def end_all(user: Any) -> None:
    """End every session and token of ``user`` (the caller commits)."""
    user.session_generation = (user.session_generation or 0) + 1


def remember(user: Any) -> None:
    """This browser session belongs to the account's current generation (after a login, or after the
    user changed its own password and stays logged in here)."""
    session[SESSION_KEY] = user.session_generation


def session_current(user: Any) -> bool:
    return session.get(SESSION_KEY) == user.session_generation


def claims(user: Any) -> dict[str, Any]:
    """What every token of ``user`` carries besides its identity."""
    return {CLAIM: user.session_generation}


def token_current(user: Any, data: dict[str, Any]) -> bool:
    return data.get(CLAIM) == user.session_generation


def spend(db_session: Session, data: dict[str, Any], user_id: int) -> bool:
    """Spend a refresh token (its ``jti``); False when it was spent before (or at the same moment)."""
    now = datetime.datetime.now()
    db_session.execute(delete(SpentToken).where(SpentToken.expires_on < now))
    db_session.add(SpentToken(jti=data["jti"], user_id=user_id, spent_on=now, expires_on=datetime.datetime.fromtimestamp(data["exp"])))
    try:
        db_session.commit()
    except IntegrityError:
        db_session.rollback()
        return False
    return True
