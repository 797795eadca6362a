"""Criteria versions: every accepted state of a pack, stored whole, and the pack each record uses.

The database is the source of truth for the guide (``models.guide``). A version holds the text of
every file of the pack, so an assessment pinned to it (its ``criteria_version_id``) is scored, shown
and printed by the rules it was filed under. New assessments use the newest version: the criteria
editor, ``criteria import`` and a restore each record one; a process never records a version from
its local files, except the seed of a database that holds none (``flask platform sync``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, deferred, relationship

from criteria import CriteriaError, Kind, Pack, load_snapshot
from criteria.problems_zh import problem_zh
from models.base import _now, current_user_id

log = logging.getLogger(__name__)

SOURCES = {
    "migration": "数据库升级",
    "sync": "平台同步",
    "startup": "平台启动",
    "seed": "初始考核标准",
    "import": "导入",
    "start": "基于其他考核标准新建",
    "cli": "命令行",
    "editor": "在线编辑",
    "restore": "恢复历史版本",
    "demo": "演示数据",
}


class CriteriaVersion(Model):
    """One accepted state of a pack: the text of all its files, and who recorded it when, and why."""

    __tablename__ = "criteria_version"
    __table_args__ = (UniqueConstraint("pack_code", "number"),)
    __audit_omit__ = frozenset({"files"})  # the audit row names the version; the texts stay here
    scope_admin_only = True

    id = Column(Integer, primary_key=True)
    pack_code = Column(String(40), nullable=False, index=True)
    number = Column(Integer, nullable=False)  # 1, 2, ... per pack
    content_hash = Column(String(64), nullable=False)
    pack_version = Column(String(40), nullable=False)  # the version pack.yaml declares
    kind_versions = Column(JSON, nullable=False)  # {kind code: version its file declares}
    files = deferred(Column(JSON, nullable=False))  # {file name: text}
    source = Column(String(20), nullable=False)  # a key of SOURCES
    note = Column(Text)
    created_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_by = relationship("AppUser")
    created_on = Column(DateTime, nullable=False, default=_now)

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    def __str__(self) -> str:
        return f"第 {self.number} 版"


def snapshot_values(pack: Pack) -> dict[str, Any]:
    """The stored form of a pack state (the migration that introduced versions writes it too)."""
    return {
        "pack_code": pack.code,
        "content_hash": pack.content_hash,
        "pack_version": pack.version,
        "kind_versions": {code: kind.version for code, kind in pack.kinds.items()},
        "files": dict(pack.files),
    }


def latest(session: Session, pack_code: str) -> CriteriaVersion | None:
    return session.scalars(
        select(CriteriaVersion).where(CriteriaVersion.pack_code == pack_code).order_by(CriteriaVersion.number.desc()).limit(1)
    ).first()


def add_version(
    session: Session, pack: Pack, source: str, note: str | None = None, user_id: int | None = None, number: int | None = None
) -> CriteriaVersion:
    """Add a new version holding ``pack`` (the caller commits). ``number``: the one the caller's check
    saw free; a version another process recorded meanwhile under it makes the insert fail (the unique
    key) instead of quietly taking the next number."""
    if number is None:
        newest = select(func.coalesce(func.max(CriteriaVersion.number), 0)).where(CriteriaVersion.pack_code == pack.code)
        number = session.scalar(newest) + 1
    version = CriteriaVersion(
        **snapshot_values(pack),
        number=number,
        source=source,
        note=note or None,
        created_by_fk=user_id if user_id is not None else current_user_id(),
    )
    session.add(version)
    session.flush()
    return version


def ensure_version(session: Session, pack: Pack, source: str, note: str | None = None) -> tuple[CriteriaVersion, bool]:
    """The latest version when it holds ``pack``, else a new one; commits a new one. Two processes
    starting at once may both try: the second finds the first one's row instead."""
    found = latest(session, pack.code)
    if found is not None and found.content_hash == pack.content_hash:
        return found, False
    try:
        version = add_version(session, pack, source, note)
        session.commit()
    except IntegrityError:
        session.rollback()
        found = latest(session, pack.code)
        if found is not None and found.content_hash == pack.content_hash:
            return found, False
        raise
    log.info("考核标准 %s 记录为第 %s 版（%s）", pack.code, version.number, SOURCES.get(source, source))
    return version, True


def record_label(kind: Kind, number: int) -> str:
    """The version an assessment shows and prints: the kind file's version, its hash, the pack version."""
    return f"{kind.version_label} 第{number}版"


class VersionUnloadable(Exception):
    """A stored version that today's checks refuse (stored by an older release of the platform):
    the records filed under it cannot be scored, shown or printed until it is mended."""

    def __init__(self, number: int, error: CriteriaError):
        self.number = number
        self.problems = error.problems
        first = problem_zh(error.problems[0]) if error.problems else "未知问题"
        more = f"等 {len(error.problems)} 处问题" if len(error.problems) > 1 else ""
        super().__init__(
            f"考核标准第 {number} 版无法按当前程序的校验规则载入（{first}{more}），"
            "按该版本填报的考核暂时无法打开、计分或打印；请联系系统管理员处理"
        )


@dataclass(frozen=True)
class Pinned:
    """A stored version and the pack it holds."""

    id: int | None
    number: int | None
    pack: Pack


class PackVersions:
    """The packs of stored versions for one app, built from their snapshots once and kept.

    ``running`` is the pack the process was built on (its screens, menus and permissions come from
    it: the newest stored version when it started). New assessments use the newest stored version,
    whatever the running one: a revision saved by any process is used by every process for its next
    new record (a header field a process does not map yet is left out of its forms until it reloads)."""

    def __init__(self, running: Pack, loaded: dict[int, Pack] | None = None):
        self.running = running
        self._packs: dict[int, Pack] = dict(loaded or {})
        self._refused: dict[int, VersionUnloadable] = {}

    def seed(self, session: Session) -> tuple[CriteriaVersion, bool]:
        """The newest stored version; in a database that holds none, the running pack (the seed
        folder) recorded as the first (``flask platform sync``). Returns it and whether it is new."""
        found = latest(session, self.running.code)
        if found is not None:
            return found, False
        version, new = ensure_version(session, self.running, "seed")
        self._packs[version.id] = self.running
        return version, new

    def running_id(self, session: Session) -> int | None:
        """The newest stored version that holds the running pack exactly (None before one is recorded)."""
        return session.scalar(
            select(CriteriaVersion.id)
            .where(CriteriaVersion.pack_code == self.running.code, CriteriaVersion.content_hash == self.running.content_hash)
            .order_by(CriteriaVersion.number.desc())
            .limit(1)
        )

    def pack(self, session: Session, version_id: int | None) -> Pack:
        """The pack a stored version holds (the running pack when the ids or contents agree);
        VersionUnloadable when today's checks refuse it."""
        if version_id is None:
            return self.running
        if version_id in self._refused:
            raise self._refused[version_id]
        found = self._packs.get(version_id)
        if found is None:
            row = session.get(CriteriaVersion, version_id)
            if row is None:
                raise LookupError(f"考核标准版本 {version_id} 不存在")
            if row.content_hash == self.running.content_hash:
                found = self.running
            else:
                try:
                    found = load_snapshot(
                        row.files, row.pack_code, f"{row.pack_code}（第{row.number}版）", self.running.path, fill_from=self.running
                    )
                except CriteriaError as error:
                    self._refused[version_id] = VersionUnloadable(row.number, error)
                    raise self._refused[version_id] from None
            self._packs[version_id] = found
        return found

    def unloadable(self, session: Session) -> list[str]:
        """One line for each stored version that records are filed under and that no longer loads,
        with how many records it holds."""
        from models.aggregate import assessment_table as table

        held = session.execute(select(table.c.criteria_version_id, func.count()).group_by(table.c.criteria_version_id)).all()
        lines = []
        for version_id, count in sorted(held, key=lambda row: (row[0] is None, row[0] or 0)):
            try:
                self.pack(session, version_id)
            except VersionUnloadable as refused:
                lines.append(f"{refused}（{count} 份考核使用该版本）")
        return lines

    def active(self, session: Session) -> Pinned:
        """The version new assessments are filed under: the newest stored one that loads (the running
        pack before ``flask platform sync`` recorded one)."""
        rows = session.execute(
            select(CriteriaVersion.id, CriteriaVersion.number)
            .where(CriteriaVersion.pack_code == self.running.code)
            .order_by(CriteriaVersion.number.desc())
        ).all()
        for version_id, number in rows:
            try:
                return Pinned(version_id, number, self.pack(session, version_id))
            except VersionUnloadable:
                continue  # new assessments never go to a version that does not load
        return Pinned(None, None, self.running)


# -- inside a request or command ---------------------------------------------------------------------


def _store() -> PackVersions:
    from flask import current_app

    return current_app.extensions["criteria_versions"]


def _session() -> Session:
    from models.base import db

    return db.session


def pack_for(record: Any) -> Pack:
    """The pack an assessment was filed under: its scoring, screens and printed form use it."""
    return _store().pack(_session(), getattr(record, "criteria_version_id", None))


def kind_for(record: Any) -> Kind:
    """The kind of an assessment as its version defines it."""
    code = record.kind or type(record).kind_code
    kind = pack_for(record).kinds.get(code)
    return kind if kind is not None else _store().running.kinds[code]


def active_version() -> Pinned:
    """The version new assessments use now."""
    return _store().active(_session())


def active_pack() -> Pack:
    return active_version().pack


def pinned_values(version: Pinned, kind: Kind) -> dict[str, Any]:
    """The columns that file a new assessment of ``kind`` under ``version``."""
    return {
        "criteria_pack": version.pack.code,
        "criteria_version": record_label(kind, version.number or 0),
        "criteria_version_id": version.id,
    }


def pin(record: Any, version: Pinned, kind: Kind) -> None:
    for key, value in pinned_values(version, kind).items():
        setattr(record, key, value)


def resolver() -> Callable[[Any], Pack]:
    """``pack_for`` bound to this app, for code that scores stored records outside a view."""
    store, session = _store(), _session()
    return lambda record: store.pack(session, getattr(record, "criteria_version_id", None))
