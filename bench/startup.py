"""How long the command line takes to answer: a pure command (``criteria check``, no platform and no
database) and the app factory every platform command and worker starts with."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from bench.figures import Figure, at_most
from settings import ROOT

RUNS = 5


def _seconds(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def startup_figures(url: str) -> list[Figure]:
    env = {**os.environ, "DATABASE_URL": url}
    pack = str(ROOT / "criteria" / "qingdao")
    flask = str(ROOT / ".venv" / "bin" / "flask") if (ROOT / ".venv" / "bin" / "flask").exists() else "flask"
    factory = "from app import create_app; create_app()"
    return [
        at_most("cli_criteria_check", _seconds([sys.executable, "-m", "cli.criteria", "check", pack], env), "s", 0.5),
        Figure("cli_flask_criteria_check", _seconds([flask, "--app", "app", "criteria", "check", pack], env), "s"),
        Figure("create_app_process", _seconds([sys.executable, "-c", factory], env), "s"),
    ]
