"""``flask --app app criteria check | plan | apply | versions | score``.

``plan`` and ``apply`` read the pack folder as it is now (``CRITERIA_PACK``), record its state as a
criteria version when it is new, and compare the tables generated from it with the database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from criteria import CriteriaError, Pack, load_pack

criteria_group = AppGroup("criteria", help="考核标准（criteria 包）工具")


@criteria_group.command("check")
@click.argument("pack_dir", required=False, type=click.Path(file_okay=False))
def check(pack_dir: str | None) -> None:
    """Validate PACK_DIR (default: the configured pack); exit 1 with every problem if invalid."""
    target = pack_dir or current_app.config["CRITERIA_PACK"]
    try:
        pack = load_pack(target)
    except CriteriaError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found; the pack was not loaded.", err=True)
        sys.exit(1)
    items = sum(len(k.items) for k in pack.kinds.values())
    click.echo(
        f"OK: pack {pack.code} {pack.version}: {len(pack.kinds)} kinds ({', '.join(pack.kinds)}), "
        f"{items} items, {len(pack.districts)} districts, {len(pack.roles)} roles"
    )


def disk_pack(source: str = "cli") -> Pack:
    """The configured pack as its files are now, recorded as a version when the state is new."""
    from models import db
    from models.criteria_versions import ensure_version

    pack = load_pack(current_app.config["CRITERIA_PACK"])
    ensure_version(db.session, pack, source, "命令行读取考核标准时发现文件与最新版本不同" if source == "cli" else None)
    return pack


def _loaded_or_exit() -> Pack:
    try:
        return disk_pack()
    except CriteriaError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"考核标准有 {len(error.problems)} 处错误，未做任何修改。", err=True)
        sys.exit(1)


def stored_versions() -> Callable[[int], tuple[int, Pack | None]]:
    """A stored version's number and pack (None when today's checks refuse it), for the plan."""
    from models import CriteriaVersion, db
    from models.criteria_versions import VersionUnloadable

    versions = current_app.extensions["criteria_versions"]

    def look(version_id: int) -> tuple[int, Pack | None]:
        row = db.session.get(CriteriaVersion, version_id)
        try:
            return (row.number if row else version_id), versions.pack(db.session, version_id)
        except (VersionUnloadable, LookupError):
            return (row.number if row else version_id), None

    return look


@criteria_group.command("plan")
def plan() -> None:
    """Show what the database needs for the pack (new tables or columns; drops marked destructive)."""
    from models import db
    from models.schema_sync import plan as plan_changes

    pack = _loaded_or_exit()
    with db.engine.connect() as connection:
        found = plan_changes(connection, pack, stored_versions())
    if found.empty:
        click.echo("数据库结构与考核标准一致，无需变更。")
        return
    for line in found.lines():
        click.echo(line)
    click.echo(f"共 {len(found.steps)} 项结构变更。")
    if found.destructive:
        click.echo(
            f"其中 {len(found.destructive)} 项会删除或改动已有数据：criteria apply 会拒绝执行，"
            "确认后停止平台，用 criteria apply --force（执行前先写备份）。"
        )
    if found.kept:
        click.echo(f"其中 {len(found.kept)} 项会删除已有考核仍显示和打印的字段内容：还须加 --drop-stored-version-fields。")


def apply_pack(
    pack: Pack, force: bool, backup_dir: Path, echo: Callable[[str], None], drop_stored: bool = False
) -> tuple[list[str], Path | None]:
    """Apply what ``pack`` needs; a forced destructive change writes a backup first, and a drop of
    data that records of stored versions still show needs ``drop_stored`` as well. Returns the
    lines applied and the backup folder (if one was written)."""
    from commands.backup import backup_before_change
    from models import db
    from models.schema_sync import apply as apply_changes

    written: list[Path] = []

    def backup() -> None:
        echo(f"执行破坏性变更前先备份到 {backup_dir}")
        written.append(backup_before_change(backup_dir, echo))

    db.session.commit()  # nothing of this session holds a lock while the schema changes
    try:
        done = apply_changes(db.engine, pack, force=force, backup=backup, stored=stored_versions(), drop_stored=drop_stored)
    finally:
        db.session.rollback()  # the version look-ups hold no transaction afterwards
    return done.lines(), (written[0] if written else None)


@criteria_group.command("apply")
@click.option("--force", is_flag=True, help="执行会删除或改动已有数据的变更（先写备份；请先停止平台）")
@click.option(
    "--drop-stored-version-fields",
    "drop_stored",
    is_flag=True,
    help="与 --force 一起：也删除已有考核按其考核标准版本仍显示和打印的字段内容",
)
@click.option(
    "--backup-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="破坏性变更前的备份目录（默认 BACKUP_DIR，即 var/backups）",
)
def apply(force: bool, drop_stored: bool, backup_dir: Path | None) -> None:
    """Create (and, with --force, drop) the tables and columns the pack needs, in one transaction."""
    from sqlalchemy.exc import SQLAlchemyError

    from commands.backup import BackupFailed
    from models.schema_sync import ChangeRefused

    pack = _loaded_or_exit()
    try:
        done, folder = apply_pack(pack, force, backup_dir or Path(current_app.config["BACKUP_DIR"]), click.echo, drop_stored)
    except (ChangeRefused, BackupFailed) as refused:
        click.echo(f"拒绝执行：{refused.message if isinstance(refused, BackupFailed) else refused}", err=True)
        sys.exit(1)
    except SQLAlchemyError as error:
        click.echo(f"执行结构变更时数据库报错，全部变更已撤销：{error}", err=True)
        sys.exit(1)
    for line in done:
        click.echo(line)
    if folder:
        click.echo(f"备份：{folder}")
    click.echo(
        f"已完成 {len(done)} 项结构变更；重启平台后新的字段和考核类别出现在界面中。" if done else "数据库结构与考核标准一致，无需变更。"
    )


@criteria_group.command("versions")
def versions() -> None:
    """List the stored criteria versions of the configured pack, newest first."""
    from models import CriteriaVersion, db

    code = current_app.extensions["criteria_pack"].code
    rows = db.session.query(CriteriaVersion).filter_by(pack_code=code).order_by(CriteriaVersion.number.desc()).all()
    for row in rows:
        who = row.created_by.username if row.created_by else "系统"
        click.echo(
            f"第{row.number}版  {row.created_on:%Y-%m-%d %H:%M}  {row.pack_version}  {row.content_hash[:12]}  "
            f"{row.source_label}  {who}  {row.note or ''}".rstrip()
        )
    if not rows:
        click.echo("尚未记录考核标准版本（请先运行 flask --app app db upgrade）。")


@criteria_group.command("score")
@click.argument("kind")
def score(kind: str) -> None:
    """Score one assessment of KIND from JSON on stdin; print the total, grade and item points as JSON."""
    import json

    from models.criteria_versions import active_pack
    from scoring import ScoreInputError, score_kind

    try:
        payload = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as exc:
        click.echo(f"输入不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}", err=True)
        sys.exit(2)
    try:
        result = score_kind(active_pack(), kind, payload)
    except ScoreInputError as problem:
        click.echo(f"输入有误：{problem}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
