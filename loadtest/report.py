"""The figures of one run, from the results the journeys wrote when locust stopped.

Each journey is one request name; the whole run is every request. Percentiles are taken from
locust's response-time histograms (it keeps times rounded to two significant digits above
100 ms), merged exactly across the entries of a journey and of the run. Requests per second
divide by the time from the first to the last request: of the whole run for ``total``, of the
journey for a journey (so ``rest-list`` is not diluted by the log-ins before it starts).

The figures are those of every user at work; the requests made while the users were starting
(each with its first login) are the row ``ramp``, apart. Errors count in both.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadtest.options import Options

FIRST_ERRORS = 5
MIN_WINDOW = 1.0  # seconds
PERCENTILES = (50, 95, 99)


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    errors: int
    per_second: float
    latency: dict[int, float | None]  # percentile -> milliseconds


@dataclass(frozen=True)
class Result:
    total: Row
    journeys: tuple[Row, ...]
    error_messages: tuple[str, ...]  # "count × method name：message", most frequent first
    exceptions: int
    ramp: Row | None = None  # the requests while the users were starting (their first logins), apart

    @property
    def errors(self) -> int:
        return self.total.errors + self.exceptions + (self.ramp.errors if self.ramp else 0)


def percentile(histogram: Counter, percent: float) -> float | None:
    """Nearest rank: the smallest time at or below which ``percent`` % of the requests finished."""
    count = sum(histogram.values())
    if count == 0:
        return None
    rank = max(1, math.ceil(count * percent / 100))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return float(value)
    return float(max(histogram))


def window(entries: list[dict[str, Any]]) -> float:
    """Seconds from the first of these requests to the last."""
    return max(e["last_request_timestamp"] or e["start_time"] for e in entries) - min(e["start_time"] for e in entries)


def _row(name: str, entries: list[dict[str, Any]], run_seconds: float) -> Row:
    histogram: Counter = Counter()
    for entry in entries:
        histogram.update({float(ms): count for ms, count in entry["response_times"].items()})
    requests = sum(e["num_requests"] for e in entries)
    seconds = window(entries)
    if seconds < MIN_WINDOW:  # a journey seen once or twice: its rate over the whole run
        seconds = run_seconds
    return Row(
        name,
        requests,
        sum(e["num_failures"] for e in entries),
        requests / seconds if seconds > 0 else 0.0,
        {p: percentile(histogram, p) for p in PERCENTILES},
    )


def _messages(errors: list[dict[str, Any]], when: str = "") -> tuple[str, ...]:
    failures = sorted(errors, key=lambda f: -f["occurrences"])
    return tuple(f"{f['occurrences']} × {f['method']} {f['name']}{when}：{f['error']}" for f in failures)


def summarize(results: dict[str, Any]) -> Result:
    entries = results["entries"]
    if not entries:
        raise ValueError("压力测试没有发出任何请求")
    seconds = window(entries)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_name.setdefault(entry["name"], []).append(entry)
    journeys = tuple(_row(name, found, seconds) for name, found in sorted(by_name.items()))
    messages = _messages(results["errors"])
    ramp = results.get("ramp") or {"entries": []}
    ramp_row = _row("ramp", ramp["entries"], window(ramp["entries"])) if ramp["entries"] else None
    if ramp_row is not None:
        messages += _messages(ramp["errors"], "（启动阶段）")
    messages += tuple(f"{e['count']} × 异常：{e['message']}" for e in results["exceptions"])
    exceptions = sum(e["count"] for e in results["exceptions"])
    return Result(_row("total", entries, seconds), journeys, messages, exceptions, ramp_row)


def read(path: Path) -> Result:
    if not path.exists():
        raise FileNotFoundError(f"没有找到压力测试结果文件 {path}")
    return summarize(json.loads(path.read_text(encoding="utf-8")))


def _figure(value: float | None, places: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def _lines(prefix: str, row: Row, errors: int) -> list[str]:
    return [
        f"{prefix}requests {row.requests} count",
        f"{prefix}errors {errors} count",
        f"{prefix}requests_per_second {_figure(row.per_second, 1)} req/s",
        *(f"{prefix}latency_p{p} {_figure(row.latency[p])} ms" for p in PERCENTILES),
    ]


def figures(result: Result) -> list[str]:
    """``name value unit`` lines: the whole run first (``total.``), the users' start apart
    (``ramp.``), then each journey."""
    lines = _lines("total.", result.total, result.errors)
    if result.ramp is not None:
        lines += _lines("ramp.", result.ramp, result.ramp.errors)
    for row in result.journeys:
        lines += _lines(f"{row.name}.", row, row.errors)
    return lines


def journeys_text(options: Options) -> str:
    """Which journeys a run makes, as its summary and progress lines say it."""
    return "仅 REST 列表接口" if options.only == "rest-list" else "全部场景"


def summary(result: Result, options: Options) -> str:
    """One line: the run's setup and its figures."""
    what = journeys_text(options)
    total = result.total
    tail = "" if result.errors == 0 else "；有错误，见上方错误示例"
    per_worker = f" × {options.threads} 个线程" if options.threads > 1 else ""
    sessions = ""
    if options.only != "rest-list":
        sessions = f"，平均每 {_figure(options.session)} 秒重新登录" if options.session > 0 else "，只在开始时登录"
    return (
        f"压力测试（{what}，{options.users} 个用户，{options.seconds} 秒{sessions}，gunicorn {options.workers} 个工作进程{per_worker}）："
        f"共 {total.requests} 次请求，错误 {result.errors} 次，每秒 {_figure(total.per_second, 1)} 次，"
        f"p50 {_figure(total.latency[50])} ms，p95 {_figure(total.latency[95])} ms，"
        f"p99 {_figure(total.latency[99])} ms{_ramp_text(result.ramp)}{tail}"
    )


def _ramp_text(ramp: Row | None) -> str:
    if ramp is None:
        return ""
    return f"（不含用户陆续登录的启动阶段：{ramp.requests} 次请求，错误 {ramp.errors} 次，p95 {_figure(ramp.latency[95])} ms）"


def error_lines(result: Result, limit: int = FIRST_ERRORS) -> list[str]:
    if not result.error_messages:
        return []
    shown = result.error_messages[:limit]
    more = len(result.error_messages) - len(shown)
    return ["错误示例：", *(f"  {m}" for m in shown), *([f"  ……另有 {more} 种错误"] if more > 0 else [])]
