"""Workers that follow the guide: a process rebuilds its app when the guide's structure changes.

A revision saved by any process (or host) is stored in the database. One that changes only rules is
used for the next new record at once (``PackVersions.active``); one that changes what a process
builds at start (a header field, a kind, a role, the workflow: ``criteria.structure``) needs the
screens, menus and permissions built again. Each process looks at the newest version number at most
every ``GUIDE_CHECK_SECONDS``; when its structure differs from the one the process was built on, the
request that noticed builds a new app (its roles and permissions synced), and every later request is
served by it. Requests already running finish on the old one: nothing is dropped, nothing restarts.

Failures here are logged by their message only: CPython 3.11 formats a traceback with the ast module,
which is not safe while another thread uses it (an app being built: "AST constructor recursion depth
mismatch").
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from criteria.structure import structure_key
from models import workers
from models.assessments import layout_signature
from models.criteria_versions import CriteriaVersion
from models.guide import Guide, read_guide

log = logging.getLogger(__name__)


def guide_signature(guide: Guide) -> tuple[Any, ...]:
    """What an app is built from: the active version's structure and every mapped kind's fields."""
    return (structure_key(guide.active), layout_signature(guide.kinds.values()))


class GuideWatch:
    """The WSGI entry of a serving process: the newest app built for the database's guide."""

    def __init__(self, first: Flask, build: Callable[[], Flask], interval: float):
        self.first, self.first_wsgi = first, first.wsgi_app
        self.app = first
        self.build = build
        self.interval = interval
        self.code = first.extensions["criteria_pack"].code
        self.signature = guide_signature(first.extensions["guide"])
        self.seen: int | None = first.extensions["guide"].active_id
        self.checked = time.monotonic()
        self.lock = threading.Lock()
        # A connection per look (every few seconds at most): nothing held between requests.
        self.engine = create_engine(first.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool) if interval >= 0 else None
        first.extensions["reload_now"] = self.reload_now
        # A test app is no serving process (tests/test_two_processes.py runs real ones).
        self.heartbeat = bool(first.config["WORKER_HEARTBEAT"]) and not first.testing and self.engine is not None
        self.worker_id: int | None = None
        self.freezes = not first.testing  # a test app leaves the collector alone: many apps share the process
        self.settled = not self.freezes

    def reload_now(self) -> None:
        """Look at the guide on the next request (after this process saved a revision)."""
        self.checked = 0.0

    def _newest(self) -> int | None:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.max(CriteriaVersion.id)).where(CriteriaVersion.pack_code == self.code))

    def current(self) -> Flask:
        if self.engine is None or time.monotonic() - self.checked < self.interval:
            return self.app
        if not self.lock.acquire(blocking=False):
            return self.app  # another thread is building: this request is served by the app it has
        try:
            self.checked = time.monotonic()
            newest = self._newest()
            if newest != self.seen:
                self._follow(newest)
        except Exception as error:  # a database that cannot be read now: serve on, look again later
            log.error("读取考核标准版本失败，继续使用当前载入的版本：%s", error)
        finally:
            self.lock.release()
        return self.app

    def _follow(self, newest: int | None) -> None:
        """Build a new app when the newest version changed the structure (the stored packs are parsed
        once per process: ``models.guide``)."""
        self.seen = newest
        guide = read_guide(self.first.config["SQLALCHEMY_DATABASE_URI"], self.first.extensions["guide"].seed)
        if guide_signature(guide) == self.signature:
            return  # rules only: the app at work already files new records under the newest version
        from services.platform_sync import sync_access

        built = self.build()
        signature = guide_signature(built.extensions["guide"])
        sync_access(built)
        built.extensions["reload_now"] = self.reload_now
        old, self.app, self.signature = self.app, built, signature
        log.info("考核标准结构已变更（第 %s 版），本进程已重新载入", built.extensions["guide"].active_number)
        if self.freezes:
            gc.unfreeze()  # the old app can be collected once the requests it still serves are done
        retired = None if old is self.first else old
        if retired is not None or self.freezes:
            later = threading.Timer(60.0, _retire, (retired, self.freezes))  # after the requests it still serves
            later.daemon = True  # a process told to stop does not wait for it (Ctrl+C, gunicorn's graceful stop)
            later.start()

    def _settle(self) -> None:
        """Put what the process built before its first request (the app, the guide's packs, mapped
        classes, compiled templates: some 300,000 objects) out of the collector's reach. A full
        collection otherwise walks them all, about 0.2 s that land in whichever request triggers it."""
        with self.lock:
            if not self.settled:
                _freeze()
                self.settled = True

    def _join(self) -> None:
        """Report this process as serving (on its first request: after a server forked it), touch
        the report from a thread of its own, and withdraw it at exit (``models.workers``)."""
        with self.lock:
            if self.worker_id is not None:
                return
            try:
                self.worker_id = workers.join(self.engine)
            except Exception as error:  # a database not migrated yet: the process serves on unreported
                log.error("无法登记工作进程：%s", error)
                self.heartbeat = False
                return
        worker_id, engine = self.worker_id, self.engine
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(workers.HEARTBEAT_SECONDS):
                try:
                    workers.beat(engine, worker_id)
                except Exception as error:  # reported again at the next beat
                    log.warning("工作进程心跳写入失败：%s", error)

        threading.Thread(target=beat, name="platform-worker-heartbeat", daemon=True).start()

        def leave() -> None:
            stop.set()
            try:
                workers.leave(engine, worker_id)
            except Exception as error:  # the row then ages out after ALIVE_SECONDS
                log.warning("注销工作进程失败：%s", error)

        atexit.register(leave)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self.settled:
            self._settle()
        if self.heartbeat and self.worker_id is None:
            self._join()
        app = self.current()
        if app is self.first:
            return self.first_wsgi(environ, start_response)
        return app.wsgi_app(environ, start_response)


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def _retire(old: Flask | None, freeze: bool) -> None:
    """After a rebuild: release the old app (the first one stays: its entry wraps the others), then
    settle the process again."""
    if old is not None:
        from models import db

        with old.app_context():
            db.session.remove()
            db.engine.dispose()
    if freeze:
        _freeze()
