"""Applying the schema a pack needs (``criteria plan`` / ``criteria apply``, and the editor's 结构变更).

The pack is read as its files are now; applying records that state as a criteria version (planning
records nothing). A destructive step runs only when forced, after a complete backup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app

from criteria import Pack, load_pack
from models import CriteriaVersion, db
from models.criteria_versions import VersionUnloadable, ensure_version
from models.schema_sync import Plan, plan
from services.backup import BackupSource, backup_before_change


def pack_on_disk() -> Pack:
    """The configured pack as its files are now (CriteriaError when they do not load)."""
    return load_pack(current_app.config["CRITERIA_PACK"])


def stored_versions() -> Callable[[int], tuple[int, Pack | None]]:
    """A stored version's number and pack (None when today's checks refuse it), for the plan."""
    versions = current_app.extensions["criteria_versions"]

    def look(version_id: int) -> tuple[int, Pack | None]:
        row = db.session.get(CriteriaVersion, version_id)
        try:
            return (row.number if row else version_id), versions.pack(db.session, version_id)
        except (VersionUnloadable, LookupError):
            return (row.number if row else version_id), None

    return look


def planned(pack: Pack) -> Plan:
    """What the database needs for ``pack``, read-only."""
    with db.engine.connect() as connection:
        return plan(connection, pack, stored_versions())


def apply_pack(
    pack: Pack, force: bool, backup_dir: Path, echo: Callable[[str], None], drop_stored: bool = False, source: str = "cli"
) -> tuple[list[str], Path | None]:
    """Apply what ``pack`` needs and record the pack as a version; a forced destructive change writes a
    backup first, and a drop of data that records of stored versions still show needs ``drop_stored``
    as well. Returns the lines applied and the backup folder (if one was written)."""
    from models.schema_sync import apply as apply_changes

    written: list[Path] = []

    def backup() -> None:
        echo(f"执行破坏性变更前先备份到 {backup_dir}")
        written.append(backup_before_change(BackupSource.from_config(current_app.config), backup_dir, echo))

    db.session.commit()  # nothing of this session holds a lock while the schema changes
    try:
        done = apply_changes(db.engine, pack, force=force, backup=backup, stored=stored_versions(), drop_stored=drop_stored)
    finally:
        db.session.rollback()  # the version look-ups hold no transaction afterwards
    ensure_version(db.session, pack, source, "应用结构变更时记录的考核标准" if done.steps else None)
    return done.lines(), (written[0] if written else None)
