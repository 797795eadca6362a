"""``flask --app app platform sync``: the explicit step that writes what the running pack needs."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from services.platform_sync import SyncRefused, sync

platform_group = AppGroup("platform", help="平台部署与同步")


@platform_group.command("sync")
def sync_command() -> None:
    """Create the guide's tables and columns, the roles and permissions, the districts, and in an empty
    database record the pack folder as the first criteria version (after flask db upgrade; start.sh
    runs both)."""
    try:
        report = sync(current_app._get_current_object())
    except SyncRefused as refused:
        click.echo(str(refused), err=True)
        sys.exit(1)
    for line in report.schema:
        click.echo(f"结构：{line}")
    for line in report.waiting:
        click.echo(f"待执行（需 flask --app app criteria apply）：{line}")
    if report.districts:
        click.echo(f"辖区：更新 {report.districts} 个")
    number = report.version.number if report.version else "?"
    click.echo(f"考核标准：{'记录为' if report.new_version else '当前为'}第 {number} 版")
    guide = current_app.extensions["guide"]
    if not report.new_version and guide.seed.content_hash != guide.active.content_hash:
        click.echo(
            f"提示：考核标准目录 {current_app.config['CRITERIA_PACK']} 与数据库中的当前版本不同，平台使用数据库中的版本；"
            "如要采用目录中的内容，请运行 flask --app app criteria import 该目录"
        )
    for line in report.unloadable:
        click.echo(f"警告：{line}", err=True)
    click.echo("平台同步完成。")
