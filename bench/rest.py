"""REST list throughput: the load script (``python -m loadtest --only rest-list``: the list of the kind
with the most records, the heaviest) against gunicorn with 2 workers on 127.0.0.1, the load coming
from its own process (locust), on a work copy of the data set (SQLite or PostgreSQL, whichever the
benchmark runs on)."""

from __future__ import annotations

import subprocess
import sys

from bench.figures import Figure, at_least, at_most
from settings import ROOT


def _target(url: str) -> int:
    """Requests a second the list must answer: 300 on SQLite, 250 on PostgreSQL."""
    return 250 if url.startswith("postgresql") else 300


def rest_figures(url: str, users: int, seconds: int) -> list[Figure]:
    command = [
        sys.executable,
        "-m",
        "loadtest",
        "--only",
        "rest-list",
        "--database",
        url,
        "--users",
        str(users),
        "--seconds",
        str(seconds),
        "--workers",
        "2",
        "--dir",
        str(ROOT / "var" / "bench" / "load"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    values = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(("rest-list.", "total.")):
            values[parts[0]] = parts[1]
    if "rest-list.requests_per_second" not in values:
        raise RuntimeError(f"压力测试没有给出结果：\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return [
        at_least("rest_list_gunicorn_2_workers", float(values["rest-list.requests_per_second"]), "req/s", _target(url)),
        at_most("rest_list_gunicorn_errors", float(values.get("total.errors", "0")), "errors", 0),
        Figure("rest_list_gunicorn_p95", float(values.get("rest-list.latency_p95", "nan")), "ms"),
    ]
