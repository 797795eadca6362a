"""Two requests that race for real: each runs in its own thread (its own database connection) and is
held at its first write until every one has got there, so all have read and checked before any wrote."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import event

from models import db

WRITES = ("INSERT", "UPDATE", "DELETE")


class FirstWritesHeld:
    """Holds each named thread at its first INSERT, UPDATE or DELETE until every one has got there."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.barrier = threading.Barrier(len(names), timeout=60)  # a safety net against a hang, not a timing check
        self.held: set[str] = set()

    def __call__(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        thread = threading.current_thread()
        if thread.name not in self.names or getattr(thread, "held", False):
            return
        if statement.lstrip().split(" ", 1)[0].upper() in WRITES:
            thread.held = True
            self.held.add(thread.name)
            self.barrier.wait()


def run_threads(work: dict[str, Callable[[], None]], target: object, name: str, hold: Callable[..., None]) -> None:
    """Run each of ``work`` in a thread of its name, with ``hold`` listening to ``target``'s event
    ``name`` meanwhile."""
    event.listen(target, name, hold)
    try:
        threads = [threading.Thread(target=call, name=thread) for thread, call in work.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        event.remove(target, name, hold)


def race(app: Flask, work: dict[str, Callable[[], None]]) -> set[str]:
    """Run each of ``work`` in its own thread, held at its first write until all are there; returns
    the names of the threads that were held (all of them, when they really raced)."""
    hold = FirstWritesHeld(tuple(work))
    with app.app_context():
        engine = db.engine
    run_threads(work, engine, "before_cursor_execute", hold)
    return hold.held
