"""A printed form's 编号 (pack.yaml ``print.number``): given when a settled record's form is first
printed, kept with its verification code. ``number_series`` is the number with its serial left open,
``number_serial`` the serial within it.

No stored row changes: forms printed before this revision get their number when next printed.

Revision ID: 0017_form_number
Revises: 0016_record_veto
Create Date: 2026-12-06 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_form_number'
down_revision = '0016_record_veto'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('form_verification') as batch:
        batch.add_column(sa.Column('number', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('number_series', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('number_serial', sa.Integer(), nullable=True))
        batch.create_unique_constraint('uq_form_verification_number', ['number'])
        batch.create_unique_constraint('uq_form_verification_series_serial', ['number_series', 'number_serial'])


def downgrade():
    with op.batch_alter_table('form_verification') as batch:
        batch.drop_constraint('uq_form_verification_series_serial', type_='unique')
        batch.drop_constraint('uq_form_verification_number', type_='unique')
        batch.drop_column('number_serial')
        batch.drop_column('number_series')
        batch.drop_column('number')
