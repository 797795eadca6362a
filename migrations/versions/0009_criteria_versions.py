"""Criteria versions: every accepted state of a pack, and each assessment pinned to one

Creates ``criteria_version`` (the text of every file of the pack, its hash, declared versions, who,
when, why) and gives every generated assessment table a ``criteria_version_id`` that refers to it.
Upgrading a database that holds assessments records the pack the platform runs as version 1 and
files every existing assessment under it (their stored totals, grades and version labels stay as
they are); an empty database gets its first version from ``flask platform sync``. Assessment tables are
found in the live schema, as in 0006.

Revision ID: 0009_criteria_versions
Revises: 0008_licence
Create Date: 2026-11-24 10:00:00

"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = '0009_criteria_versions'
down_revision = '0008_licence'
branch_labels = None
depends_on = None

COLUMN = "criteria_version_id"
NOTE = "升级数据库时记录的考核标准版本；此前的考核均归入此版本"


def _assessment_tables() -> list[str]:
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return sorted(n for n in names if n.startswith("assessment_") and f"{n}_item" in names)


def _running_pack():
    """The pack of the app running the upgrade (``flask db upgrade``), if any."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - Flask is always installed with the platform
        return None
    return current_app.extensions.get("criteria_pack") if has_app_context() else None


def _record_first_version(versions: sa.Table, tables: list[str]) -> int | None:
    bind = op.get_bind()
    held = sum(bind.scalar(sa.select(sa.func.count()).select_from(sa.table(t))) or 0 for t in tables)
    if not held:
        return None  # nothing to file: `flask platform sync` records the pack as the first version
    pack = _running_pack()  # only a database that already holds records says which pack they follow
    if pack is None:
        raise RuntimeError("升级需要知道现有考核所用的考核标准：请用 flask --app app db upgrade 运行")
    from models.criteria_versions import snapshot_values

    bind.execute(versions.insert().values(**snapshot_values(pack), number=1, source="migration", note=NOTE,
                                          created_on=datetime.datetime.now()))
    return bind.scalar(sa.select(versions.c.id).where(versions.c.pack_code == pack.code, versions.c.number == 1))


def upgrade():
    versions = op.create_table(
        'criteria_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pack_code', sa.String(length=40), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('pack_version', sa.String(length=40), nullable=False),
        sa.Column('kind_versions', sa.JSON(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by_fk', sa.Integer(), nullable=True),
        sa.Column('created_on', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pack_code', 'number'),
    )
    op.create_index('ix_criteria_version_pack_code', 'criteria_version', ['pack_code'])
    tables = _assessment_tables()
    version_id = _record_first_version(versions, tables)
    for table in tables:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(COLUMN, sa.Integer(), nullable=True))
        if version_id is not None:
            op.execute(sa.table(table, sa.column(COLUMN)).update().values({COLUMN: version_id}))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(COLUMN, existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(f"ix_{table}_{COLUMN}", [COLUMN])
            batch_op.create_foreign_key(f"fk_{table}_{COLUMN}", 'criteria_version', [COLUMN], ['id'])


def downgrade():
    for table in _assessment_tables():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_{COLUMN}", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_{COLUMN}")
            batch_op.drop_column(COLUMN)
    op.drop_index('ix_criteria_version_pack_code', table_name='criteria_version')
    op.drop_table('criteria_version')
