"""Assessments keep the scorer's verdict of their final state (the result column)

Every generated assessment table gets a nullable JSON column ``result``. The tables are found in the
live schema (``assessment_<kind>`` beside its ``_item`` table), so the revision serves any pack.
Records approved before it have no stored result; recomputing the grades scores them once and
stores it.

Revision ID: 5a0c2e7d91b4
Revises: df0d2a27a6ad
Create Date: 2026-11-23 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5a0c2e7d91b4'
down_revision = 'df0d2a27a6ad'
branch_labels = None
depends_on = None


def _assessment_tables() -> list[str]:
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return sorted(n for n in names if n.startswith("assessment_") and f"{n}_item" in names)


def upgrade():
    for table in _assessment_tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('result', sa.JSON(), nullable=True))


def downgrade():
    for table in _assessment_tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('result')
