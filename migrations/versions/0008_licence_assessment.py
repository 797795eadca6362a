"""Licence dynamic assessment (安许证动态考核), materials and personnel lists, enterprise self-registration

- every generated assessment table (found in the live schema, as in 0006) gets ``rating`` (the band a
  reviewer chose), ``rectification_opened`` / ``rectification_due`` (the open 整改 round and its
  deadline) and ``dossier`` (the materials and personnel lists as the record was submitted);
- the licence kind's tables ``assessment_licence`` and its item table, with the basic-information
  header fields of criteria/*/licence.yaml (a pack declaring other fields adds them with
  ``criteria apply``);
- ``person`` gets the personnel list it is on and its certificate scan;
- ``enterprise_material``: the checklist's PDFs per enterprise, period and material code;
- ``enterprise_registration``: self-registration applications awaiting approval.

Revision ID: 0008_licence
Revises: 7c41d0e9a2f3
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_licence'
down_revision = '7c41d0e9a2f3'
branch_labels = None
depends_on = None

RECORD_COLUMNS = ("rating", "rectification_opened", "rectification_due", "dossier")


def _record_columns() -> list[sa.Column]:
    return [sa.Column('rating', sa.String(length=30), nullable=True),
            sa.Column('rectification_opened', sa.DateTime(), nullable=True),
            sa.Column('rectification_due', sa.Date(), nullable=True),
            sa.Column('dossier', sa.JSON(), nullable=True)]


def _assessment_tables() -> list[str]:
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return sorted(n for n in names if n.startswith("assessment_") and f"{n}_item" in names)


def _stamps() -> list:
    return [sa.Column('created_on', sa.DateTime(), nullable=False),
            sa.Column('changed_on', sa.DateTime(), nullable=False),
            sa.Column('created_by_fk', sa.Integer(), nullable=True),
            sa.Column('changed_by_fk', sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
            sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ondelete='SET NULL')]


def upgrade():
    for table in _assessment_tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _record_columns():
                batch_op.add_column(column)

    if 'assessment_licence' not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table('assessment_licence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('criteria_pack', sa.String(length=40), nullable=False),
        sa.Column('criteria_version', sa.String(length=80), nullable=False),
        sa.Column('total', sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column('grade', sa.String(length=30), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        *_record_columns(),
        sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('licence_no', sa.String(length=60), nullable=True),
        sa.Column('licence_valid_until', sa.Date(), nullable=True),
        sa.Column('qualification', sa.String(length=100), nullable=True),
        sa.Column('legal_representative', sa.String(length=50), nullable=True),
        sa.Column('contact_person', sa.String(length=50), nullable=True),
        sa.Column('contact_phone', sa.String(length=30), nullable=True),
        sa.Column('registered_address', sa.String(length=200), nullable=True),
        sa.Column('staff_count', sa.Integer(), nullable=True),
        sa.Column('submission_note', sa.Text(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('assessment_licence', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_assessment_licence_enterprise_id'), ['enterprise_id'], unique=False)
            batch_op.create_index('ix_assessment_licence_enterprise_period', ['enterprise_id', 'period', 'state'], unique=False)
            batch_op.create_index(batch_op.f('ix_assessment_licence_period'), ['period'], unique=False)
            batch_op.create_index(batch_op.f('ix_assessment_licence_project_id'), ['project_id'], unique=False)
            batch_op.create_index('ix_assessment_licence_project_period', ['project_id', 'period', 'state'], unique=False)
            batch_op.create_index(batch_op.f('ix_assessment_licence_state'), ['state'], unique=False)

        op.create_table('assessment_licence_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('item_code', sa.String(length=64), nullable=False),
        sa.Column('not_applicable', sa.Boolean(), nullable=False),
        sa.Column('self_score', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('assessed_score', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=True),
        sa.Column('review_status', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment_licence.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('assessment_id', 'item_code')
        )
        with op.batch_alter_table('assessment_licence_item', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_assessment_licence_item_assessment_id'), ['assessment_id'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('scan_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('scan_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('scan_size', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_list_code'), ['list_code'], unique=False)

    op.create_table('enterprise_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('material_code', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    *_stamps(),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise_material', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_material_enterprise_period', ['enterprise_id', 'period'], unique=False)

    op.create_table('enterprise_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('contact_person', sa.String(length=50), nullable=False),
    sa.Column('mobile', sa.String(length=30), nullable=False),
    sa.Column('username', sa.String(length=128), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('pending_credit_code', sa.String(length=18), nullable=True),
    sa.Column('pending_username', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('decided_on', sa.DateTime(), nullable=True),
    sa.Column('decided_by_fk', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_fk'], ['ab_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pending_credit_code'),
    sa.UniqueConstraint('pending_username')
    )
    with op.batch_alter_table('enterprise_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_registration_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_registration_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_registration_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_registration_username'), ['username'], unique=False)


def downgrade():
    with op.batch_alter_table('enterprise_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_registration_username'))
        batch_op.drop_index(batch_op.f('ix_enterprise_registration_state'))
        batch_op.drop_index(batch_op.f('ix_enterprise_registration_district_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_registration_credit_code'))
    op.drop_table('enterprise_registration')
    with op.batch_alter_table('enterprise_material', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_material_enterprise_period')
    op.drop_table('enterprise_material')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_list_code'))
        for column in ('scan_size', 'scan_hash', 'scan_name', 'list_code'):
            batch_op.drop_column(column)
    op.drop_table('assessment_licence_item')
    op.drop_table('assessment_licence')
    for table in _assessment_tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(RECORD_COLUMNS):
                batch_op.drop_column(column)
