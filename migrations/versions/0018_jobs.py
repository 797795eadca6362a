"""Background jobs (``platform_job``): each job's state, progress and result, read by every host.

Revision ID: 0018_jobs
Revises: 0017_form_number
Create Date: 2026-12-06 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018_jobs'
down_revision = '0017_form_number'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'platform_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('started_by', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('current', sa.String(length=300), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('result_key', sa.String(length=300), nullable=True),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('result_size', sa.Integer(), nullable=True),
        sa.Column('created_on', sa.DateTime(), nullable=False),
        sa.Column('started_on', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_on', sa.DateTime(), nullable=True),
        sa.Column('finished_on', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['started_by'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_platform_job_started_by', 'platform_job', ['started_by', 'id'], unique=False)
    op.create_index('ix_platform_job_state', 'platform_job', ['state', 'heartbeat_on'], unique=False)


def downgrade():
    op.drop_index('ix_platform_job_state', table_name='platform_job')
    op.drop_index('ix_platform_job_started_by', table_name='platform_job')
    op.drop_table('platform_job')
