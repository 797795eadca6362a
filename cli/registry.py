"""``flask --app app registry import FILE``: load a construction-permit registry export."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from models import db
from registry import ImportReport, RegistryFile, RegistryFileError, import_rows, open_registry
from registry.importer import BATCH_SIZE

registry_group = AppGroup("registry", help="项目登记：导入施工许可平台的项目数据")
PROGRESS_FROM = 500  # rows; shorter files import without a progress bar


def _run(source: RegistryFile) -> ImportReport:
    pack = current_app.extensions["criteria_pack"]
    total = source.total or 0
    if total < PROGRESS_FROM:
        return import_rows(db.session, pack, source)
    with click.progressbar(length=total, label="导入中", show_pos=True, file=sys.stderr) as bar:
        shown = 0

        def progress(done: int) -> None:
            nonlocal shown
            step = min(done, total) - shown
            if step > 0:
                bar.update(step)
                shown += step

        return import_rows(db.session, pack, source, progress)


@registry_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """导入 FILE（CSV、XLSX 或 JSON）：按施工许可证号新建或更新项目，按统一社会信用代码新建或更新企业。"""
    try:
        source = open_registry(file)
    except RegistryFileError as error:
        click.echo(f"无法导入 {file}：{error}", err=True)
        sys.exit(1)
    try:
        report = _run(source)
    except RegistryFileError as error:  # the file broke off part-way (for example a damaged XLSX)
        db.session.rollback()
        click.echo(f"读取 {file} 时中断：{error}", err=True)
        click.echo(f"此前已完成的批次（每批 {BATCH_SIZE} 行）已保存，其余未导入；修正文件后重新导入即可。", err=True)
        sys.exit(1)
    click.echo(report.summary())
    if report.enterprises_created or report.enterprises_renamed:
        click.echo(f"企业：新建 {report.enterprises_created}，更新名称 {report.enterprises_renamed}")
    for rejection in report.rejections:
        click.echo(str(rejection))
