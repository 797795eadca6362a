"""Running what is on an app's job queue in the test's own process, as a worker would."""

from __future__ import annotations

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
