"""Two serving processes from two separate working copies on one database (PostgreSQL in CI, SQLite
too): an edit through one is used by the other for its next new record, restarting either records
nothing and changes nothing, and a destructive schema change waits until both are stopped."""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli.demo_data import DEMO_PASSWORD
from models import CriteriaVersion, PlatformWorker, db
from settings import default_pack
from tests.conftest import SESSION_KEY, dispose, make_app

ROOT = Path(__file__).resolve().parent.parent
SAFETY = 90  # seconds a server may take to answer its first request: a net, not a timing check


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """``flask run`` of the platform in its own process, on a working copy's pack folder."""

    def __init__(self, url: str, pack: Path, evidence: Path):
        self.url, self.pack, self.evidence = url, pack, evidence
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "CRITERIA_PACK": str(self.pack),
            "EVIDENCE_DIR": str(self.evidence),
            "SECRET_KEY": SESSION_KEY,
            "LOGIN_CAPTCHA": "0",
            "RATELIMIT_ENABLED": "0",
            "GUIDE_CHECK_SECONDS": "1",
        }
        command = [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(self.port), "--no-reload"]
        # The server's log to a file: a pipe nobody reads would stop the server once it is full.
        self.log = self.pack.parent / "server.log"
        with self.log.open("ab") as log:
            # Started as from a terminal: a shell starts a background job with Ctrl+C ignored, and the
            # server would inherit that when the tests themselves run in one.
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_interruptible)
        deadline = time.monotonic() + SAFETY
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=5)
                return self
            except (urllib.error.URLError, ConnectionError):
                assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
                time.sleep(0.3)
        raise AssertionError("the server did not answer")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Ctrl+C, as an operator stops it: the process withdraws its worker report on the way out."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=SAFETY)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"the server did not stop on Ctrl+C: {self.log.read_text(errors='replace')[-2000:]}") from None
        self.process = None

    def session(self, username: str) -> Browser:
        return Browser(self.base).login(username)


class Browser:
    """A user agent with cookies: the login form, CSRF tokens, form posts and JSON."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base}{path}", timeout=SAFETY) as answer:
            return answer.read().decode()

    def post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(urllib.request.Request(f"{self.base}{path}", data=data), timeout=SAFETY) as answer:
            return answer.read().decode()

    def post_json(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        with self.opener.open(request, timeout=SAFETY) as answer:
            return json.loads(answer.read())

    def login(self, username: str) -> Browser:
        self.token = self.TOKEN.search(self.get("/login/")).group(1)
        page = self.post("/login/", {"username": username, "password": DEMO_PASSWORD, "csrf_token": self.token})
        assert "退出" in page or "注销" in page or username in page, f"login of {username} failed"
        return self


@pytest.fixture
def two_copies(backend, template_url, template_evidence, tmp_path) -> Iterator[tuple[str, Server, Server]]:
    url = backend.copy(template_url, f"two{os.getpid()}")
    evidence = tmp_path / "evidence"
    shutil.copytree(template_evidence, evidence)
    servers = []
    for name in ("host_a", "host_b"):  # two checkouts: each its own copy of the pack folder
        pack = tmp_path / name / Path(default_pack()).name
        shutil.copytree(default_pack(), pack)
        servers.append(Server(url, pack, evidence))
    try:
        yield url, *servers
    finally:
        for server in servers:
            server.stop()
        backend.drop(url)


def newest(url: str) -> tuple[int, int]:
    """(the newest version's number, how many versions there are)."""
    app = make_app(url)
    with app.app_context():
        found = db.session.scalar(select(func.max(CriteriaVersion.number))), db.session.scalar(select(func.count(CriteriaVersion.id)))
    dispose(app)
    return found


def new_general_version(server: Server, url: str, period: str) -> str:
    """The criteria version a new 一般条件考核 of enterprise_01 is filed under, through ``server``."""
    browser = server.session("enterprise_01")
    app = make_app(url)
    with app.app_context():
        from models import AppUser

        own = db.session.scalar(select(AppUser.enterprise_id).where(AppUser.username == "enterprise_01"))
    dispose(app)
    created = browser.post_json("/api/v1/assessment_general/", {"enterprise": own, "period": period})
    shown = json.loads(browser.get(f"/api/v1/assessment_general/{created['id']}"))
    return shown["result"]["criteria_version"]


def revise_maxima(admin: Browser) -> str:
    """A rules-only revision through the criteria editor (two items' maxima); the page it answers."""
    page = admin.get("/criteria-admin/files/edit/?path=general.yaml")
    text = html.unescape(re.search(r'(?s)<textarea[^>]*name="content"[^>]*>(.*?)</textarea>', page).group(1)).lstrip("\n")
    return admin.post(
        "/criteria-admin/files/edit/?path=general.yaml",
        {
            "csrf_token": Browser.TOKEN.search(page).group(1),
            "content": text.replace("    max: 10\n", "    max: 12\n", 1).replace("    max: 15\n", "    max: 13\n", 1),
            "note": "两台服务器：调整满分",
            "base": re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1),
            "base_number": re.search(r'name="base_number" type="hidden" value="(\d+)"', page).group(1),
        },
    )


def test_an_edit_through_one_process_is_used_by_the_other_and_restarts_change_nothing(two_copies):
    url, host_a, host_b = two_copies
    host_a.start()
    host_b.start()
    saved = revise_maxima(host_a.session("admin"))
    number, count = newest(url)
    assert f"记录为考核标准第 {number} 版" in saved
    assert new_general_version(host_b, url, "2032").endswith(f"第{number}版")  # the other process, its next new record

    # While they serve, a destructive schema change is refused.
    app = make_app(url)
    refused = app.test_cli_runner().invoke(args=["criteria", "apply", "--force"])
    dispose(app)
    assert refused.exit_code == 1 and "工作进程在运行" in refused.output

    for server, period in ((host_b, "2033"), (host_a, "2034")):  # restarting either records nothing, serves the same guide
        server.stop()
        server.start()
        assert newest(url) == (number, count)
        assert new_general_version(server, url, period).endswith(f"第{number}版")

    host_a.stop()
    host_b.stop()
    app = make_app(url)
    with app.app_context():
        assert db.session.scalar(select(func.count(PlatformWorker.id))) == 0  # both withdrew on the way out
    dispose(app)
