"""The queue that carries job ids to workers: Huey, on a SQLite file by default (one machine) or on
Redis (``JOB_QUEUE=redis://...``: every host's workers take from one queue).

The queue holds nothing but ids; the job rows (``models.jobs``) are the truth. A worker process
(``flask jobs worker``) runs each job inside its own app (``serve``)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper

_QUEUES: dict[str, tuple[Huey, TaskWrapper]] = {}
_LOCK = threading.Lock()
_SERVING: list[Flask] = []  # the app of this worker process


class QueueConfigError(ValueError):
    """JOB_QUEUE names no queue this platform knows."""


def _make(url: str, sqlite_file: str, name: str) -> Huey:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url:
        raise QueueConfigError(f"JOB_QUEUE 应为空（本机 SQLite 队列）或 redis://主机:端口/库号，而不是 {url!r}")
    Path(sqlite_file).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=sqlite_file, results=False)


def queue(config: Mapping[str, Any]) -> tuple[Huey, TaskWrapper]:
    """The queue the configuration names, with the one task it carries (``run_job(job_id)``)."""
    url, sqlite_file, name = (config.get("JOB_QUEUE") or "").strip(), str(config["JOB_QUEUE_FILE"]), config["JOB_QUEUE_NAME"]
    key = f"{name}@{url or sqlite_file}"
    with _LOCK:
        found = _QUEUES.get(key)
        if found is None:
            huey = _make(url, sqlite_file, name)
            found = _QUEUES[key] = (huey, huey.task(name="run_job")(_run_job))
        return found


def enqueue(config: Mapping[str, Any], job_id: int) -> None:
    queue(config)[1](job_id)


def serve(app: Flask) -> Huey:
    """Make this process a worker of ``app``'s queue; returns the queue to consume."""
    _SERVING[:] = [app]
    return queue(app.config)[0]


def _run_job(job_id: int) -> None:
    from jobs.runner import execute

    app = _SERVING[0]
    with app.app_context():
        execute(job_id)
