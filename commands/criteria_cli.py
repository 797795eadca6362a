"""``flask --app app criteria check [PACK_DIR]``: validate a pack and print every problem."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from criteria import CriteriaError, load_pack

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


@criteria_group.command("plan")
def plan() -> None:
    """Show what the database needs for the configured pack (new tables or columns)."""
    from models import db
    from models.schema_sync import describe, pending

    with db.engine.connect() as connection:
        operations = pending(connection, current_app.extensions["criteria_pack"])
    if not operations:
        click.echo("数据库结构与考核标准一致，无需变更。")
        return
    for operation in operations:
        click.echo(describe(operation))


@criteria_group.command("apply")
def apply() -> None:
    """Create the tables and columns the configured pack needs, in one transaction."""
    from models import db
    from models.schema_sync import DestructiveChange
    from models.schema_sync import apply as apply_changes

    try:
        done = apply_changes(db.engine, current_app.extensions["criteria_pack"])
    except DestructiveChange as refused:
        click.echo(f"拒绝执行：以下变更会删除或改动已有数据，未做任何修改：{refused}", err=True)
        sys.exit(1)
    for line in done:
        click.echo(line)
    click.echo(f"已完成 {len(done)} 项结构变更。" if done else "数据库结构与考核标准一致，无需变更。")


@criteria_group.command("score")
@click.argument("kind")
def score(kind: str) -> None:
    """Score one assessment of KIND from JSON on stdin; print the total, grade and item points as JSON."""
    import json

    from scoring import ScoreInputError, score_kind

    try:
        payload = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as exc:
        click.echo(f"输入不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}", err=True)
        sys.exit(2)
    try:
        result = score_kind(current_app.extensions["criteria_pack"], kind, payload)
    except ScoreInputError as problem:
        click.echo(f"输入有误：{problem}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
