"""Running what is on an app's job queue in the test's own process, as a worker would."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from jobs.queue import serve


def run_queued(app: Flask) -> int:
    """Execute every job id on the app's queue; returns how many were taken."""
    huey = serve(app)
    taken = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        taken += 1
    return taken


@pytest.fixture
def job_worker(app: Flask) -> Iterator[None]:
    """A worker of the app's queue in a thread of the test process, for the live-server tests (a
    worker process does the same under ``flask jobs worker``)."""
    stop = threading.Event()

    def work() -> None:
        huey = serve(app)
        while not stop.is_set():
            task = huey.dequeue()
            if task is None:
                stop.wait(0.2)
            else:
                huey.execute(task)

    thread = threading.Thread(target=work, name="test-job-worker", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)
