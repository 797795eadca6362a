"""Command-line options of the load script (``python -m loadtest --help``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The user classes of loadtest/journeys.py each choice runs (that module imports locust, which
# patches the standard library with gevent: the runner must not import it).
JOURNEYS = {"all": ("EnterpriseUser", "ReviewerUser", "DistrictUser"), "rest-list": ("RestListUser",)}
DEFAULT_THINK = {"all": "0.5,1.5", "rest-list": "0"}


@dataclass(frozen=True)
class Options:
    users: int
    seconds: int
    workers: int
    spawn_rate: float
    only: str
    think: str
    directory: Path
    database: str | None = None  # an existing, seeded database instead of a fresh SQLite demo
    threads: int = 1  # gunicorn threads per worker (more than one: the gthread worker)
    session: float = 300.0  # seconds a simulated user's browser session lasts on average (0: the whole run)


def _positive(name: str) -> type:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"{name} 必须是正整数，收到“{text}”")
        return value

    return parse


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"--spawn-rate 必须是大于 0 的数，收到“{text}”")
    return value


def _think(text: str) -> str:
    low, _, high = text.partition(",")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        bounds = (-1.0, -1.0)
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"--think 应为“最短,最长”秒数（如 0.5,1.5，或 0 表示不停顿），收到“{text}”")
    return f"{bounds[0]},{bounds[1]}"


def _session(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"--session 应为不小于 0 的秒数，收到“{text}”")
    return value


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="python -m loadtest",
        description="压力测试：新建 SQLite 演示库，用 gunicorn 启动平台，再用 locust 模拟多个用户访问，最后打印各项指标。",
    )
    found.add_argument("--users", type=_positive("--users"), default=50, help="模拟用户数（默认 50）")
    found.add_argument("--seconds", type=_positive("--seconds"), default=60, help="持续秒数（默认 60）")
    found.add_argument("--workers", type=_positive("--workers"), default=2, help="gunicorn 工作进程数（默认 2）")
    found.add_argument(
        "--threads", type=_positive("--threads"), default=1, help="每个 gunicorn 工作进程的线程数（默认 1；大于 1 时使用 gthread 工作方式）"
    )
    found.add_argument("--spawn-rate", type=_rate, default=None, help="每秒启动的用户数（默认为用户数的五分之一，至少 1）")
    found.add_argument(
        "--only",
        choices=sorted(k for k in JOURNEYS if k != "all"),
        default="all",
        help="只跑某一类请求：rest-list = 只压记录最多的考核种类的 REST 列表接口",
    )
    found.add_argument(
        "--think", type=_think, default=None, help="每个用户两步之间的停顿秒数“最短,最长”（默认 0.5,1.5；--only rest-list 时为 0）"
    )
    found.add_argument(
        "--session",
        type=_session,
        default=300.0,
        help="每个模拟用户一次登录会话的平均秒数，会话结束后重新登录（默认 300；0 表示整个测试只在开始时登录一次）",
    )
    found.add_argument(
        "--database",
        default=None,
        help="用已有且已写入演示数据的数据库（SQLAlchemy URL，如基准数据集的副本）代替新建的 SQLite 演示库；压力测试会向其中添加记录",
    )
    found.add_argument("--dir", type=Path, default=ROOT / "var" / "load", help="数据库、日志和统计文件所在目录（默认 var/load）")
    return found


def parse(argv: list[str] | None = None) -> Options:
    """The options of one run; bad values exit with status 2 and a message naming the option."""
    args = parser().parse_args(argv)
    return Options(
        users=args.users,
        seconds=args.seconds,
        workers=args.workers,
        spawn_rate=args.spawn_rate or max(1.0, args.users / 5),
        only=args.only,
        think=_think(args.think or DEFAULT_THINK[args.only]),
        directory=args.dir.resolve(),
        database=args.database,
        threads=args.threads,
        session=args.session,
    )
