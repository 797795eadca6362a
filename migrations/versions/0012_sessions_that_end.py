"""Sessions that end, refresh tokens used once, login throttling per account and client

- ``ab_user.session_generation``: every session and token carries the account's generation when it
  was issued; logging out, changing or resetting the password and deactivating the account move it
  on, which ends every session and token issued before;
- ``spent_token``: the refresh tokens already exchanged (each works once), kept until they expire;
- ``login_throttle``: failed logins per account name and client: a run of failures from one client
  slows, then blocks, that client for that account, never the owner elsewhere.

Revision ID: 0012_sessions_that_end
Revises: 0011_assessment_aggregate
Create Date: 2026-12-05 20:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_sessions_that_end'
down_revision = '0011_assessment_aggregate'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'spent_token',
        sa.Column('jti', sa.String(length=64), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('ab_user.id', ondelete='CASCADE'), nullable=True),
        sa.Column('spent_on', sa.DateTime(), nullable=False),
        sa.Column('expires_on', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_spent_token_expires_on', 'spent_token', ['expires_on'])
    op.create_table(
        'login_throttle',
        sa.Column('account', sa.String(length=128), primary_key=True),
        sa.Column('client', sa.String(length=64), primary_key=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_failure', sa.DateTime(), nullable=False),
        sa.Column('last_failure', sa.DateTime(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(), nullable=True),
    )


def downgrade():
    op.drop_table('login_throttle')
    op.drop_index('ix_spent_token_expires_on', table_name='spent_token')
    op.drop_table('spent_token')
    with op.batch_alter_table('ab_user') as batch:
        batch.drop_column('session_generation')
