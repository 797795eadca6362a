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
