"""The passes of a full recompute planned in forked processes, each pass in one of them.

A pass (the enterprises of one id range) is read, graded and compared with its stored grades on the
child's own connection; only what the pass would write travels back, which is nothing on a warm
recompute. Forked, a child starts with the guide and the mapped classes the parent already built.
Children write nothing: the parent takes the passes in order and writes them in its own
transaction (``grading.store.plan``: on PostgreSQL each as it arrives, elsewhere after the last).

A child holds only the thread that forked it. The parent's other threads (a serving process's
heartbeat, the job worker's watcher) touch the database for a moment every few seconds; a child
forked in that moment could wait for a lock no thread of its own will release. It then stops the
recompute after ``PASS_TIMEOUT`` with nothing written, and the next attempt starts over.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
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
    # they only mark the process as stopping), so stopping it stops it; Ctrl+C is the parent's.
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's pooled connections stay the parent's: the child opens its own (SQLAlchemy's
    # advice for a forked process), with the engine's settings (SQLite's pragmas) as they are.
    _work[0].dispose(close=False)  # type: ignore[index]


def _child(number: int, count: int, sender: Connection) -> None:
    """Child ``number`` of ``count`` plans every ``count``-th span from its own, each sent as it is done:
    ``(True, plan)``, or ``(False, the exception)`` and nothing more."""
    _child_started()
    engine, plan_one, spans = _work  # type: ignore[misc]
    try:
        for index in range(number, len(spans), count):
            with Session(bind=engine, autoflush=False) as session:
                sender.send((True, plan_one(session, spans[index])))
    except BaseException as error:  # the parent raises it
        try:
            sender.send((False, error))
        except Exception:  # an exception that does not pickle: its text
            sender.send((False, RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        sender.close()


def planned(session: Session, spans: Sequence[SpanT], plan_one: Callable[[Session, SpanT], PlanT], processes: int) -> Iterator[PlanT]:
    """``plan_one`` of each span in ``processes`` forked children, yielded in the order of ``spans``;
    a child's exception is raised here. Children read what is committed: the caller's session must
    hold no unwritten change.

    A process and a pipe per child, not ``multiprocessing.Pool``: a pool stopped early (a child's
    exception) takes its task queue's lock, which an idle worker holds while it waits for a task,
    and it hung that way in a test run."""
    global _work
    _work = (session.connection().engine, plan_one, spans)
    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    count = min(processes, len(spans))
    finished = False
    try:
        for number in range(count):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(number, count, sender), daemon=True)
            child.start()
            sender.close()
            children.append((child, receiver))
        for index in range(len(spans)):
            _, receiver = children[index % count]
            if not receiver.poll(PASS_TIMEOUT):
                raise RuntimeError(f"重算的第 {index + 1} 批企业超过 {PASS_TIMEOUT} 秒仍未完成，已停止，未写入任何等次")
            try:
                done, value = receiver.recv()
            except EOFError:
                raise RuntimeError(f"重算第 {index + 1} 批企业的子进程意外退出，已停止，未写入任何等次") from None
            if not done:
                raise value
            yield value
        finished = True
    finally:
        for child, receiver in children:
            if not finished and child.is_alive():  # stopped early: it may be planning, or waiting to send
                child.terminate()
            child.join()  # done: it leaves after its last pass
            receiver.close()
        _work = None
