"""Command-line tools (``flask --app app ...``): thin doors over the services.

``criteria`` and ``backup`` are also installed as Flask command plugins (pyproject.toml), so
``flask`` runs them without starting the platform: ``criteria check`` works on a broken pack and
without a database, and ``backup`` works whatever state the pack is in. The others need the app.
"""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    # Imported here: `flask criteria check` imports cli.criteria alone, not the platform.
    from cli.backup import backup_command
    from cli.criteria import criteria_group
    from cli.demo import demo_command
    from cli.grades import grades_group
    from cli.jobs import jobs_group
    from cli.platform import platform_group
    from cli.registry import registry_group
    from cli.report import report_group
    from cli.storage import storage_group

    for command in (
        backup_command,
        criteria_group,
        demo_command,
        grades_group,
        jobs_group,
        platform_group,
        registry_group,
        report_group,
        storage_group,
    ):
        app.cli.add_command(command)
