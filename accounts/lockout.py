"""Failed logins, counted per account name and client, so they slow an attacker without locking
the owner out (OWASP's guidance against brute force and account-lockout denial of service).

A run of failures of one name from one client (its address) first makes that client wait before
each next attempt (``2 ** (failures - LOGIN_DELAY_AFTER)`` seconds, at most a minute), then, after
``LOGIN_MAX_FAILURES`` within ``LOGIN_FAILURE_WINDOW_MINUTES``, blocks that client for that name
for ``LOGIN_LOCK_MINUTES``. The owner logging in from another client is not affected, and a name
that has no account is counted the same way, so the answers never tell whether a name exists.
A success from a client clears its count; an administrator's 解除锁定 clears every client's.
Rate limits per client and per name (Flask-Limiter, views.throttling) stop spraying on top.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.login import LoginThrottle

MAX_WAIT_SECONDS = 60


def now() -> datetime.datetime:
    """The clock (naive local time, like FAB's ``last_login``); tests replace it."""
    return datetime.datetime.now()


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int  # 0 turns blocking (and waiting) off
    window: datetime.timedelta
    lock: datetime.timedelta
    delay_after: int  # failures before every further attempt has to wait

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LockoutPolicy:
        return cls(
            int(config["LOGIN_MAX_FAILURES"]),
            datetime.timedelta(minutes=int(config["LOGIN_FAILURE_WINDOW_MINUTES"])),
            datetime.timedelta(minutes=int(config["LOGIN_LOCK_MINUTES"])),
            int(config.get("LOGIN_DELAY_AFTER", 3)),
        )

    def wait(self, failures: int) -> datetime.timedelta:
        """How long a client must wait after its ``failures``-th failure before trying again."""
        if not self.max_failures or failures < self.delay_after:
            return datetime.timedelta(0)
        return datetime.timedelta(seconds=min(MAX_WAIT_SECONDS, 2 ** (failures - self.delay_after)))


@dataclass(frozen=True)
class Refused:
    """Why this client may not try this name now: blocked until ``until``, or wait ``seconds``."""

    until: datetime.datetime | None = None
    seconds: int = 0

    @property
    def message(self) -> str:
        if self.until is not None:
            return (
                f"该账号在本机（本网络地址）连续登录失败次数过多，已暂停登录，请于 {self.until:%Y-%m-%d %H:%M} 之后再试；"
                "如需立即使用，请联系系统管理员解除锁定。"
            )
        return f"登录失败次数较多，请 {self.seconds} 秒后再试。"


def account_key(username: str) -> str:
    return (username or "").strip().lower()[:128]


def _row(session: Session, account: str, client: str, at: datetime.datetime) -> LoginThrottle:
    """This name's and client's row, created if needed, locked for the rest of the transaction (two
    failures at once are both counted)."""
    table = LoginThrottle.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(table)
        .values(account=account, client=client, failures=0, first_failure=at, last_failure=at)
        .on_conflict_do_nothing(index_elements=["account", "client"])
    )
    found = select(LoginThrottle).where(LoginThrottle.account == account, LoginThrottle.client == client)
    return session.execute(found.with_for_update().execution_options(populate_existing=True)).scalar_one()


def refused(session: Session, account: str, client: str, policy: LockoutPolicy, at: datetime.datetime) -> Refused | None:
    """Whether this client must not try this name now (read only)."""
    row = session.get(LoginThrottle, (account, client))
    if row is None:
        return None
    if row.blocked_until is not None and row.blocked_until > at:
        return Refused(until=row.blocked_until)
    ready = row.last_failure + policy.wait(row.failures)
    if row.blocked_until is None and ready > at:
        return Refused(seconds=max(1, int((ready - at).total_seconds() + 0.999)))
    return None


def record_failure(session: Session, account: str, client: str, policy: LockoutPolicy, at: datetime.datetime) -> datetime.datetime | None:
    """Count one failure; returns the end of the block if this failure blocked the client."""
    row = _row(session, account, client, at)
    if (row.blocked_until is not None and row.blocked_until <= at) or at - row.first_failure > policy.window:
        row.failures, row.first_failure, row.blocked_until = 0, at, None  # a new run of failures
    row.failures += 1
    row.last_failure = at
    if policy.max_failures and row.failures >= policy.max_failures:
        row.blocked_until = at + policy.lock
    return row.blocked_until


def record_success(session: Session, account: str, client: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.account == account, LoginThrottle.client == client))


def clear(session: Session, account: str) -> None:
    """Every client's count and block for this name (an administrator's 解除锁定, a password reset)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.account == account))


def blocked_until(session: Session, account: str, at: datetime.datetime) -> datetime.datetime | None:
    """The latest end of a block of any client for this name, if one is running."""
    until = session.scalar(select(func.max(LoginThrottle.blocked_until)).where(LoginThrottle.account == account))
    return until if until is not None and until > at else None
