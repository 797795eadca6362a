"""``flask --app app criteria check | schema | score | grades | import | export | plan | apply | versions``.

``check``, ``schema``, ``score`` and ``grades`` need neither the platform nor a database: they read a pack folder and work
on a broken pack too (installed as a Flask command plugin, so ``flask`` does not start the platform
for them). The database holds the guide: ``import`` records a folder's state as a new version,
``export`` writes a stored version out; ``plan`` and ``apply`` bring the schema to what the stored
versions need.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from criteria import CriteriaError, Pack, load_pack
from criteria.problems_zh import problem_zh
from settings import default_pack

criteria_group = click.Group("criteria", help="考核标准（criteria 包）工具")


def _load_or_exit(folder: str | Path) -> Pack:
    """The pack of ``folder``, or its problems in Chinese (file, line, what was expected) and exit 1."""
    try:
        return load_pack(folder)
    except CriteriaError as error:
        for problem in error.problems:
            click.echo(problem_zh(problem), err=True)
        click.echo(f"考核标准有 {len(error.problems)} 处问题，未载入：{folder}", err=True)
        sys.exit(1)


@criteria_group.command("check", help="校验考核标准目录（默认 CRITERIA_PACK）：列出每处问题的文件、行号和位置，有问题时退出码为 1")
@click.argument("pack_dir", required=False, type=click.Path(file_okay=False))
def check(pack_dir: str | None) -> None:
    """Validate PACK_DIR (default: CRITERIA_PACK); every problem with its file and line, exit 1 if any."""
    pack = _load_or_exit(pack_dir or default_pack())
    items = sum(len(k.items) for k in pack.kinds.values())
    click.echo(
        f"校验通过：考核标准 {pack.code}（{pack.name}）{pack.version}：{len(pack.kinds)} 个考核类别（{'、'.join(pack.kinds)}），"
        f"{items} 个考核项目，{len(pack.districts)} 个{pack.term('district')}，{len(pack.roles)} 个角色"
    )


@criteria_group.command("schema", help="把考核标准各类文件的结构说明（JSON Schema，每个键附中文说明）写到目录，供其他编辑器提示和校验")
@click.argument("out_dir", type=click.Path(file_okay=False))
def schema(out_dir: str) -> None:
    """Write the JSON Schema of each pack file role (pack, districts, roles, grading, kind) to OUT_DIR."""
    from criteria.json_schema import FILES, file_schema

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for role, (_schema, title) in FILES.items():
        target = folder / f"{role}.schema.json"
        target.write_text(json.dumps(file_schema(role), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"{title}：{target}")


@criteria_group.command("score", help="按考核标准为一份考核计分：从标准输入读 JSON，输出总分、等次和各项得分")
@click.argument("kind")
@click.option("--pack", "pack_dir", type=click.Path(file_okay=False), help="考核标准目录（默认 CRITERIA_PACK）")
def score(kind: str, pack_dir: str | None) -> None:
    """Score one assessment of KIND from JSON on stdin; print the total, grade and item points as JSON."""
    from scoring import score_kind

    _answer_json(pack_dir, lambda pack, payload: score_kind(pack, kind, payload).as_json())


def _answer_json(pack_dir: str | None, answer: Callable[[Pack, Any], Any]) -> None:
    """Read JSON on stdin, print ``answer(pack, payload)`` as JSON; bad JSON or bad input (a
    ScoreInputError, naming the part) exits 2 with the reason in Chinese."""
    from scoring import ScoreInputError

    pack = _load_or_exit(pack_dir or default_pack())
    try:
        payload = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as exc:
        click.echo(f"输入不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}", err=True)
        sys.exit(2)
    try:
        shown = answer(pack, payload)
    except ScoreInputError as problem:
        click.echo(f"输入有误：{problem}", err=True)
        sys.exit(2)
    click.echo(json.dumps(shown, ensure_ascii=False, indent=2))


@criteria_group.command(
    "grades",
    help="按考核标准计算一个企业一个年度的各项综合评价：从标准输入读 JSON（各类考核结果、项目、日常考核、动态调整），输出得分、等次和依据",
)
@click.option("--pack", "pack_dir", type=click.Path(file_okay=False), help="考核标准目录（默认 CRITERIA_PACK）")
def grades(pack_dir: str | None) -> None:
    """Grade one enterprise's period from JSON on stdin (scoring.grades_input); print every final grade."""
    from scoring.final import enterprise_grades
    from scoring.grades_input import read_enterprise

    def graded(pack: Pack, payload: Any) -> dict[str, Any]:
        found = enterprise_grades(pack, *read_enterprise(pack, payload))
        return {
            "grades": {code: grade.as_json() for code, grade in found.grades.items()},
            "projects": {key: grade.as_json() for key, grade in found.projects.items()},
        }

    _answer_json(pack_dir, graded)


def _active_pack() -> Pack:
    return current_app.extensions["criteria_versions"].active(_session()).pack


def _session() -> Any:
    from models import db

    return db.session


@criteria_group.command("import", help="把考核标准目录的内容记录为数据库中的新版本（新建考核随即使用）")
@click.argument("pack_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--note", default="", help="变更说明（默认：从目录导入）")
@click.option("--restore", is_flag=True, help="目录内容与某个较早的版本相同时，仍按恢复该版本记录为新版本")
@with_appcontext
def import_folder(pack_dir: str, note: str, restore: bool) -> None:
    """Record the state of PACK_DIR as the newest version of its pack."""
    from models import CriteriaVersion
    from models.criteria_edits import EditRefused
    from services.guide_revision import record

    pack = _load_or_exit(pack_dir)
    same = (
        _session()
        .query(CriteriaVersion)
        .filter_by(pack_code=pack.code, content_hash=pack.content_hash)
        .order_by(CriteriaVersion.number.desc())
        .first()
    )
    newest = _session().query(CriteriaVersion).filter_by(pack_code=pack.code).order_by(CriteriaVersion.number.desc()).first()
    if same is not None and newest is not None and same.number == newest.number:
        click.echo(f"目录内容与当前版本（第 {newest.number} 版）相同，未导入。")
        return
    if same is not None and not restore:
        click.echo(f"目录内容与较早的第 {same.number} 版相同，未导入；如要恢复为该版本，请加 --restore。", err=True)
        sys.exit(1)
    source = "restore" if same is not None else "import"
    try:
        saved = record(pack, source, note or (f"恢复为第 {same.number} 版" if same is not None else f"从目录 {pack_dir} 导入"), None, None)
    except EditRefused as refused:
        click.echo(refused.summary, err=True)
        for line in refused.problems:
            click.echo(line, err=True)
        sys.exit(1)
    for line in saved.schema:
        click.echo(f"结构：{line}")
    click.echo(f"已导入考核标准 {pack.code}，记录为第 {saved.version.number} 版。")
    if pack.code != current_app.extensions["criteria_pack"].code:
        running = current_app.extensions["criteria_pack"].code
        click.echo(f"提示：本平台运行的是 {running}；要运行 {pack.code}，请把 CRITERIA_PACK 设为该目录。")


@criteria_group.command("export", help="把数据库中的考核标准版本（默认当前版本）写到目录")
@click.argument("target_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "number", type=int, default=None, help="版本号（默认当前版本）")
@with_appcontext
def export_folder(target_dir: Path, number: int | None) -> None:
    """Write the files of a stored version (default: the newest) to TARGET_DIR."""
    from models import CriteriaVersion

    code = current_app.extensions["criteria_pack"].code
    query = _session().query(CriteriaVersion).filter_by(pack_code=code)
    row = query.filter_by(number=number).first() if number else query.order_by(CriteriaVersion.number.desc()).first()
    if row is None:
        click.echo(f"没有考核标准 {code} 的{f'第 {number} 版' if number else '版本'}。", err=True)
        sys.exit(1)
    target_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(row.files.items()):
        (target_dir / name).write_text(text, encoding="utf-8")
    click.echo(f"已把考核标准 {code} 第 {row.number} 版的 {len(row.files)} 个文件写到 {target_dir}")


@criteria_group.command("plan", help="查看数据库为各版本考核标准还需要的结构变更（只读）")
@with_appcontext
def plan() -> None:
    """Show what the database needs for the stored versions (new tables or columns; drops marked destructive)."""
    from services.schema_change import planned

    found = planned(_active_pack())
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


@criteria_group.command("apply", help="执行数据库为各版本考核标准需要的结构变更（破坏性变更须 --force，且平台须已停止）")
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
@with_appcontext
def apply(force: bool, drop_stored: bool, backup_dir: Path | None) -> None:
    """Create (and, with --force, drop) the tables and columns the stored versions need, in one transaction."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.schema_sync import ChangeRefused
    from services.backup import BackupFailed
    from services.schema_change import apply_pack

    try:
        done, folder = apply_pack(_active_pack(), force, backup_dir or Path(current_app.config["BACKUP_DIR"]), click.echo, drop_stored)
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
    click.echo(f"已完成 {len(done)} 项结构变更。" if done else "数据库结构与考核标准一致，无需变更。")


@criteria_group.command("versions", help="列出数据库中本平台考核标准的各个版本（新的在前）")
@with_appcontext
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
        click.echo("尚未记录考核标准版本（请先运行 flask --app app platform sync）。")


if __name__ == "__main__":  # python -m cli.criteria check DIR: the pure commands without the flask launcher
    criteria_group(prog_name="python -m cli.criteria")
