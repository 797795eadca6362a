"""Running one job: claim it, run its body with a progress callback, publish its file, finish it.

A body gets the job row, a folder of its own to write into and ``Progress``; it returns an
``Outcome``. Its file goes into the job store only after the body has finished, so a job killed
mid-way leaves nothing behind to download; the attempt that is put back in the queue starts over."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from grading import PeriodFrozen
from models import db
from models.jobs import DONE, FAILED, QUEUED, Job, claim, finish, report
from registry import RegistryFileError
from services.errors import ServiceError
from storage import job_store

log = logging.getLogger(__name__)
REPORT_EVERY = 1.0  # seconds between progress writes (each is also the heartbeat)
_MINE: dict[int, int] = {}  # job id -> attempt, of the jobs this process is running


class Superseded(Exception):
    """The job was put back in the queue while this attempt ran (its heartbeat went stale)."""


@dataclass(frozen=True)
class Outcome:
    message: str
    file: Path | None = None  # in the job's folder
    file_name: str | None = None  # the download's name


class Progress:
    """What a body calls after each record: writes done/total/current at most every REPORT_EVERY."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.last = 0.0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        self._write(force=True, total=total, done=0)

    def __call__(self, done: int, current: str = "", total: int | None = None) -> None:
        if total is not None and total != self.total:
            self.total = total
            self._write(force=True, total=total, done=done, current=current[:300])
            return
        self._write(force=done >= self.total, done=done, current=current[:300])

    def _write(self, force: bool, **values: object) -> None:
        now = time.monotonic()
        if not force and now - self.last < REPORT_EVERY:
            return
        self.last = now
        with db.engine.begin() as connection:
            if not report(connection, self.job_id, self.attempt, **values):
                raise Superseded


Body = Callable[[Job, Path, Progress], Outcome]


def bodies() -> dict[str, Body]:
    from jobs import list_export, print_forms, recompute, registry_import

    return {
        "print_forms": print_forms.run,
        "recompute": recompute.run,
        "registry_import": registry_import.run,
        "list_export": list_export.run,
    }


def _fail(job_id: int, attempt: int, message: str) -> None:
    with db.engine.begin() as connection:
        finish(connection, job_id, attempt, FAILED, message=message[:2000])


def execute(job_id: int) -> None:
    """Run the job if it is queued (a job already taken, finished or unknown is left alone)."""
    with db.engine.begin() as connection:
        attempt = claim(connection, job_id)
    if attempt is None:
        return
    _MINE[job_id] = attempt
    try:
        _attempt(job_id, attempt)
    finally:
        _MINE.pop(job_id, None)


def put_back_mine() -> list[int]:
    """A worker stopping (SIGTERM, Ctrl+C) puts the jobs it was running back in the queue at once,
    instead of leaving them to the stale limit; returns them for the caller to enqueue."""
    again = []
    for job_id, attempt in list(_MINE.items()):
        with db.engine.begin() as connection:
            if report(connection, job_id, attempt, state=QUEUED, current="", message="执行进程已停止，任务已重新排队，将从头开始"):
                again.append(job_id)
    return again


def _attempt(job_id: int, attempt: int) -> None:
    job = db.session.get(Job, job_id)
    progress = Progress(job_id, attempt)
    with tempfile.TemporaryDirectory(prefix=f"job-{job_id}-") as folder:
        try:
            outcome = bodies()[job.kind](job, Path(folder), progress)
        except Superseded:
            db.session.rollback()
            log.info("job %s: attempt %s was superseded", job_id, attempt)
            return
        except (ServiceError, RegistryFileError, PeriodFrozen) as refused:  # said to the user as it is
            db.session.rollback()
            _fail(job_id, attempt, getattr(refused, "message", str(refused)))
            return
        except Exception as error:  # the job fails with a message; the worker goes on
            db.session.rollback()
            log.exception("job %s failed", job_id)
            _fail(job_id, attempt, f"任务执行出错：{error}")
            return
        db.session.rollback()  # the body committed what it writes; nothing else is kept
        result = {}
        if outcome.file is not None:
            key = f"{job_id}/{attempt}/{outcome.file.name}"
            job_store(current_app.config).put_file(key, outcome.file)
            result = {"result_key": key, "result_name": outcome.file_name, "result_size": outcome.file.stat().st_size}
        with db.engine.begin() as connection:
            finished = finish(connection, job_id, attempt, DONE, message=outcome.message, current="", done=progress.total, **result)
        if not finished and result:
            job_store(current_app.config).delete(result["result_key"])
