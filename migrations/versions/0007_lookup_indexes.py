"""Indexes for one subject's records of a period, and for browsing the audit log

Recomputing one enterprise's grades (on every approval) reads its records of the period; without a
composite index SQLite's planner scans every approved record of a kind. The audit log is filtered
by table and record, and by user. Assessment tables are found in the live schema, as in 0006.

Revision ID: 7c41d0e9a2f3
Revises: 5a0c2e7d91b4
Create Date: 2026-11-23 19:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c41d0e9a2f3'
down_revision = '5a0c2e7d91b4'
branch_labels = None
depends_on = None


def _assessment_tables() -> list[str]:
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return sorted(n for n in names if n.startswith("assessment_") and f"{n}_item" in names)


def upgrade():
    for table in _assessment_tables():
        op.create_index(f"ix_{table}_enterprise_period", table, ["enterprise_id", "period", "state"])
        op.create_index(f"ix_{table}_project_period", table, ["project_id", "period", "state"])
    op.create_index("ix_final_grade_enterprise_period", "final_grade", ["enterprise_id", "period"])
    op.create_index("ix_audit_log_record", "audit_log", ["table_name", "record_id"])
    op.create_index("ix_audit_log_user_id", "audit_log", ["user_id"])


def downgrade():
    op.drop_index("ix_audit_log_user_id", table_name="audit_log")
    op.drop_index("ix_audit_log_record", table_name="audit_log")
    op.drop_index("ix_final_grade_enterprise_period", table_name="final_grade")
    for table in _assessment_tables():
        op.drop_index(f"ix_{table}_project_period", table_name=table)
        op.drop_index(f"ix_{table}_enterprise_period", table_name=table)
