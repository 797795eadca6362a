"""A city-scale PDF export as a job, and what the other pages take meanwhile.

The longest list (the kind with the most records) is exported to PDF by a ``flask jobs worker``
process, as 导出 does above ``EXPORT_SYNC_ROWS``. While it runs, this process keeps opening other
list pages as the admin (server time, Flask's test client) and compares them with the same pages
before the export started.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask, url_for
from sqlalchemy import select

from bench.dataset import dispose, make_app
from bench.figures import Figure, at_most
from bench.jobs import job_settings, start_workers, stop_workers
from bench.pages import admin_client
from jobs.start import start_export
from models import AppUser, FinalGradeRecord, Job, db
from models.aggregate import busiest_kind
from models.jobs import DONE, FAILED


def _other_pages(app: Flask) -> list[str]:
    """The first page of each kind's list and of each grade's evaluation list."""
    grades = [type(v).__name__ for v in app.appbuilder.baseviews if getattr(getattr(v, "datamodel", None), "obj", None) is FinalGradeRecord]
    with app.test_request_context():
        kinds = [url_for(f"{m.assessment.__name__}View.list") for m in app.extensions["kind_models"].values()]
        return [*kinds, *(url_for(f"{name}.list") for name in grades)]


def _times(client: object, urls: list[str], rounds: int) -> list[float]:
    found = []
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            answer = client.get(url)  # type: ignore[attr-defined]
            found.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"{url} 返回 {answer.status_code}")
    return found


def _peak_mb(pid: int) -> float:
    """The peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export_figures(url: str) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        settings = job_settings(Path(folder), "")
        app = make_app(url, FAB_UPDATE_PERMS=False, **settings)
        client = admin_client(app)
        try:
            with app.app_context():
                admin = db.session.scalar(select(AppUser.id).where(AppUser.username == "admin"))
                kind, rows = busiest_kind(db.session, list(app.extensions["kind_models"]))
                view = f"{app.extensions['kind_models'][kind].assessment.__name__}View"
                pages = _other_pages(app)
                _times(client, pages, 1)  # each page built once (templates, statements) before the clock
                before = _times(client, pages, 5)
                workers = start_workers(url, settings, 1)
                try:
                    started = time.perf_counter()
                    job = start_export(view, [], "pdf", "基准：导出最长的列表（PDF）", admin).id
                    during: list[float] = []
                    while True:
                        during += _times(client, pages, 1)
                        db.session.rollback()
                        state, message = db.session.execute(select(Job.state, Job.message).where(Job.id == job)).one()
                        if state in (DONE, FAILED):
                            break
                    seconds = time.perf_counter() - started
                    peak = _peak_mb(workers[0].pid)
                finally:
                    stop_workers(workers)
                if state == FAILED:
                    raise RuntimeError(f"导出任务失败：{message}")
        finally:
            dispose(app)
    return [
        Figure(f"export_pdf_job_{rows}_rows", seconds, "s"),
        Figure("export_pdf_job_worker_peak_memory", peak, "MB"),
        Figure("pages_before_export_median", statistics.median(before), "ms"),
        Figure("pages_during_export_median", statistics.median(during), "ms"),
        Figure("pages_during_export_p95", statistics.quantiles(during, n=20)[-1], "ms"),
        Figure("pages_during_export_count", len(during), "pages"),
        at_most("pages_during_export_max", max(during), "ms", 100),
    ]
