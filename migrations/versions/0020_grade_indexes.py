"""The grade table's indexes for a full recompute: a pass reads the period's grades of a range of
enterprises through (period, enterprise_id); before, SQLite read them through the period's index,
every grade of the period on each pass. Three indexes that led with the same columns as another
are dropped (period; grade_code; enterprise_id), which every grade row written no longer updates.
No stored row changes.

Revision ID: 0020_grade_indexes
Revises: 0019_list_indexes
Create Date: 2026-12-07 08:00:00

"""
from alembic import op

revision = '0020_grade_indexes'
down_revision = '0019_list_indexes'
branch_labels = None
depends_on = None

DROPPED = (
    ('ix_final_grade_period', ['period']),
    ('ix_final_grade_grade_code', ['grade_code']),
    ('ix_final_grade_enterprise_id', ['enterprise_id']),
)


def upgrade():
    op.create_index('ix_final_grade_period_enterprise', 'final_grade', ['period', 'enterprise_id'], unique=False)
    for name, _ in DROPPED:
        op.drop_index(name, table_name='final_grade')


def downgrade():
    for name, columns in DROPPED:
        op.create_index(name, 'final_grade', columns, unique=False)
    op.drop_index('ix_final_grade_period_enterprise', table_name='final_grade')
