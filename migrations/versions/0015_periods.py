"""Periods that close: ``period`` (open, closed, published) and the criteria version each
final grade was computed under (``final_grade.criteria_version_id``).

Every period stays open (no row); grades computed before this revision keep an empty version
("未记录"): which version was in force then is not known.

Revision ID: 0015_periods
Revises: 0014_platform_worker
Create Date: 2026-12-06 05:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_periods'
down_revision = '0014_platform_worker'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('criteria_version_id', sa.Integer(), nullable=True),
        sa.Column('closed_on', sa.DateTime(), nullable=True),
        sa.Column('closed_by_fk', sa.Integer(), nullable=True),
        sa.Column('published_on', sa.DateTime(), nullable=True),
        sa.Column('published_by_fk', sa.Integer(), nullable=True),
        sa.Column('changed_on', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['criteria_version_id'], ['criteria_version.id']),
        sa.ForeignKeyConstraint(['closed_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['published_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('period'),
    )
    with op.batch_alter_table('final_grade') as batch:
        batch.add_column(sa.Column('criteria_version_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_final_grade_criteria_version', 'criteria_version', ['criteria_version_id'], ['id'])


def downgrade():
    with op.batch_alter_table('final_grade') as batch:
        batch.drop_constraint('fk_final_grade_criteria_version', type_='foreignkey')
        batch.drop_column('criteria_version_id')
    op.drop_table('period')
