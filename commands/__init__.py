"""Command-line tools: ``flask --app app criteria ...``, ``demo``, ``backup DIR`` and the others."""

from __future__ import annotations

from flask import Flask

from commands.backup import backup_command
from commands.criteria_cli import criteria_group
from commands.demo import demo_command
from commands.grades_cli import grades_group
from commands.registry_cli import registry_group
from commands.report_cli import report_group


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(criteria_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(grades_group)
    app.cli.add_command(registry_group)
    app.cli.add_command(report_group)
