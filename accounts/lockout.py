"""Account lockout after repeated failed logins.

FAB counts failures in ``fail_login_count`` but never acts on them. Here a run of failures starts
at ``failed_login_since``; ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_FAILURE_WINDOW_MINUTES``
lock the account until ``locked_until`` (``LOGIN_LOCK_MINUTES`` later). While locked even the right
password is refused; a successful login, the lock running out, or an admin's unlock clears it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def now() -> datetime.datetime:
    """The clock (naive local time, like FAB's ``last_login``); tests replace it."""
    return datetime.datetime.now()


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int  # 0 turns lockout off
    window: datetime.timedelta
    lock: datetime.timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LockoutPolicy:
        return cls(
            int(config["LOGIN_MAX_FAILURES"]),
            datetime.timedelta(minutes=int(config["LOGIN_FAILURE_WINDOW_MINUTES"])),
            datetime.timedelta(minutes=int(config["LOGIN_LOCK_MINUTES"])),
        )


def locked_until(user: Any, at: datetime.datetime) -> datetime.datetime | None:
    """When the account's lock ends, if it is locked at ``at``."""
    until = user.locked_until
    return until if until is not None and until > at else None


def clear(user: Any) -> None:
    """No failures, no lock (a successful login, or an admin's unlock)."""
    user.fail_login_count = 0
    user.failed_login_since = None
    user.locked_until = None


def record_failure(user: Any, policy: LockoutPolicy, at: datetime.datetime) -> datetime.datetime | None:
    """Count one wrong password; returns the end of the lock if this failure locked the account."""
    if user.locked_until is not None and user.locked_until <= at:
        clear(user)  # the previous lock ran out: a new run of failures starts
    if user.failed_login_since is None or at - user.failed_login_since > policy.window:
        user.failed_login_since = at
        user.fail_login_count = 0
    user.fail_login_count = (user.fail_login_count or 0) + 1
    if policy.max_failures and user.fail_login_count >= policy.max_failures:
        user.locked_until = at + policy.lock
        return user.locked_until
    return None


def lock_message(until: datetime.datetime) -> str:
    return f"该账号连续登录失败次数过多，已被锁定，请于 {until:%Y-%m-%d %H:%M} 之后再试；如需立即使用，请联系系统管理员解锁。"
