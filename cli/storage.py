"""``flask --app app storage copy [FOLDER]``: move evidence from a local folder into the configured
bucket (FILE_STORAGE=s3://...), then check every file the database names."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from models import db
from services.storage_copy import copy_folder
from storage import evidence_store
from storage.config import bucket_of

storage_group = AppGroup("storage", help="证明材料存储（本机目录或对象存储）")


@storage_group.command("copy")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def copy_command(folder: Path | None) -> None:
    """把本机证明材料目录 FOLDER（默认 EVIDENCE_DIR）中的文件复制到 FILE_STORAGE 配置的对象存储，并逐一核对数据库引用的文件。"""
    config = current_app.config
    if bucket_of(config) is None:
        click.echo("FILE_STORAGE 未配置对象存储（s3://存储桶/前缀），证明材料已在本机目录中，无需复制。", err=True)
        sys.exit(2)
    source = folder or Path(config["EVIDENCE_DIR"])
    if not source.is_dir():
        click.echo(f"找不到证明材料目录：{source}", err=True)
        sys.exit(2)
    report = copy_folder(source, evidence_store(config), db.session, click.echo)
    for line in report.summary():
        click.echo(line)
    if not report.sound:
        sys.exit(1)
