"""Two application hosts: two gunicorn servers and their job workers, each started from its own working
copy of the project, on one PostgreSQL database, one Redis job queue and one S3 bucket (moto's server
over HTTP). A guide revision made through host A is used by host B for its next new record and a
restart of B changes nothing; a file uploaded through A downloads through B; a batch print started
through A survives its worker being killed mid-job and its whole ZIP downloads through B."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from models import AppUser, Attachment, Job, db
from tests.conftest import SESSION_KEY, dispose, make_app
from tests.s3_support import s3_endpoint, s3_settings  # noqa: F401 (a fixture)
from tests.test_two_processes import SAFETY, Browser, free_port, new_general_version, newest, revise_maxima
from tests.workflow_support import one_page_pdf

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/0"
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "var", "instance", "__pycache__", "node_modules", ".ruff_cache", "*.pyc")


SLOW_WORKER = """
import sys, time
import jobs.print_forms as printing
real = printing.printed
def printed(record, blank=False):
    time.sleep({seconds})
    return real(record, blank)
printing.printed = printed
sys.argv = ["flask", "--app", "app", "jobs", "worker"]
from flask.cli import main
main()
"""


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Host:
    """One application host: a working copy of the project, its gunicorn and its job worker."""

    def __init__(self, copy: Path, env: dict[str, str]):
        self.copy, self.env = copy, env
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_web(self) -> Host:
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "app:create_app()"]
        self.web = subprocess.Popen(command, cwd=self.copy, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + SAFETY
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=5)
                return self
            except OSError:
                assert self.web.poll() is None, self.web.stderr.read().decode()[-3000:]
                time.sleep(0.3)
        raise AssertionError("gunicorn did not answer")

    def stop_web(self) -> None:
        if self.web is not None and self.web.poll() is None:
            self.web.send_signal(signal.SIGTERM)
            self.web.wait(timeout=SAFETY)
        self.web = None

    def start_worker(self, seconds_per_form: float = 0) -> subprocess.Popen:
        """``flask jobs worker`` of this copy; ``seconds_per_form``: a printer that slow (injected
        into this worker's process only), so a test can catch the job while it runs."""
        command = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
        if seconds_per_form:
            command = [sys.executable, "-c", SLOW_WORKER.format(seconds=seconds_per_form)]
        self.worker = subprocess.Popen(command, cwd=self.copy, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self.worker

    def kill_worker(self) -> None:
        """SIGKILL: the worker dies at once, as on a power cut; the queue's message dies with it."""
        if self.worker is not None and self.worker.poll() is None:
            self.worker.kill()
            self.worker.wait(timeout=SAFETY)
        self.worker = None

    def stop(self) -> None:
        self.stop_web()
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
        self.worker = None

    def session(self, username: str) -> Browser:
        return Browser(self.base).login(username)


def upload(browser: Browser, path: str, fields: dict[str, str], name: str, data: bytes) -> str:
    """A multipart form post, as the 办理 page's upload sends it."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for key, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode())
    body.write(b"Content-Type: application/pdf\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        f"{browser.base}{path}", data=body.getvalue(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with browser.opener.open(request, timeout=SAFETY) as answer:
        return answer.read().decode()


def download(browser: Browser, path: str) -> bytes:
    with browser.opener.open(f"{browser.base}{path}", timeout=SAFETY) as answer:
        return answer.read()


@pytest.fixture
def two_hosts(backend, template_url, template_evidence, tmp_path, s3_endpoint) -> Iterator[tuple[str, Host, Host]]:  # noqa: F811
    if backend.name != "postgresql":
        pytest.skip("两台主机共用一个数据库服务器（PostgreSQL）；SQLite 是一台机器上的文件")
    if not redis_answers():
        pytest.skip(f"两台主机共用 Redis 任务队列，{REDIS} 无响应")
    url = backend.copy(template_url, f"hosts{os.getpid()}")
    bucket = s3_settings(s3_endpoint)
    shared = {
        **os.environ,
        **bucket,
        "DATABASE_URL": url,
        "SECRET_KEY": SESSION_KEY,
        "LOGIN_CAPTCHA": "0",
        "RATELIMIT_ENABLED": "0",
        "GUIDE_CHECK_SECONDS": "1",
        "JOB_QUEUE": REDIS,
        "JOB_QUEUE_NAME": f"two-hosts-{uuid.uuid4().hex[:8]}",  # this test's own keys in the shared Redis
        "JOB_STALE_SECONDS": "3",
    }
    for name in ("CRITERIA_PACK", "EVIDENCE_DIR", "JOB_FILES_DIR", "PLATFORM_VAR_DIR"):
        shared.pop(name, None)  # each host uses its own working copy's folders
    # The seeded evidence moves into the bucket once, as `flask storage copy` does on a real migration.
    app = make_app(url, EVIDENCE_DIR=str(template_evidence), **bucket)
    copied = app.test_cli_runner().invoke(args=["storage", "copy"])
    dispose(app)
    assert copied.exit_code == 0, copied.output
    hosts = []
    for name in ("host_a", "host_b"):  # two checkouts of the project, nothing shared on disk
        copy = tmp_path / name
        shutil.copytree(ROOT, copy, ignore=LEFT_OUT)
        hosts.append(Host(copy, {**shared, "PLATFORM_VAR_DIR": str(copy / "var")}))
    try:
        yield url, *hosts
    finally:
        for host in hosts:
            host.stop()
        backend.drop(url)


def _read(url: str, query: Callable[[Flask], Any]) -> Any:
    app = make_app(url)
    with app.app_context():
        found = query(app)
    dispose(app)
    return found


def job_state(url: str, job_id: int) -> tuple[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(select(Job.state, Job.attempts).where(Job.id == job_id)).one())
    finally:
        engine.dispose()


def facts(app: Flask) -> tuple[int, str, int]:
    """enterprise_01's enterprise, an item of the general kind that takes evidence, and how many
    general records of 2026 the city station's print holds."""
    own = db.session.scalar(select(AppUser.enterprise_id).where(AppUser.username == "enterprise_01"))
    item = next(i.code for i in app.extensions["criteria_pack"].kinds["general"].items if i.evidence)
    model = app.extensions["kind_models"]["general"].assessment
    return own, item, len(db.session.scalars(select(model.id).where(model.period == "2026")).all())


def test_two_hosts_share_the_guide_the_files_and_the_jobs(two_hosts):
    url, host_a, host_b = two_hosts
    own, item, printed = _read(url, facts)
    host_a.start_web()
    host_b.start_web()

    # 1. The guide: revised through A, used by B for its next new record; restarting B changes nothing.
    saved = revise_maxima(host_a.session("admin"))
    number, count = newest(url)
    assert f"记录为考核标准第 {number} 版" in saved
    assert new_general_version(host_b, url, "2032").endswith(f"第{number}版")
    host_b.stop_web()
    host_b.start_web()
    assert newest(url) == (number, count)
    assert new_general_version(host_b, url, "2033").endswith(f"第{number}版")

    # 2. Evidence: uploaded through A, downloaded through B (the bucket, not A's disk).
    company_a = host_a.session("enterprise_01")
    body = {"enterprise": own, "period": "2034", "contact_person": "张三", "contact_phone": "13912345678"}
    pk = company_a.post_json("/api/v1/assessment_general/", body)["id"]
    token = Browser.TOKEN.search(company_a.get(f"/assessment/general/{pk}")).group(1)
    data = one_page_pdf("两台主机的证明材料")
    answer = upload(company_a, f"/assessment/general/{pk}/evidence", {"csrf_token": token, "item_code": item}, "两台主机.pdf", data)
    assert "已上传" in answer
    attachment = _read(url, lambda app: db.session.scalar(select(Attachment.id).where(Attachment.assessment_id == pk)))
    assert download(host_b.session("enterprise_01"), f"/assessment/file/{attachment}?download=1") == data
    assert not list((host_a.copy / "var").rglob("*.pdf"))  # nothing on A's own disk

    # 3. A batch print through A; its worker is killed mid-job; B's worker starts it over; the ZIP
    #    downloads whole through B.
    station_a = host_a.session("city_station")
    jobs_page = station_a.get("/jobs/")
    form = {"csrf_token": Browser.TOKEN.search(jobs_page).group(1), "kind": "general", "period": "2026", "district": ""}
    station_a.post("/jobs/print", form)
    job_id = _read(url, lambda app: db.session.scalar(select(Job.id).order_by(Job.id.desc())))
    host_a.start_worker(seconds_per_form=0.5)  # a slow printer: the job runs for seconds
    deadline = time.monotonic() + SAFETY
    while job_state(url, job_id)[0] != "running":
        assert time.monotonic() < deadline, "the worker did not take the job"
        time.sleep(0.1)
    host_a.kill_worker()
    assert job_state(url, job_id) == ("running", 1)  # left behind by the dead worker, its message gone
    host_b.start_worker()
    station_b = host_b.session("city_station")
    deadline = time.monotonic() + 3 * SAFETY
    while (status := json.loads(station_b.get(f"/jobs/{job_id}/status")))["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, f"the job did not finish: {status}"
        time.sleep(0.5)
    assert status["state"] == "done", status
    archive = zipfile.ZipFile(io.BytesIO(download(station_b, status["result"])))
    assert len(archive.namelist()) == printed == status["total"] and archive.testzip() is None
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
    assert job_state(url, job_id) == ("done", 2)
