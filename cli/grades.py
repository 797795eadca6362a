"""``flask --app app grades recompute [--period P]``: rebuild the stored final grades."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from grading import PeriodFrozen, recompute
from models import db
from models.criteria_versions import active_version


def advance(bar: Any) -> Callable[[int, int], None]:
    """A recompute's progress (enterprises passed, their number) on a click progress bar."""

    def step(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)

    return step


grades_group = AppGroup("grades", help="最终等次（考核评价）")


@grades_group.command("recompute")
@click.option("--period", default=lambda: str(datetime.date.today().year), show_default="今年", help="考核年度")
def recompute_command(period: str) -> None:
    """Recompute every final grade of PERIOD from the approved records and print every grade whose
    label or score changed (a closed period is refused: its grades are frozen)."""
    version = active_version()
    models = current_app.extensions["kind_models"]
    try:
        with click.progressbar(length=0, label=f"重算 {period} 年度等次", file=sys.stderr, show_pos=True) as bar:
            changes = recompute(
                db.session,
                version.pack,
                models,
                period,
                progress=advance(bar),
                version_id=version.id,
                processes=current_app.config["RECOMPUTE_PROCESSES"],
            )
    except PeriodFrozen as frozen:
        click.echo(str(frozen), err=True)
        sys.exit(1)
    for line in changes:
        click.echo(line)
    click.echo(f"重算完成：{len(changes)} 项最终等次的等次或得分发生变化。")
