"""``flask --app app report KIND ID -o FILE.pdf`` and ``report batch --kind KIND --period P -o DIR``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from jobs.print_forms import print_each, printed, record_ids
from models import db
from models.scope import EVERYTHING


class ReportGroup(AppGroup):
    """`report KIND ID` renders one form; `report batch ...` renders many."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and args[0] not in self.commands:
            return "form", self.commands["form"], args
        return super().resolve_command(ctx, args)


report_group = ReportGroup("report", help="打印考核表（PDF）")


@report_group.command("certificate")
def certificate() -> None:
    """Make a self-signed signing certificate at FORM_SIGNING_P12 unless one is there (development)."""
    from services.form_signing import write_development_certificate

    path = Path(current_app.config["FORM_SIGNING_P12"])
    if write_development_certificate(path, current_app.extensions["criteria_pack"].name):
        click.echo(f"已生成开发测试用签名证书 {path}（自签名，仅用于开发和测试；正式环境请配置 FORM_SIGNING_P12）")


@report_group.command("form", hidden=True)
@click.argument("kind_code")
@click.argument("record_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PDF 文件")
@click.option("--blank", is_flag=True, help="空白表（现场填写）")
def form(kind_code: str, record_id: int, output: str, blank: bool) -> None:
    """Render the form of one assessment."""
    pack = current_app.extensions["criteria_pack"]
    if kind_code not in pack.kinds:
        click.echo(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）", err=True)
        sys.exit(2)
    record = db.session.get(current_app.extensions["kind_models"][kind_code].assessment, record_id)
    if record is None:
        click.echo(f"未找到 {pack.kinds[kind_code].name} 第 {record_id} 号记录", err=True)
        sys.exit(2)
    Path(output).write_bytes(printed(record, blank))
    click.echo(f"已生成 {output}")


@report_group.command("batch")
@click.option("--kind", "kind_code", required=True, help="考核类别代码，如 general")
@click.option("--period", required=True, help="考核年度，如 2026")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="输出目录")
def batch(kind_code: str, period: str, output: str) -> None:
    """Render every assessment of a kind and period; a failure on one is reported and the rest go on."""
    pack = current_app.extensions["criteria_pack"]
    if kind_code not in pack.kinds:
        click.echo(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）", err=True)
        sys.exit(2)
    ids = record_ids(kind_code, period, None, EVERYTHING)
    target = Path(output)
    target.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=len(ids), label=f"生成{pack.kinds[kind_code].short_name}表", file=sys.stderr) as bar:
        failures = print_each(kind_code, ids, lambda name, data: (target / name).write_bytes(data), lambda done, label: bar.update(1))
    click.echo(f"已生成 {len(ids) - len(failures)} 份，失败 {len(failures)} 份，输出目录 {target}")
    for failure in failures:
        click.echo(failure, err=True)
    if failures:
        sys.exit(1)
