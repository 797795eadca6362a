"""Applying the schema the guide needs (``criteria plan`` / ``criteria apply``, and the editor's 结构变更).

What the database keeps is every kind and header field of every stored version of the pack
(``services.guide_revision.needed_kinds``), so a revision never drops a column that records still
use. A destructive step (a type change, a column no version declares) runs only when forced, after a
complete backup, with no worker of the platform running.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app

from criteria import Pack
from models import CriteriaVersion, db, workers
from models.criteria_versions import VersionUnloadable
from models.schema_sync import ChangeRefused, Plan, plan
from services.backup import BackupSource, backup_before_change
from services.guide_revision import needed_kinds


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
    """What the database needs for ``pack`` and the stored versions of its pack, read-only."""
    kinds = needed_kinds(pack)
    with db.engine.connect() as connection:
        return plan(connection, kinds, stored_versions())


def apply_pack(
    pack: Pack, force: bool, backup_dir: Path, echo: Callable[[str], None], drop_stored: bool = False
) -> tuple[list[str], Path | None]:
    """Apply what ``pack`` and the stored versions need; a forced destructive change writes a backup
    first, and a drop of data that records of stored versions still show needs ``drop_stored`` as
    well; a forced change is refused while any serving process of the platform is alive. Returns the
    lines applied and the backup folder (if one was written)."""
    from models.schema_sync import apply as apply_changes

    written: list[Path] = []

    def backup() -> None:
        echo(f"执行破坏性变更前先备份到 {backup_dir}")
        written.append(backup_before_change(BackupSource.from_config(current_app.config), backup_dir, echo))

    if force:
        serving = workers.alive(db.session)
        if serving:
            raise ChangeRefused(
                f"平台仍有 {len(serving)} 个工作进程在运行（{'；'.join(map(str, serving))}），未做任何修改："
                f"会删除或改动数据的结构变更须先停止平台的全部工作进程（停止后约 {workers.ALIVE_SECONDS} 秒内不再计为运行）"
            )
    kinds = needed_kinds(pack)
    db.session.commit()  # nothing of this session holds a lock while the schema changes
    try:
        done = apply_changes(db.engine, kinds, force=force, backup=backup, stored=stored_versions(), drop_stored=drop_stored)
    finally:
        db.session.rollback()  # the version look-ups hold no transaction afterwards
    return done.lines(), (written[0] if written else None)
