"""Login hardening: account lockout, forced password change, server-side captcha answers

Revision ID: df0d2a27a6ad
Revises: ec969e9e2493
Create Date: 2026-11-23 18:17:05.324966

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df0d2a27a6ad'
down_revision = 'ec969e9e2493'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_captcha',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('answer_digest', sa.String(length=64), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('login_captcha', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_captcha_created_on'), ['created_on'], unique=False)

    # Existing accounts (the demo ones included) are not forced to change their password.
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_login_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_login_since')

    with op.batch_alter_table('login_captcha', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_captcha_created_on'))

    op.drop_table('login_captcha')
