"""Compare the live schema with the tables the pack needs, and apply additive changes.

This is how a new assessment kind declared in YAML gets its tables without a hand-written
migration: Alembic's autogenerate compares the generated models with the database, and the
resulting operations run in one transaction. Operations that drop anything are refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from alembic.autogenerate import produce_migrations
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from flask_appbuilder import Model
from sqlalchemy.engine import Connection, Engine

from criteria.pack import Pack
from models.assessments import pack_tables

ADDITIVE = (ops.CreateTableOp, ops.AddColumnOp, ops.CreateIndexOp, ops.CreateForeignKeyOp, ops.CreateUniqueConstraintOp)


def kept_table(name: str) -> bool:
    """Tables no plan proposes to drop: Alembic's own, and assessment tables of kinds the pack does
    not declare (another pack's kinds, or a retired kind: assessment records are kept for years)."""
    return name == "alembic_version" or name.startswith("assessment_")


class DestructiveChange(Exception):
    """The database holds tables or columns the pack no longer declares."""


def _context(connection: Connection, pack: Pack) -> MigrationContext:
    wanted = {table.name for table in pack_tables(pack)}

    def include_object(obj: object, name: str, type_: str, reflected: bool, compare_to: object) -> bool:
        if type_ == "table":
            return name in wanted or (reflected and compare_to is None and not kept_table(name))
        return True

    return MigrationContext.configure(
        connection,
        opts={"include_object": include_object, "compare_type": True,
              "render_as_batch": connection.dialect.name == "sqlite"},
    )


def _leaves(operations: list[ops.MigrateOperation]) -> Iterator[ops.MigrateOperation]:
    for operation in operations:
        if hasattr(operation, "ops"):
            yield from _leaves(operation.ops)
        else:
            yield operation


def pending(connection: Connection, pack: Pack) -> list[ops.MigrateOperation]:
    """The operations that would bring the database to what ``pack`` needs."""
    script = produce_migrations(_context(connection, pack), Model.metadata)
    return list(_leaves(script.upgrade_ops.ops))


def describe(operation: ops.MigrateOperation) -> str:
    """One line, in Chinese, for the admin who reviews the plan."""
    if isinstance(operation, ops.CreateTableOp):
        return f"新建数据表 {operation.table_name}（{len(operation.columns)} 列）"
    if isinstance(operation, ops.AddColumnOp):
        return f"数据表 {operation.table_name} 新增字段 {operation.column.name}"
    if isinstance(operation, ops.CreateIndexOp):
        return f"数据表 {operation.table_name} 新建索引 {operation.index_name}"
    if isinstance(operation, ops.DropTableOp):
        return f"删除数据表 {operation.table_name}（破坏性变更）"
    if isinstance(operation, ops.DropColumnOp):
        return f"删除字段 {operation.table_name}.{operation.column_name}（破坏性变更）"
    return f"{type(operation).__name__}（需人工确认）"


def apply(engine: Engine, pack: Pack) -> list[str]:
    """Apply the additive operations in one transaction; refuse if any would drop or alter data."""
    with engine.begin() as connection:
        operations = pending(connection, pack)
        refused = [op for op in operations if not isinstance(op, ADDITIVE)]
        if refused:
            raise DestructiveChange("；".join(describe(op) for op in refused))
        runner = Operations(_context(connection, pack))
        for operation in operations:
            runner.invoke(operation)
    return [describe(op) for op in operations]
