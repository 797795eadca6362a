"""Unique keys the screens checked only before writing: one record per subject and period, one entry per person and list

- (until 0011) a kind's one-record-per-period key came from the pack here; it is the pack's schema
  now, created by ``flask platform sync`` (0011 keeps the keys databases already have);
- ``person`` gets ``uq_person_list_id_number`` on (enterprise_id, list_code, id_number): a person is on
  a list once; rows without a list or an ID number are not compared (NULLs may repeat).

Rows that already break a key stop the upgrade with the records named, before anything changes.

Revision ID: 0010_unique_keys
Revises: 0009_criteria_versions
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_unique_keys'
down_revision = '0009_criteria_versions'
branch_labels = None
depends_on = None

PERSON_KEY = ("uq_person_list_id_number", "person", ("enterprise_id", "list_code", "id_number"))


def _duplicates(table: str, columns: tuple[str, ...]) -> list[str]:
    target = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))
    key = [target.c[c] for c in columns]
    query = (sa.select(*key, sa.func.count(), sa.func.min(target.c.id), sa.func.max(target.c.id))
             .where(*(c.is_not(None) for c in key)).group_by(*key).having(sa.func.count() > 1))
    return [f"{table}：{'、'.join(f'{c}={v}' for c, v in zip(columns, row[:len(columns)], strict=True))} "
            f"有 {row[-3]} 条（编号 {row[-2]} … {row[-1]}）" for row in op.get_bind().execute(query)]


def upgrade():
    keys = [PERSON_KEY]
    problems = [line for _, table, columns in keys for line in _duplicates(table, columns)]
    if problems:
        raise RuntimeError("以下记录重复，升级未做任何修改；请先合并或删除重复的记录后再升级：" + "；".join(problems))
    for name, table, columns in keys:
        op.create_index(name, table, list(columns), unique=True)


def downgrade():
    names = set(sa.inspect(op.get_bind()).get_table_names())
    for table in sorted(n for n in names if n.startswith("assessment_") and f"{n}_item" in names):
        if any(i["name"] == f"uq_{table}_subject_period" for i in sa.inspect(op.get_bind()).get_indexes(table)):
            op.drop_index(f"uq_{table}_subject_period", table_name=table)
    op.drop_index(PERSON_KEY[0], table_name=PERSON_KEY[1])
