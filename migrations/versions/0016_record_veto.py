"""Vetoes recorded on an assessment (``record_veto``): a reviewer records one of the kind's declared
vetoes with an opinion and an evidence file; a withdrawn one stays on record.

No stored row changes: records filed before this revision have no recorded veto.

Revision ID: 0016_record_veto
Revises: 0015_periods
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_record_veto'
down_revision = '0015_periods'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'record_veto',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('veto_code', sa.String(length=40), nullable=False),
        sa.Column('opinion', sa.Text(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('created_by_fk', sa.Integer(), nullable=True),
        sa.Column('created_on', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_on', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_by_fk', sa.Integer(), nullable=True),
        sa.Column('withdraw_opinion', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['withdrawn_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_record_veto_assessment_id', 'record_veto', ['assessment_id'])


def downgrade():
    op.drop_index('ix_record_veto_assessment_id', table_name='record_veto')
    op.drop_table('record_veto')
