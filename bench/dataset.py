"""The benchmark's data set: built once per scale, seed and criteria pack, then reused.

The cached database is never changed by a measurement: whatever writes (an approval, an import, a
verification code on a printed form) runs on a fresh copy made by ``work_copy``.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from app import create_app
from criteria import load_pack
from models import databases, db
from settings import ROOT, VAR

CACHE = VAR / "bench"


def make_app(url: str, **overrides: object) -> Flask:
    """An app on the data set; it does not report itself as a serving process (the work copy it
    runs on is dropped before the process exits)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, **overrides, "WORKER_HEARTBEAT": False})


def dispose(app: Flask) -> None:
    """Release the app; what its serving entry froze (``reloading``) can be collected again."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    gc.unfreeze()


def _marker(url: str) -> Path:
    return CACHE / f"{make_url(url).get_backend_name()}-{Path(make_url(url).database).stem}.ready"


def _signature(scale: str, seed: int, pack_path: str) -> str:
    """What the data set depends on: scale, seed, the criteria and the migrations."""
    migrations = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    return f"{scale} {seed} {load_pack(pack_path).content_hash} {' '.join(migrations)}"


def cached(database: str | None, scale: str, seed: int, pack_path: str, echo: Callable[[str], None], rebuild: bool = False) -> str:
    """The URL of the built data set; builds it (migrate, demo --scale) when missing or outdated."""
    name = f"bench_{scale}_{seed}"
    url = (
        f"sqlite:///{CACHE / f'{name}.db'}"
        if database is None
        else databases.with_name(database, f"{make_url(database).database}_{scale}_{seed}")
    )
    marker = _marker(url)
    signature = _signature(scale, seed, pack_path)
    if not rebuild and databases.exists(url) and marker.exists() and marker.read_text() == signature:
        echo(f"使用已缓存的数据集 {make_url(url).render_as_string()}")
        return url
    CACHE.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    echo(f"生成数据集（{scale}，种子 {seed}）：{make_url(url).render_as_string()} ...")
    started = time.perf_counter()
    databases.create_empty(url)
    env = {**os.environ, "DATABASE_URL": url, "CRITERIA_PACK": pack_path}
    for command in (["db", "upgrade"], ["platform", "sync"], ["demo", "--scale", scale, "--seed", str(seed)]):
        # The CLI in its own process: its progress bars reach the terminal as it works.
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=ROOT, env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"生成数据集失败：flask {' '.join(command)} 退出码 {done.returncode}")
    marker.write_text(signature)
    echo(f"数据集已生成，用时 {time.perf_counter() - started:.0f} 秒")
    return url


def work_copy(url: str, label: str) -> str:
    """A fresh copy of the data set to change (drop it with ``models.databases.drop``)."""
    stem = Path(make_url(url).database).stem if databases.is_sqlite(url) else make_url(url).database
    return databases.copy(url, databases.with_name(url, f"{stem}_{label}"))
