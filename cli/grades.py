"""``flask --app app grades recompute [--period P]``: rebuild the stored final grades."""

from __future__ import annotations

import datetime
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from grading import recompute
from models import db
from models.criteria_versions import active_pack

grades_group = AppGroup("grades", help="最终等次（考核评价）")


@grades_group.command("recompute")
@click.option("--period", default=lambda: str(datetime.date.today().year), show_default="今年", help="考核年度")
def recompute_command(period: str) -> None:
    """Recompute every final grade of PERIOD from the approved records and print what changed."""
    pack = active_pack()
    models = current_app.extensions["kind_models"]
    with click.progressbar(length=0, label=f"重算 {period} 年度等次", file=sys.stderr, show_pos=True) as bar:
        changes = recompute(db.session, pack, models, period, progress=lambda done: bar.update(1))
    for line in changes:
        click.echo(line)
    click.echo(f"重算完成：{len(changes)} 项等次发生变化。")
