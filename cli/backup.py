"""``flask --app app backup DIR``: the backup of services/backup.py from the command line.

It runs whatever state the criteria pack is in: with a pack that does not load, the platform's
settings say where the database, the evidence and the pack folder are, and the backup goes on.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import ScriptInfo

from criteria import CriteriaError
from settings import default_config


def _source() -> Any:
    from services.backup import BackupSource

    try:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    except CriteriaError:
        click.echo("注意：考核标准未通过校验，按环境变量中的配置备份（数据库、证明材料和考核标准目录照常备份）。", err=True)
        return BackupSource.from_config(default_config())
    return BackupSource.from_config(app.config)


@click.command("backup")
@click.argument("directory", type=click.Path(path_type=Path))
def backup_command(directory: Path) -> None:
    """Back up the database, the evidence files and the criteria pack into a new folder under DIRECTORY."""
    from services.backup import BackupFailed, run_backup, summary

    try:
        folder, manifest = run_backup(_source(), directory, click.echo)
    except BackupFailed as failed:
        click.echo(failed.message, err=True)
        sys.exit(1)
    database = manifest["database"]
    if not database["file"]:
        click.echo(f"数据库未备份（{database['check']}）。证明材料、考核标准和 manifest.json 已写入 {folder}。", err=True)
        click.echo("请在装有 PostgreSQL 客户端（与服务器同一主版本）的机器上运行：", err=True)
        click.echo(f"  {database['instructions']}", err=True)
        click.echo("需要密码时用 PGPASSWORD 环境变量或 ~/.pgpass 提供。", err=True)
        sys.exit(1)
    click.echo("备份完成。")
    for line in summary(folder, manifest):
        click.echo(line)
