"""Background jobs as rows: the truth about each job (state, progress, result) that every host reads.

The queue only carries a job's id to a worker, and a queue loses the message of a worker killed
mid-task. So a job is claimed by a conditional update (``queued`` -> ``running``, counting the
attempt), its progress and heartbeat are written under that attempt's number, and it is finished
only by the attempt that still owns it. A running job whose heartbeat is older than the stale limit
is put back in the queue (``requeue_stale``) and starts over: its result is published only at the end,
so nothing partial is ever offered.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Text, select, update
from sqlalchemy.engine import Connection, Engine

from models.base import _now

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队中", RUNNING: "进行中", DONE: "已完成", FAILED: "失败"}


class Job(Model):
    __tablename__ = "platform_job"
    __audited__ = False  # bookkeeping of work; what a job writes is audited where it is written
    __table_args__ = (Index("ix_platform_job_started_by", "started_by", "id"), Index("ix_platform_job_state", "state", "heartbeat_on"))

    id = Column(Integer, primary_key=True)
    kind = Column(String(30), nullable=False)  # print_forms | recompute | registry_import
    title = Column(String(300), nullable=False)  # what the job does, for the 任务 page
    params = Column(JSON, nullable=False, default=dict)
    started_by = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=True)
    state = Column(String(12), nullable=False, default=QUEUED)
    attempts = Column(Integer, nullable=False, default=0)
    total = Column(Integer, nullable=False, default=0)
    done = Column(Integer, nullable=False, default=0)
    current = Column(String(300), nullable=False, default="")  # the record being worked on
    message = Column(Text, nullable=False, default="")  # the outcome, or why it failed
    result_key = Column(String(300), nullable=True)  # in the job store
    result_name = Column(String(200), nullable=True)  # the download's file name
    result_size = Column(Integer, nullable=True)
    created_on = Column(DateTime, nullable=False, default=_now)
    started_on = Column(DateTime, nullable=True)
    heartbeat_on = Column(DateTime, nullable=True)
    finished_on = Column(DateTime, nullable=True)

    @property
    def percent(self) -> int:
        if self.state == DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    def __str__(self) -> str:
        return f"任务 {self.id}：{self.title}"


TABLE = Job.__table__


def claim(connection: Connection, job_id: int) -> int | None:
    """Take a queued job; returns this attempt's number, or None when it is not (any more) queued."""
    now = _now()
    taken = connection.execute(
        update(TABLE)
        .where(TABLE.c.id == job_id, TABLE.c.state == QUEUED)
        .values(state=RUNNING, attempts=TABLE.c.attempts + 1, started_on=now, heartbeat_on=now, done=0, current="", message="")
    )
    if taken.rowcount != 1:
        return None
    return connection.execute(select(TABLE.c.attempts).where(TABLE.c.id == job_id)).scalar_one()


def report(connection: Connection, job_id: int, attempt: int, **values: Any) -> bool:
    """Write progress (and the heartbeat) for the attempt that owns the job; False when it lost it."""
    changed = connection.execute(
        update(TABLE)
        .where(TABLE.c.id == job_id, TABLE.c.attempts == attempt, TABLE.c.state == RUNNING)
        .values(heartbeat_on=_now(), **values)
    )
    return changed.rowcount == 1


def finish(connection: Connection, job_id: int, attempt: int, state: str, **values: Any) -> bool:
    """Done or failed, by the attempt that owns the job; False when another attempt took it over."""
    return report(connection, job_id, attempt, state=state, finished_on=_now(), **values)


def requeue_stale(engine: Engine, stale_seconds: float, max_attempts: int) -> list[int]:
    """Running jobs whose worker stopped reporting: back to the queue (returned: the caller enqueues
    them), or failed after ``max_attempts``."""
    limit = _now() - datetime.timedelta(seconds=stale_seconds)
    with engine.begin() as connection:
        stale = connection.execute(select(TABLE.c.id, TABLE.c.attempts).where(TABLE.c.state == RUNNING, TABLE.c.heartbeat_on < limit)).all()
        again = []
        for job_id, attempts in stale:
            if attempts >= max_attempts:
                values = {"state": FAILED, "finished_on": _now(), "message": f"执行进程中断 {attempts} 次，任务已停止；请重新发起"}
            else:
                values = {"state": QUEUED, "current": "", "message": "执行进程中断，任务已重新排队，将从头开始"}
                again.append(job_id)
            connection.execute(
                update(TABLE).where(TABLE.c.id == job_id, TABLE.c.attempts == attempts, TABLE.c.state == RUNNING).values(**values)
            )
    return again
