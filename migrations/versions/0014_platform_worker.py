"""The serving processes of the platform (``platform_worker``): a destructive schema change from the
command line runs only when none of them is alive.

Revision ID: 0014_platform_worker
Revises: 0013_item_review
Create Date: 2026-12-06 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_platform_worker'
down_revision = '0013_item_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'platform_worker',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('started_on', sa.DateTime(), nullable=False),
        sa.Column('seen_on', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_platform_worker_seen_on'), 'platform_worker', ['seen_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_platform_worker_seen_on'), table_name='platform_worker')
    op.drop_table('platform_worker')
