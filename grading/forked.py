"""The passes of a full recompute planned in forked processes, each pass in one of them.

A pass (the enterprises of one id range) is read, graded and compared with its stored grades on the
child's own connection; only what the pass would write travels back, which is nothing on a warm
recompute. Forked, a child starts with the guide and the mapped classes the parent already built.
The parent writes nothing here: it collects the passes in order and writes them afterwards, in its
own transaction, as an in-process recompute does.

A child holds only the thread that forked it. The parent's other threads (a serving process's
heartbeat, the job worker's watcher) touch the database for a moment every few seconds; a child
forked in that moment could wait for a lock no thread of its own will release. It then stops the
recompute after ``PASS_TIMEOUT`` with nothing written, and the next attempt starts over.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

SpanT = TypeVar("SpanT")
PlanT = TypeVar("PlanT")

PASS_TIMEOUT = 900  # seconds a child may take over one pass before the recompute stops with an error

_work: tuple[Engine, Callable[[Session, Any], Any], Sequence[Any]] | None = None  # set before the fork


def can_fork(session: Session) -> bool:
    """Whether children can read what the session reads: a database another connection opens (not
    SQLite's in-memory one), on a system that forks."""
    database = session.connection().engine.url
    in_memory = database.get_backend_name() == "sqlite" and database.database in (None, "", ":memory:")
    return not in_memory and "fork" in multiprocessing.get_all_start_methods()


def _child_started() -> None:
    # A child does not run the handlers its parent installed (a gunicorn or job worker's: on SIGTERM
    # they only mark the process as stopping), so stopping the pool stops it; Ctrl+C is the parent's.
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's pooled connections stay the parent's: the child opens its own (SQLAlchemy's
    # advice for a forked process), with the engine's settings (SQLite's pragmas) as they are.
    _work[0].dispose(close=False)  # type: ignore[index]


def _child_pass(index: int) -> Any:
    engine, plan_one, spans = _work  # type: ignore[misc]
    with Session(bind=engine, autoflush=False) as session:
        return plan_one(session, spans[index])


def planned(session: Session, spans: Sequence[SpanT], plan_one: Callable[[Session, SpanT], PlanT], processes: int) -> Iterator[PlanT]:
    """``plan_one`` of each span in ``processes`` forked children, yielded in the order of ``spans``.
    Children read what is committed: the caller's session must hold no unwritten change."""
    global _work
    _work = (session.connection().engine, plan_one, spans)
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_child_started)
    finished = False
    try:
        results = pool.imap(_child_pass, range(len(spans)))
        for number in range(1, len(spans) + 1):
            try:
                yield results.next(PASS_TIMEOUT)
            except multiprocessing.TimeoutError:
                raise RuntimeError(f"重算的第 {number} 批企业超过 {PASS_TIMEOUT} 秒仍未完成，已停止，未写入任何等次") from None
        finished = True
    finally:
        if finished:
            pool.close()  # the children leave when the queue tells them to
        else:
            pool.terminate()
        pool.join()
        _work = None
