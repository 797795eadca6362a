"""One load run: fresh database, gunicorn, locust, report, and everything stopped afterwards.

The platform and the load each run in their own processes (gunicorn's workers, one locust
process), so the figures are those of a real server under load from a second process.
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from loadtest import report
from loadtest.options import JOURNEYS, ROOT, Options, parse

READY_SECONDS = 120  # a cold start compiles the catalogue and syncs permissions in each worker


class RunFailed(Exception):
    """A step of the run did not work; the message says which and where its log is (Chinese)."""


def say(text: str) -> None:
    print(text, flush=True)


def environment(options: Options) -> dict[str, str]:
    """The platform's configuration for this run: its own SQLite file (or ``--database``) and evidence folder."""
    folder = options.directory
    return {
        **os.environ,
        "DATABASE_URL": options.database or f"sqlite:///{folder / 'load.db'}",
        "PLATFORM_VAR_DIR": str(folder),
        "EVIDENCE_DIR": str(folder / "evidence"),
        "PLATFORM_ENV": "development",  # plain HTTP on 127.0.0.1: the session cookie must not be HTTPS-only
        # Simulated users cannot read the login captcha; the load is about the pages behind the login.
        "LOGIN_CAPTCHA": "0",
        # Every simulated user comes from 127.0.0.1: per-address login limits would treat them as one client.
        "RATELIMIT_ENABLED": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "FLASK_APP": "app",
        "PYTHONUNBUFFERED": "1",
        "LOAD_READY_DIR": str(folder / "ready"),
    }


LEFT_BEHIND = ("load.db", "evidence", "targets.json", "prepare.log", "gunicorn.log", "locust.log", "results.json", "ready")


def fresh(folder: Path) -> None:
    """Remove what an earlier run left (database, evidence, statistics, logs), and nothing else:
    ``--dir`` may name a folder that holds other files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LEFT_BEHIND:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def step(title: str, command: list[str], env: dict[str, str], log: Path) -> None:
    say(f"{title} ...")
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RunFailed(f"{title}失败（退出码 {done.returncode}），详见 {log}")


def prepare(options: Options, env: dict[str, str]) -> Path:
    """Migrate and seed through the platform's own CLI (a ``--database`` is seeded already), then add
    the journeys' records."""
    log = options.directory / "prepare.log"
    python = sys.executable
    step("迁移数据库（flask db upgrade）", [python, "-m", "flask", "--app", "app", "db", "upgrade"], env, log)
    step("同步考核标准（flask platform sync）", [python, "-m", "flask", "--app", "app", "platform", "sync"], env, log)
    if options.database is None:
        step("写入演示数据（flask demo）", [python, "-m", "flask", "--app", "app", "demo"], env, log)
    targets = options.directory / "targets.json"
    step("准备压力测试记录", [python, "-m", "loadtest.fixtures", str(targets), str(options.users)], env, log)
    return targets


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(options: Options, env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(Path(__file__).with_name("gunicorn_conf.py")),
        "--workers",
        str(options.workers),
        "--threads",
        str(options.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "app:create_app()",
    ]
    say(f"启动 gunicorn（{options.workers} 个工作进程 × {options.threads} 个线程，127.0.0.1:{port}）...")
    with (options.directory / "gunicorn.log").open("a", encoding="utf-8") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen, options: Options, url: str) -> None:
    """Every worker has loaded the platform and the login page answers."""
    log = options.directory / "gunicorn.log"
    ready = options.directory / "ready"
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RunFailed(f"gunicorn 启动失败（退出码 {server.returncode}），详见 {log}")
        if ready.is_dir() and len(list(ready.iterdir())) >= options.workers:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.5)
    raise RunFailed(f"gunicorn 在 {READY_SECONDS} 秒内没有就绪，详见 {log}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM lets gunicorn finish its requests; a master that hangs is killed."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def ramp_seconds(options: Options) -> int:
    """How long starting every user takes at the spawn rate: the run lasts that much longer, so
    that all users work together for ``--seconds`` (the journeys count the ramp apart)."""
    return math.ceil(options.users / options.spawn_rate)


def locust_command(options: Options, host: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).with_name("journeys.py")),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        f"{options.seconds + ramp_seconds(options)}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "WARNING",
        *JOURNEYS[options.only],
    ]


def run_load(options: Options, env: dict[str, str], host: str, targets: Path) -> Path:
    results = options.directory / "results.json"
    log = options.directory / "locust.log"
    say(f"locust：{options.users} 个用户，{options.seconds} 秒（{report.journeys_text(options)}）...")
    load_env = {
        **env,
        "LOAD_TARGETS": str(targets),
        "LOAD_THINK": options.think,
        "LOAD_SESSION": str(options.session),
        "LOAD_RESULTS": str(results),
    }
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(locust_command(options, host), cwd=ROOT, env=load_env, stdout=out, stderr=subprocess.STDOUT, check=False)
    # locust exits 1 when some request failed; that is reported below, not a broken run.
    if done.returncode not in (0, 1) or not results.exists():
        raise RunFailed(f"locust 运行失败（退出码 {done.returncode}），详见 {log}")
    return results


def run(options: Options) -> int:
    """0 when every request succeeded, 1 when some failed, 2 when the run itself could not be made."""
    fresh(options.directory)
    env = environment(options)
    server = None
    try:
        targets = prepare(options, env)
        port = free_port()
        server = start_server(options, env, port)
        host = f"http://127.0.0.1:{port}"
        wait_ready(server, options, f"{host}/login/")
        results = run_load(options, env, host, targets)
    except RunFailed as failed:
        say(f"压力测试未完成：{failed}")
        return 2
    finally:
        if server is not None:
            stop_server(server)
            say("gunicorn 已停止。")
    return finish(options, results)


def finish(options: Options, results: Path) -> int:
    """Print the errors, the figures and the summary; 1 when any request failed."""
    result = report.read(results)
    for line in report.error_lines(result):
        say(line)
    if result.errors:
        say(f"服务端日志：{options.directory / 'gunicorn.log'}；locust 日志：{options.directory / 'locust.log'}")
    for line in report.figures(result):
        say(line)
    say(report.summary(result, options))
    return 1 if result.errors else 0


def main(argv: list[str] | None = None) -> int:
    return run(parse(argv))
