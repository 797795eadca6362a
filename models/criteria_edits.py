"""Recording a revision of the guide in the database: validate the whole pack, then store it as the
newest version, under a lock so saves of one pack take turns.

A save never leaves a half-changed guide: the edited texts are validated together with the rest of
the active version (``criteria.load_snapshot``, the code ``criteria check`` runs), and only a valid
pack is stored. Nothing is written to the pack folder: it is the seed and the exchange format
(``criteria import`` / ``criteria export``).

Saves take turns: on PostgreSQL each holds an advisory lock for its pack from reading the newest
version (the check that nobody saved since the editor opened it) until its row is committed; SQLite
has a single writer, and the unique version number refuses the second of two saves made at once.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from criteria import CriteriaError, Pack, load_snapshot
from criteria.problems_zh import problem_zh
from criteria.yaml_source import normalise
from models.criteria_versions import CriteriaVersion, add_version, latest


class EditRefused(Exception):
    """The change was not made; ``problems`` says why, in Chinese (file, line, path, message)."""

    def __init__(self, summary: str, problems: list[str] | None = None):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []


CHANGED_MEANWHILE = "（可能是其他管理员保存了新版本），本次内容未保存。请重新打开，在最新内容上修改。"


def text_hash(value: str) -> str:
    """What an edit form remembers of the text it showed (to notice a save made meanwhile)."""
    return hashlib.sha256(normalise(value).encode("utf-8")).hexdigest()


@contextmanager
def revision_lock(engine: Engine, pack_code: str) -> Iterator[None]:
    """Hold the pack's revision lock (waiting for a save in progress to finish). PostgreSQL: a
    session advisory lock on a connection of its own, so the saving session may commit meanwhile."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = zlib.crc32(f"criteria:{pack_code}".encode())
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


@dataclass(frozen=True)
class Candidate:
    """A validated state of the pack, not yet stored."""

    pack: Pack
    files: dict[str, str]
    changed: tuple[str, ...]  # files whose text differs from the newest version


def candidate(base: CriteriaVersion, texts: dict[str, str], seed: Pack, allow_same: bool = False) -> Candidate:
    """The pack of ``base`` with ``texts`` (file name -> new text) put in; EditRefused (with every
    problem in Chinese: file, line, item) when it does not validate or changes nothing."""
    files = {**base.files, **{name: normalise(value) for name, value in texts.items()}}
    try:
        pack = load_snapshot(files, base.pack_code, base.pack_code, seed.path)
    except CriteriaError as error:
        raise EditRefused(
            f"考核标准校验未通过，共 {len(error.problems)} 处问题，未保存：", [problem_zh(p) for p in error.problems]
        ) from None
    outside = [name for name in texts if name not in pack.files]
    if outside:
        raise EditRefused(f"{'、'.join(outside)} 不是 pack.yaml 列出的考核标准文件，未保存。")
    kept = {name: files[name] for name in pack.files}  # a file pack.yaml no longer lists is not kept
    changed = tuple(name for name in kept if base.files.get(name) != kept[name])
    if not changed and not allow_same and pack.content_hash == base.content_hash:
        raise EditRefused("内容与当前考核标准相同，没有需要保存的修改。")
    return Candidate(pack, kept, changed)


def store(session: Session, pack: Pack, source: str, note: str, user_id: int | None, base_number: int | None) -> CriteriaVersion:
    """Add the version holding ``pack`` after ``base_number`` (refused when another save came first)
    and commit it."""
    found = latest(session, pack.code)
    if base_number is not None and found is not None and found.number != base_number:
        raise EditRefused(f"考核标准在您打开后已记录了第 {found.number} 版{CHANGED_MEANWHILE}")
    try:
        # the number after the newest one read above: SQLite has no revision lock, and a save that
        # committed since that read must make this insert fail, not take the next number
        version = add_version(session, pack, source, note.strip(), user_id, (found.number if found else 0) + 1)
        session.commit()
    except IntegrityError:  # another process recorded a version of this pack meanwhile
        session.rollback()
        raise EditRefused(f"考核标准在您保存的同时记录了新版本{CHANGED_MEANWHILE}") from None
    return version
