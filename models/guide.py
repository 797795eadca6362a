"""The guide as the database holds it: the version a process starts on, and every kind and header
field any stored version declares.

The database is the source of truth. A process starts on the newest stored version of its pack (the
pack folder, ``CRITERIA_PACK``, only names the pack and seeds an empty database); it maps the header
fields of every stored version, so a record filed under an older version keeps every value it holds,
and a kind a later version dropped stays listed, readable and printable (it is *retired*: no new
records). Reading the guide writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from criteria import CriteriaError, Kind, Pack, load_snapshot
from criteria.problems_zh import problem_zh

log = logging.getLogger(__name__)

# Packs of stored versions this process has loaded, by (pack code, content hash): apps built again in
# one process (a reload, the tests) parse each stored state once.
_loaded: dict[tuple[str, str], Pack] = {}


@dataclass(frozen=True)
class StoredPack:
    """A stored version and the pack it holds."""

    id: int
    number: int
    pack: Pack


@dataclass(frozen=True)
class Guide:
    """What a process is built from."""

    seed: Pack  # the pack folder: it names the pack, and is the first version of an empty database
    active: Pack  # the newest stored version that loads (the seed while none is stored)
    active_id: int | None
    active_number: int | None
    stored: tuple[StoredPack, ...] = ()  # newest first
    kinds: dict[str, Kind] = field(default_factory=dict)  # every kind any version declares (the layout)

    @property
    def retired(self) -> frozenset[str]:
        """Kinds a stored version declares and the active one does not: no new records."""
        return frozenset(code for code in self.kinds if code not in self.active.kinds)

    def loaded(self) -> dict[int, Pack]:
        return {entry.id: entry.pack for entry in self.stored}


def stored_pack(files: dict[str, str], code: str, number: int, content_hash: str, seed: Pack) -> Pack:
    """The pack a stored version holds (CriteriaError when today's checks refuse it)."""
    key = (code, content_hash)
    if key not in _loaded:
        if content_hash == seed.content_hash:
            _loaded[key] = seed
        else:
            _loaded[key] = load_snapshot(files, code, f"{code}（第{number}版）", seed.path, fill_from=seed)
    return _loaded[key]


def layout_kinds(packs: list[Pack]) -> dict[str, Kind]:
    """Every kind of ``packs`` (newest first) as its newest declaration has it, with the header fields
    of every declaration: the newest one's in its order, then fields only older ones declare."""
    found: dict[str, Kind] = {}
    for pack in packs:
        for code, kind in pack.kinds.items():
            if code not in found:
                found[code] = kind
                continue
            known = {f.code for f in found[code].header_fields}
            older = tuple(f for f in kind.header_fields if f.code not in known)
            if older:
                found[code] = replace(found[code], header_fields=found[code].header_fields + older)
    return found


def read_stored(connection: Connection, seed: Pack) -> list[StoredPack]:
    """Every stored version of the seed's pack that loads, newest first (one that does not is logged
    and left out: its records say so where they are opened)."""
    if not inspect(connection).has_table("criteria_version"):
        return []
    from models.criteria_versions import CriteriaVersion as V

    rows = connection.execute(
        select(V.id, V.number, V.content_hash, V.files).where(V.pack_code == seed.code).order_by(V.number.desc())
    ).all()
    found = []
    for version_id, number, content_hash, files in rows:
        try:
            found.append(StoredPack(version_id, number, stored_pack(files, seed.code, number, content_hash, seed)))
        except CriteriaError as error:
            log.error("考核标准第 %s 版无法载入：%s", number, problem_zh(error.problems[0]) if error.problems else "")
    return found


def guide_of(seed: Pack, stored: list[StoredPack]) -> Guide:
    if not stored:
        return Guide(seed, seed, None, None, (), dict(seed.kinds))
    newest = stored[0]
    return Guide(seed, newest.pack, newest.id, newest.number, tuple(stored), layout_kinds([s.pack for s in stored]))


def read_guide(database_url: str, seed: Pack) -> Guide:
    """The guide the database at ``database_url`` holds for the seed's pack (the seed alone when it
    holds none, or is not there yet)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return guide_of(seed, read_stored(connection, seed))
    finally:
        engine.dispose()
