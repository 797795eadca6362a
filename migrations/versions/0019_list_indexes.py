"""Indexes the lists read their pages by, so neither database scans or sorts a table for a page: a
kind's records newest first (the city's, a district's, an enterprise's) and a grade's evaluation list
by score, each ending with the key that breaks ties. The (kind, changed_on) index becomes
(kind, changed_on, id). No stored row changes.

Revision ID: 0019_list_indexes
Revises: 0018_jobs
Create Date: 2026-12-06 20:00:00

"""
from alembic import op

revision = '0019_list_indexes'
down_revision = '0018_jobs'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_assessment_kind_changed', 'assessment', ['kind', 'changed_on', 'id']),
    ('ix_assessment_kind_district_changed', 'assessment', ['kind', 'district_id', 'changed_on', 'id']),
    ('ix_assessment_kind_enterprise_changed', 'assessment', ['kind', 'enterprise_id', 'changed_on', 'id']),
    ('ix_final_grade_code_score', 'final_grade', ['grade_code', 'score', 'id']),
    ('ix_final_grade_code_district_score', 'final_grade', ['grade_code', 'district_id', 'score', 'id']),
    ('ix_final_grade_code_enterprise_score', 'final_grade', ['grade_code', 'enterprise_id', 'score', 'id']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_assessment_kind_changed_on', table_name='assessment')


def downgrade():
    op.create_index('ix_assessment_kind_changed_on', 'assessment', ['kind', 'changed_on'], unique=False)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
