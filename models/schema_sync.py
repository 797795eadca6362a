"""What the database needs for a pack, and applying it in one transaction.

A revision that adds a header field, or a whole kind, needs new columns or tables; one that
removes them leaves columns and tables behind. Alembic's autogenerate comparison of the tables
generated from the pack (``models.schema_metadata``) with the live schema gives the operations.
Each is described in Chinese and marked destructive when it drops or alters a table or column
that holds data: those run only when forced, after a backup. Dropping a header field's column whose
data belongs to records of a stored criteria version that declares the field (those records still
show and print it) is refused even when forced, unless that loss is asked for explicitly. Everything runs in one transaction
(PostgreSQL has transactional DDL; SQLite too, on a connection that opens the transaction itself,
with Alembic's batch mode where SQLite cannot alter a table in place).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from alembic.autogenerate import produce_migrations
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from sqlalchemy import MetaData, create_engine, event, func, select, table
from sqlalchemy import column as sql_column
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from criteria.pack import HeaderField, Kind, Pack
from criteria.schema import FIELD_TYPE_LABELS
from models.aggregate import assessment_table
from models.assessments import one_per_period_index, schema_metadata
from models.core import Enterprise, Project

# Alembic's own bookkeeping is never part of the comparison.
IGNORED_TABLES = {"alembic_version"}
# Operations SQLite runs only by copying the table (Alembic batch mode).
BATCH_ONLY = (ops.DropColumnOp, ops.AlterColumnOp, ops.DropConstraintOp, ops.CreateForeignKeyOp, ops.CreateUniqueConstraintOp)


def kept_table(name: str) -> bool:
    """Tables no plan proposes to drop: Alembic's own, and assessment tables of kinds the pack does
    not declare (another pack's kinds, or a retired kind: assessment records are kept for years)."""
    return name in IGNORED_TABLES or name.startswith("assessment_")


class ChangeRefused(Exception):
    """The plan holds destructive steps and was not forced, or their backup failed."""


# (stored version id) -> (its number, the pack it holds, or None when it no longer loads)
StoredVersions = Callable[[int], tuple[int, "Pack | None"]]


@dataclass(frozen=True)
class Step:
    operation: ops.MigrateOperation
    text: str  # Chinese, for the admin who reviews the plan
    destructive: bool = False  # drops or alters a table or column that holds data
    rows: int = 0  # how many rows hold the data concerned
    kept_by: tuple[int, ...] = ()  # numbers of stored versions whose records hold the dropped field's data


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.steps

    @property
    def destructive(self) -> list[Step]:
        return [step for step in self.steps if step.destructive]

    @property
    def kept(self) -> list[Step]:
        """Destructive steps that drop data records of stored versions still show."""
        return [step for step in self.steps if step.kept_by]

    def lines(self) -> list[str]:
        return [f"{'【破坏性】' if step.destructive else ''}{step.text}" for step in self.steps]


def _context(connection: Connection, metadata: MetaData) -> MigrationContext:
    wanted = set(metadata.tables)

    def include_object(obj: object, name: str, type_: str, reflected: bool, compare_to: object) -> bool:
        if type_ == "table":
            return name not in IGNORED_TABLES and (name in wanted or (reflected and compare_to is None and not kept_table(name)))
        return True

    return MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": True})


def _leaves(operations: list[ops.MigrateOperation]) -> Iterator[ops.MigrateOperation]:
    for operation in operations:
        if hasattr(operation, "ops"):
            yield from _leaves(operation.ops)
        else:
            yield operation


def pending(connection: Connection, kinds: list[Kind]) -> list[ops.MigrateOperation]:
    """The operations that would bring the database to what ``kinds`` need (every kind and header
    field of every stored version: ``models.guide.layout_kinds``)."""
    metadata = schema_metadata(kinds)
    script = produce_migrations(_context(connection, metadata), metadata)
    return list(_leaves(script.upgrade_ops.ops))


def _count(connection: Connection, table_name: str, column_name: str | None = None) -> int:
    target = table(table_name, *([sql_column(column_name)] if column_name else []))
    query = select(func.count()).select_from(target)
    if column_name:
        query = query.where(target.c[column_name].is_not(None))
    return connection.scalar(query) or 0


def _kept_by(connection: Connection, operation: ops.DropColumnOp, stored: StoredVersions | None) -> tuple[int, ...]:
    """Stored versions that declare the dropped column as a header field of the table's kind and
    whose records hold data in it (a version that no longer loads counts: it cannot be ruled out)."""
    if stored is None or not operation.table_name.startswith("assessment_") or operation.table_name == "assessment_item":
        return ()
    kind_code = operation.table_name.removeprefix("assessment_")
    header = table(operation.table_name, sql_column("id"), sql_column(operation.column_name))
    core = table("assessment", sql_column("id"), sql_column("criteria_version_id"))
    ids = (
        connection.execute(
            select(core.c.criteria_version_id)
            .distinct()
            .select_from(core.join(header, header.c.id == core.c.id))
            .where(header.c[operation.column_name].is_not(None))
        )
        .scalars()
        .all()
    )
    found = []
    for version_id in ids:
        number, pack = stored(version_id)
        kind = pack.kinds.get(kind_code) if pack is not None else None
        if pack is None or (kind is not None and any(f.code == operation.column_name for f in kind.header_fields)):
            found.append(number)
    return tuple(sorted(found))


def field_type_label(field: HeaderField) -> str:
    """A header field's type as an administrator reads it: 整数, 文本（最多 40 字）."""
    label = FIELD_TYPE_LABELS.get(field.type, field.type)
    return f"{label}（最多 {field.length} 字）" if field.type == "string" else label


def _step(connection: Connection, operation: ops.MigrateOperation, kinds: dict[str, Kind], stored: StoredVersions | None = None) -> Step:
    if isinstance(operation, ops.CreateTableOp):
        kind = kinds.get(operation.table_name.removeprefix("assessment_"))
        if kind is not None:
            fields = len(kind.header_fields)
            return Step(operation, f"新增考核类别“{kind.short_name}”（{fields} 个表头字段；数据表 {operation.table_name}）")
        return Step(operation, f"新建数据表 {operation.table_name}（{len(operation.columns)} 列）")
    if isinstance(operation, ops.AddColumnOp):
        kind = kinds.get(operation.table_name.removeprefix("assessment_"))
        field = next((f for f in kind.header_fields if f.code == operation.column.name), None) if kind is not None else None
        if field is not None:
            where = f"数据表 {operation.table_name} 字段 {field.code}"
            return Step(operation, f"{kind.short_name}新增表头字段“{field.label}”（{field_type_label(field)}；{where}）")
        return Step(operation, f"数据表 {operation.table_name} 新增字段 {operation.column.name}（{operation.column.type}）")
    if isinstance(operation, ops.CreateIndexOp):
        unique = "唯一索引（已有重复记录时执行失败，不做任何修改）" if operation.unique else "索引"
        return Step(operation, f"数据表 {operation.table_name} 新建{unique} {operation.index_name}")
    if isinstance(operation, ops.DropIndexOp):
        return Step(operation, f"数据表 {operation.table_name} 删除索引 {operation.index_name}")
    if isinstance(operation, ops.DropTableOp):
        rows = _count(connection, operation.table_name)
        held = f"，其中有 {rows} 条记录" if rows else "（无记录）"
        return Step(operation, f"删除数据表 {operation.table_name}{held}", rows > 0, rows)
    if isinstance(operation, ops.DropColumnOp):
        rows = _count(connection, operation.table_name, operation.column_name)
        held = f"，有 {rows} 条记录填写了该字段" if rows else "（该字段没有数据）"
        kept = _kept_by(connection, operation, stored) if rows else ()
        if kept:
            held += f"（第 {'、'.join(map(str, kept))} 版考核标准仍有该字段，按其填报的考核仍显示和打印这些内容）"
        return Step(operation, f"删除字段 {operation.table_name}.{operation.column_name}{held}", rows > 0, rows, kept)
    if isinstance(operation, ops.AlterColumnOp):
        rows = _count(connection, operation.table_name, operation.column_name)
        parts = []
        if operation.modify_type is not None:
            parts.append(f"类型 {operation.existing_type} → {operation.modify_type}")
        if operation.modify_nullable is not None:
            parts.append("允许为空" if operation.modify_nullable else "不允许为空")
        held = f"，有 {rows} 条记录填写了该字段" if rows else "（该字段没有数据）"
        return Step(
            operation, f"修改字段 {operation.table_name}.{operation.column_name}：{'，'.join(parts) or '属性'}{held}", rows > 0, rows
        )
    name = getattr(operation, "table_name", "")
    return Step(operation, f"数据表 {name} 的约束变更（{type(operation).__name__}）".replace("数据表  的", ""))


def plan(connection: Connection, kinds: list[Kind], stored: StoredVersions | None = None) -> Plan:
    """Every step the database needs for ``kinds``, each marked destructive or not (and, with
    ``stored``, which drops lose data of records of stored versions)."""
    by_code = {kind.code: kind for kind in kinds}
    return Plan([_step(connection, operation, by_code, stored) for operation in pending(connection, kinds)])


def _begin_copying(connection: Connection) -> None:
    """SQLite: batch mode copies a table and drops the old one, which must not cascade to the rows
    that refer to it, so foreign keys are off on this connection (before its transaction begins)."""
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that DDL takes part in. pysqlite commits DDL outside transactions it opens
    itself, so SQLite gets a connection of its own that issues BEGIN (SQLAlchemy's documented
    recipe); PostgreSQL's DDL is transactional as it is."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    dedicated = create_engine(engine.url, poolclass=NullPool)
    event.listen(dedicated, "connect", lambda dbapi, _record: setattr(dbapi, "isolation_level", None))
    event.listen(dedicated, "begin", _begin_copying)
    try:
        with dedicated.begin() as connection:
            yield connection
    finally:
        dedicated.dispose()


def _doubled(connection: Connection, operation: ops.CreateIndexOp) -> str | None:
    """For a new one-per-period key of a kind: the records that already break it, named (None when
    none do, or when the index is another one). The index could not be built over them."""
    name = operation.index_name or ""
    kind_code = name.removeprefix("uq_assessment_").removesuffix("_subject_period")
    if not operation.unique or operation.table_name != "assessment" or name != one_per_period_index(kind_code):
        return None
    core = assessment_table
    columns = [c if isinstance(c, str) else c.name for c in operation.columns]
    subject = next(c for c in columns if c != "period")
    owner = Project.__table__ if subject == "project_id" else Enterprise.__table__
    groups = connection.execute(
        select(owner.c.name, core.c.period, func.count(), func.min(core.c.id), func.max(core.c.id))
        .join(owner, owner.c.id == core.c[subject])
        .where(core.c.kind == kind_code)
        .group_by(core.c[subject], owner.c.name, core.c.period)
        .having(func.count() > 1)
        .order_by(owner.c.name, core.c.period)
        .limit(20)
    ).all()
    if not groups:
        return None
    shown = "；".join(f"{who} {period} 年度 {count} 份（编号 {low} 至 {high}）" for who, period, count, low, high in groups)
    return (
        f"考核类别“{kind_code}”改为每个年度只能有一份，但已有同一年度的多份记录，未做任何修改：{shown}。"
        "请先删除多余的草稿或退回的记录，再保存或应用该考核标准"
    )


def _run(connection: Connection, steps: list[Step]) -> None:
    runner = Operations(MigrationContext.configure(connection))
    sqlite = connection.dialect.name == "sqlite"
    for step in steps:
        operation = step.operation
        if isinstance(operation, ops.CreateIndexOp) and (problem := _doubled(connection, operation)):
            raise ChangeRefused(problem)
        if sqlite and isinstance(operation, BATCH_ONLY):
            with runner.batch_alter_table(operation.table_name) as batch:
                batch.invoke(operation)
        else:
            runner.invoke(operation)


def apply_steps(engine: Engine, kinds: list[Kind], chosen: Callable[[Step], bool]) -> list[Step]:
    """Apply the steps of the plan for ``kinds`` that ``chosen`` accepts, in one transaction (the plan
    is made again inside it, so what runs is what the database needs then)."""
    with transaction(engine) as connection:
        steps = [step for step in plan(connection, kinds).steps if chosen(step)]
        _run(connection, steps)
    return steps


def apply(
    engine: Engine,
    kinds: list[Kind],
    force: bool = False,
    backup: Callable[[], object] | None = None,
    runner: Callable[[Connection, list[Step]], None] = _run,
    stored: StoredVersions | None = None,
    drop_stored: bool = False,
) -> Plan:
    """Apply the plan for ``kinds`` in one transaction and return it.

    Destructive steps are refused unless ``force``; forced, ``backup`` runs first and must succeed
    (it raises when it cannot write a complete backup). A drop of data that records of stored
    versions still show is refused unless ``drop_stored`` too. Nothing changes when anything fails."""
    with engine.connect() as connection:
        found = plan(connection, kinds, stored)
    if found.empty:
        return found
    if found.kept and not drop_stored:
        raise ChangeRefused(
            "以下变更会删除仍在使用的考核数据，未做任何修改（已有考核按其考核标准版本显示和打印这些字段；"
            "确需删除，请在停止平台后运行 flask --app app criteria apply --force "
            "--drop-stored-version-fields，执行前会先备份）：" + "；".join(step.text for step in found.kept)
        )
    if found.destructive:
        if not force:
            raise ChangeRefused(
                "以下变更会删除或改动已有数据，未做任何修改（确认后加 --force 执行，执行前会先备份）："
                + "；".join(step.text for step in found.destructive)
            )
        if backup is None:
            raise ChangeRefused("破坏性变更必须先备份，未做任何修改")
        backup()
    with transaction(engine) as connection:
        again = plan(connection, kinds, stored)  # inside the transaction: what is applied is what was checked
        if [s.text for s in again.destructive] != [s.text for s in found.destructive]:
            raise ChangeRefused("数据库在检查后发生了变化，未做任何修改；请重新查看变更计划")
        runner(connection, again.steps)
    return again
