"""``flask platform sync``: write what the running pack needs in its database.

Starting the platform writes nothing (``create_app`` only assembles). This is the explicit step that
``start.sh``, the test fixtures and a deployment run after ``flask db upgrade``:

1. the schema of the guide: a header table for every kind any stored version declares, their
   columns and the kinds' unique keys (additive steps only; a step that drops or alters anything
   waits for ``criteria apply``);
2. the roles of the pack and the permissions of every screen and API;
3. the districts of the pack;
4. in a database that holds no version of the pack, the seed folder as its first version (never
   otherwise: the database, not the folder, holds the guide).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from criteria.pack import Kind
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


def sync_schema(kinds: list[Kind]) -> tuple[list[Step], list[Step]]:
    """Apply the additive steps ``kinds`` need in one transaction; returns (applied, waiting)."""
    with db.engine.connect() as connection:
        steps = plan(connection, kinds).steps
    additive = [step for step in steps if isinstance(step.operation, ADDITIVE)]
    if additive:
        apply_steps(db.engine, kinds, lambda step: isinstance(step.operation, ADDITIVE))
    return additive, [step for step in steps if not isinstance(step.operation, ADDITIVE)]


def sync_access(app: Flask) -> int:
    """The roles of the app's pack, the permissions of its screens and APIs, and its districts (also
    run by a worker that reloads after a structural revision). Returns how many districts changed."""
    with app.app_context():
        app.appbuilder.sm.create_roles()
        app.appbuilder.add_permissions(update_perms=True)
        return sync_districts(db.session, app.extensions["criteria_pack"])


def sync(app: Flask) -> SyncReport:
    """Everything above, in order; raises SyncRefused before writing anything when the database's
    migrations have not run."""
    if not migrations_current(app):
        raise SyncRefused("数据库结构不是最新版本：请先运行 flask --app app db upgrade，再运行 flask --app app platform sync")
    report = SyncReport()
    db.session.commit()  # nothing of this session holds a lock while the schema changes
    applied, waiting = sync_schema(list(app.extensions["guide"].kinds.values()))
    report.schema, report.waiting = [s.text for s in applied], [s.text for s in waiting]
    report.districts = sync_access(app)
    versions = app.extensions["criteria_versions"]
    report.version, report.new_version = versions.seed(db.session)
    report.unloadable = versions.unloadable(db.session)
    for line in report.unloadable:
        log.error("%s", line)
    db.session.commit()
    return report
