"""``python -m bench [--quick] [--database URL] [--only GROUP,...] [--rebuild]``.

Prints one ``name value unit`` line per figure (with its target where it has one) and a summary line.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import secrets
import sys
from collections.abc import Callable

from flask import Flask
from sqlalchemy.engine import make_url

from bench import dataset, exports, grading, jobs, pages, registry, reports, rest, startup
from bench.figures import Figure, summary
from cli import demo_data
from models import databases
from settings import ROOT

SCALES = {"1": "city", "3": "city3", "10": "city10"}  # --scale: times Qingdao's size
GROUPS = ("startup", "grades", "pages", "pdf", "registry", "rest", "jobs", "export")


def _memory_gb() -> float:
    with open("/proc/meminfo") as handle:
        return int(handle.readline().split()[1]) / 1024 / 1024


def _on_copy(url: str, label: str, measure: Callable[[str], list[Figure]]) -> list[Figure]:
    work = dataset.work_copy(url, label)
    try:
        return measure(work)
    finally:
        databases.drop(work)


def _with_app(measure: Callable[..., list[Figure]], *args: object, **overrides: object) -> Callable[[str], list[Figure]]:
    def run(url: str) -> list[Figure]:
        app = dataset.make_app(url, **overrides)
        try:
            return measure(app, *args)
        finally:
            dataset.dispose(app)

    return run


def _pages(app: Flask, runs: int) -> list[Figure]:
    return pages.measure(app, pages.install_stock_views(app), runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="城市规模性能基准：逐项输出 名称 数值 单位")
    parser.add_argument("--quick", action="store_true", help="十分之一规模，一分钟左右")
    parser.add_argument("--database", help="PostgreSQL URL（默认 SQLite，位于 var/bench/）；数据集建在 <库名>_<规模>_<种子>")
    parser.add_argument("--seed", type=int, default=demo_data.SEED)
    parser.add_argument("--only", default=",".join(GROUPS), help=f"只测这些组（逗号分隔）：{','.join(GROUPS)}")
    parser.add_argument("--rebuild", action="store_true", help="重新生成数据集")
    parser.add_argument("--queue", default="", help="jobs 组的任务队列：空为 SQLite 文件，或 redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--scale", default="1", help="数据规模：青岛的倍数 1、3 或 10，可逗号分隔（如 1,3,10）：逐一生成数据集并测量，最后打印规模曲线"
    )
    args = parser.parse_args(argv)
    groups = [g for g in args.only.split(",") if g]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"未知的组：{', '.join(sorted(unknown))}")
    factors = [f.strip() for f in args.scale.split(",") if f.strip()]
    if set(factors) - set(SCALES):
        parser.error(f"--scale 只能是 {'、'.join(SCALES)}")
    scales = ["quick"] if args.quick else [SCALES[f] for f in factors]
    runs = 7 if args.quick else 21
    # the apps measured here sign nothing that outlives the run
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))

    def echo(line: str) -> None:
        print(f"# {line}", flush=True)

    pack_path = os.environ.get("CRITERIA_PACK", str(ROOT / "criteria" / "qingdao"))
    measures: dict[str, list[tuple[str, Callable[[str], list[Figure]]]]] = {
        "startup": [("startup", startup.startup_figures)],
        "grades": [
            ("grades", _with_app(grading.recompute_figures, FAB_UPDATE_PERMS=False)),
            ("approval", _with_app(grading.approval_figures, runs, FAB_UPDATE_PERMS=False)),
        ],
        "pages": [("pages", _with_app(_pages, runs))],
        "pdf": [
            ("pdf", _with_app(reports.form_figures, runs, FAB_UPDATE_PERMS=False)),
            ("batch", lambda work: reports.batch_figures(work, 100 if args.quick else 1000)),
        ],
        "registry": [("registry", _with_app(registry.import_figures, 1000 if args.quick else 10000, FAB_UPDATE_PERMS=False))],
        "rest": [("rest", lambda work: rest.rest_figures(work, 20, 20 if args.quick else 60))],
        "jobs": [("jobs", lambda work: jobs.job_figures(work, 100 if args.quick else 1000, args.queue))],
        "export": [("export", exports.export_figures)],
    }
    curve: dict[str, list[Figure]] = {}
    for scale in scales:
        url = dataset.cached(args.database, scale, args.seed, pack_path, echo, rebuild=args.rebuild)
        echo(
            f"{datetime.date.today()} · {platform.node()} · {os.cpu_count()} 核 · 内存 {_memory_gb():.0f} GiB · "
            f"Python {platform.python_version()} · {make_url(url).get_backend_name()} · 规模 {scale}"
        )
        figures: list[Figure] = []
        for group in groups:
            for label, measure in measures[group]:
                for figure in _on_copy(url, label, measure):
                    figures.append(figure)
                    curve.setdefault(figure.name, []).append(figure)
                    print(figure.line(), flush=True)
        print(summary(figures), flush=True)
    if len(scales) > 1:  # the scaling curve: each figure at every scale
        echo("规模曲线（" + " / ".join(scales) + "）")
        for name, found in curve.items():
            print(f"curve {name} " + " / ".join(f.line().split(" ", 1)[1].split("  #")[0] for f in found), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
