"""``flask platform sync``: write what the running pack needs in its database.

Starting the platform writes nothing (``create_app`` only assembles). This is the explicit step that
``start.sh``, the test fixtures and a deployment run after ``flask db upgrade``:

1. the pack's schema: a header table for every kind, its new columns and the kinds' unique keys
   (additive steps only; a step that drops or alters anything waits for ``criteria apply``);
2. the roles of the pack and the permissions of every screen and API;
3. the districts of the pack;
4. the pack's state as a criteria version, when no stored version holds it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from criteria.pack import Pack
from models import db
from models.criteria_versions import CriteriaVersion
from models.pack_sync import sync_districts
from models.schema_sync import Step, apply_steps, plan

log = logging.getLogger(__name__)
ADDITIVE = (ops.CreateTableOp, ops.AddColumnOp, ops.CreateIndexOp)


class SyncRefused(Exception):
    """The database is not ready for the pack (for example its migrations have not run)."""


@dataclass
class SyncReport:
    schema: list[str] = field(default_factory=list)  # steps applied
    waiting: list[str] = field(default_factory=list)  # steps left for `criteria apply`
    districts: int = 0
    version: CriteriaVersion | None = None
    new_version: bool = False
    unloadable: list[str] = field(default_factory=list)  # stored versions records use that no longer load


def migrations_current(app: Flask) -> bool:
    """Whether the database is at the newest Alembic revision."""
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def sync_schema(pack: Pack) -> tuple[list[Step], list[Step]]:
    """Apply the additive steps ``pack`` needs in one transaction; returns (applied, waiting)."""
    with db.engine.connect() as connection:
        steps = plan(connection, pack).steps
    additive = [step for step in steps if isinstance(step.operation, ADDITIVE)]
    if additive:
        apply_steps(db.engine, pack, lambda step: isinstance(step.operation, ADDITIVE))
    return additive, [step for step in steps if not isinstance(step.operation, ADDITIVE)]


def sync(app: Flask) -> SyncReport:
    """Everything above, in order; raises SyncRefused before writing anything when the database's
    migrations have not run."""
    if not migrations_current(app):
        raise SyncRefused("数据库结构不是最新版本：请先运行 flask --app app db upgrade，再运行 flask --app app platform sync")
    pack: Pack = app.extensions["criteria_pack"]
    report = SyncReport()
    db.session.commit()  # nothing of this session holds a lock while the schema changes
    applied, waiting = sync_schema(pack)
    report.schema, report.waiting = [s.text for s in applied], [s.text for s in waiting]
    appbuilder = app.appbuilder
    appbuilder.sm.create_roles()
    appbuilder.add_permissions(update_perms=True)
    report.districts = sync_districts(db.session, pack)
    versions = app.extensions["criteria_versions"]
    report.version, report.new_version = versions.note_running(db.session, "sync")
    report.unloadable = versions.unloadable(db.session)
    for line in report.unloadable:
        log.error("%s", line)
    db.session.commit()
    return report
