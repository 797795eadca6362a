"""The serving processes of the platform, as each reports itself: a destructive schema change runs
only when none is alive (it drops or alters what they map, and its backup must not race their writes).

Each serving process (``reloading.GuideWatch``) writes its row when it serves its first request and
touches it every ``HEARTBEAT_SECONDS`` from a thread of its own, idle or not; it deletes the row when
it exits. A row not touched for ``ALIVE_SECONDS`` belongs to a process that died without saying so.
"""

from __future__ import annotations

import datetime
import os
import socket

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from models.base import _now

HEARTBEAT_SECONDS = 20
ALIVE_SECONDS = 3 * HEARTBEAT_SECONDS


class PlatformWorker(Model):
    """One serving process: where it runs, since when, and when it was last seen."""

    __tablename__ = "platform_worker"
    __audited__ = False  # bookkeeping of processes, not a platform record

    id = Column(Integer, primary_key=True)
    host = Column(String(255), nullable=False)
    pid = Column(Integer, nullable=False)
    started_on = Column(DateTime, nullable=False, default=_now)
    seen_on = Column(DateTime, nullable=False, default=_now, index=True)

    def __str__(self) -> str:
        return f"{self.host} 进程 {self.pid}（最近 {self.seen_on:%Y-%m-%d %H:%M:%S}）"


def join(engine: Engine) -> int:
    """Write this process's row; returns its id."""
    with engine.begin() as connection:
        return connection.execute(
            PlatformWorker.__table__.insert().values(host=socket.gethostname(), pid=os.getpid(), started_on=_now(), seen_on=_now())
        ).inserted_primary_key[0]


def beat(engine: Engine, worker_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(PlatformWorker.__table__).where(PlatformWorker.id == worker_id).values(seen_on=_now()))


def leave(engine: Engine, worker_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(delete(PlatformWorker.__table__).where(PlatformWorker.id == worker_id))


def alive(session: Session) -> list[PlatformWorker]:
    """The serving processes seen within ``ALIVE_SECONDS``."""
    since = _now() - datetime.timedelta(seconds=ALIVE_SECONDS)
    return list(session.scalars(select(PlatformWorker).where(PlatformWorker.seen_on >= since).order_by(PlatformWorker.id)))
