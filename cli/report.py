"""``flask --app app report KIND ID -o FILE.pdf`` and ``report batch --kind KIND --period P -o DIR``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from models import db
from models.criteria_versions import kind_for, pack_for


class ReportGroup(AppGroup):
    """`report KIND ID` renders one form; `report batch ...` renders many."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and args[0] not in self.commands:
            return "form", self.commands["form"], args
        return super().resolve_command(ctx, args)


report_group = ReportGroup("report", help="打印考核表（PDF）")


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")


@report_group.command("form", hidden=True)
@click.argument("kind_code")
@click.argument("record_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PDF 文件")
@click.option("--blank", is_flag=True, help="空白表（现场填写）")
def form(kind_code: str, record_id: int, output: str, blank: bool) -> None:
    """Render the form of one assessment."""
    from services.render_form import render_record

    pack = current_app.extensions["criteria_pack"]
    if kind_code not in pack.kinds:
        click.echo(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）", err=True)
        sys.exit(2)
    record = db.session.get(current_app.extensions["kind_models"][kind_code].assessment, record_id)
    if record is None:
        click.echo(f"未找到 {pack.kinds[kind_code].name} 第 {record_id} 号记录", err=True)
        sys.exit(2)
    Path(output).write_bytes(render_record(db.session, pack_for(record), kind_for(record), record, blank, _base_url()))
    click.echo(f"已生成 {output}")


@report_group.command("batch")
@click.option("--kind", "kind_code", required=True, help="考核类别代码，如 general")
@click.option("--period", required=True, help="考核年度，如 2026")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="输出目录")
def batch(kind_code: str, period: str, output: str) -> None:
    """Render every assessment of a kind and period; a failure on one is reported and the rest go on."""
    from reports.memory import steady_memory
    from services.render_form import file_name, render_record

    pack = current_app.extensions["criteria_pack"]
    if kind_code not in pack.kinds:
        click.echo(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）", err=True)
        sys.exit(2)
    kind = pack.kinds[kind_code]
    model = current_app.extensions["kind_models"][kind_code].assessment
    ids = [pk for (pk,) in db.session.query(model.id).filter(model.period == period).order_by(model.id)]
    target = Path(output)
    target.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    with click.progressbar(ids, label=f"生成{kind.short_name}考核表", file=sys.stderr) as bar, steady_memory() as after_form:
        for pk in bar:
            try:
                record = db.session.get(model, pk)
                name = f"{pk:06d}_{file_name(kind, record)}".replace("/", "_")
                (target / name).write_bytes(render_record(db.session, pack_for(record), kind_for(record), record, False, _base_url()))
            except Exception as exc:  # one bad record must not stop the batch
                db.session.rollback()
                failures.append(f"第 {pk} 号记录：{exc}")
            finally:
                db.session.expunge_all()  # keep memory flat over thousands of records
                after_form()
    click.echo(f"已生成 {len(ids) - len(failures)} 份，失败 {len(failures)} 份，输出目录 {target}")
    for failure in failures:
        click.echo(failure, err=True)
    if failures:
        sys.exit(1)
