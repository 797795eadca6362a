"""``flask --app app jobs worker``: a worker process of the job queue (start.sh runs one beside the
web server; production runs one or more per host under systemd)."""

from __future__ import annotations

import logging
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from jobs.queue import enqueue, serve
from jobs.runner import put_back_mine
from models import db
from models.jobs import requeue_stale

jobs_group = AppGroup("jobs", help="后台任务（批量打印、重算等次、导入项目登记）")
log = logging.getLogger(__name__)


def _reap(app: Flask, stop: threading.Event) -> None:
    """Put jobs whose worker died (no heartbeat for JOB_STALE_SECONDS) back in the queue."""
    stale, attempts = float(app.config["JOB_STALE_SECONDS"]), int(app.config["JOB_MAX_ATTEMPTS"])
    while True:
        try:
            with app.app_context():
                for job_id in requeue_stale(db.engine, stale, attempts):
                    log.warning("job %s: its worker stopped reporting; queued again", job_id)
                    enqueue(app.config, job_id)
        except Exception as error:  # the database or the queue is briefly away: look again later
            log.warning("could not look for stale jobs: %s", error)
        if stop.wait(max(1.0, min(stale / 3, 20.0))):
            return


@jobs_group.command("worker")
@click.option("--threads", default=1, show_default=True, help="同时执行的任务数（每个任务一个线程）")
def worker_command(threads: int) -> None:
    """执行后台任务队列中的任务，直到按 Ctrl+C 或收到 SIGTERM。"""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    huey = serve(app)
    stop = threading.Event()
    reaper = threading.Thread(target=_reap, args=(app, stop), name="job-reaper", daemon=True)
    reaper.start()
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=False, max_delay=1.0)
    click.echo(f"后台任务执行进程已启动（{threads} 个线程），按 Ctrl+C 停止。")
    try:
        consumer.run()
    finally:
        stop.set()
        with app.app_context():
            for job_id in put_back_mine():
                enqueue(app.config, job_id)
