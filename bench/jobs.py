"""Long work through the job queue, in worker processes as production runs it (``flask jobs worker``):
printing about 1,000 forms of the period as district jobs with one worker process and with two, and a
period's recompute. The queue is a SQLite file, or Redis with ``--queue redis://...``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from bench.dataset import dispose, make_app
from bench.figures import Figure
from jobs.start import start, start_recompute
from models import AppUser, Job, db
from models.jobs import DONE, FAILED
from services import periods
from services.form_signing import write_development_certificate
from settings import ROOT

PERIOD_KIND = "general"  # the kind printed: one record per enterprise in the period
READY = "后台任务执行进程已启动"


def job_settings(folder: Path, queue: str) -> dict[str, str]:
    signing = folder / "signing.p12"
    write_development_certificate(signing, "bench")
    return {
        "JOB_QUEUE": queue,
        "JOB_QUEUE_FILE": str(folder / "queue.sqlite3"),
        "JOB_QUEUE_NAME": f"bench-{secrets.token_hex(4)}",
        "JOB_FILES_DIR": str(folder / "jobs"),
        "FORM_SIGNING_P12": str(signing),
        "WORKER_HEARTBEAT": "0",
    }


def start_workers(url: str, settings: dict[str, str], count: int) -> list[subprocess.Popen]:
    env = {**os.environ, **settings, "DATABASE_URL": url}
    started = []
    for _ in range(count):
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        started.append(process)
    for process in started:  # each has built its app and listens to the queue
        line = process.stdout.readline()
        if READY not in line:
            raise RuntimeError(f"任务执行进程未能启动：{line}")
    return started


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for process in workers:
        process.terminate()
    for process in workers:
        process.wait(timeout=120)


def wait_for(ids: list[int], timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        states = set(db.session.scalars(select(Job.state).where(Job.id.in_(ids))))
        if states <= {DONE, FAILED}:
            if FAILED in states:
                raise RuntimeError("基准任务失败：" + "；".join(db.session.scalars(select(Job.message).where(Job.state == FAILED))))
            return
        if time.monotonic() > deadline:
            raise RuntimeError("基准任务超时")
        time.sleep(0.2)


def _districts(app: Flask, period: str, want: int) -> list[tuple[int, int]]:
    """(district, forms) of the fewest districts that hold ``want`` forms of the period between them."""
    model = app.extensions["kind_models"][PERIOD_KIND].assessment
    counts = db.session.execute(
        select(model.district_id, func.count()).where(model.period == period).group_by(model.district_id).order_by(func.count().desc())
    ).all()
    chosen, total = [], 0
    for district_id, count in counts:
        chosen.append((district_id, count))
        total += count
        if total >= want:
            break
    return chosen


def _print_jobs(station: int, period: str, districts: list[tuple[int, int]]) -> list[int]:
    """One print job per district."""
    ids = []
    for district, _ in districts:
        params = {"kind": PERIOD_KIND, "period": period, "district_id": district}
        ids.append(start("print_forms", f"基准：打印辖区 {district}", params, station).id)
    return ids


def job_figures(url: str, forms: int, queue: str = "") -> list[Figure]:
    found: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as folder:
        settings = job_settings(Path(folder), queue)
        app = make_app(url, FAB_UPDATE_PERMS=False, **settings)
        try:
            with app.app_context():
                station = db.session.scalar(select(AppUser.id).where(AppUser.username == "admin"))
                period = periods.periods()[0].period
                districts = _districts(app, period, forms)
                total = sum(count for _, count in districts)
                for count in (1, 2):
                    workers = start_workers(url, settings, count)
                    try:
                        started = time.perf_counter()
                        wait_for(_print_jobs(station, period, districts))
                        seconds = time.perf_counter() - started
                    finally:
                        stop_workers(workers)
                    found.append(Figure(f"job_print_{total}_forms_{len(districts)}_jobs_{count}_worker", seconds, "s"))
                    found.append(Figure(f"job_print_forms_per_second_{count}_worker", total / seconds, "forms/s"))
                shown = periods.fingerprint(periods.planned(period))
                workers = start_workers(url, settings, 1)
                try:
                    started = time.perf_counter()
                    wait_for([start_recompute(station, period, shown).id])
                    found.append(Figure("job_recompute_period", time.perf_counter() - started, "s"))
                finally:
                    stop_workers(workers)
        finally:
            dispose(app)
    return found
