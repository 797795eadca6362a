"""The assessment as one aggregate: core tables, real foreign keys

Until now every kind had its own table (``assessment_<kind>``, every built-in column plus its header
fields) and item table (``assessment_<kind>_item``); evidence, history rows and verification codes
pointed at a record by ``(record_kind, record_id)`` with no foreign key, so a deleted draft's files
reappeared on the next record that took its id. This revision:

- creates ``assessment`` (one row per record of any kind, with the district it is scoped by, fixed
  from the project for a project kind and from the enterprise otherwise) and ``assessment_item``,
  both with AUTOINCREMENT on SQLite so no id is ever reused;
- moves every record there. A record keeps its id unless a record of another kind already took it
  (kinds in code order); it then gets a new one after the largest old id. Item rows likewise;
- keeps each kind's header fields in a table ``assessment_<kind>`` of its own (id and the header
  columns, whatever the old table held beyond the built-in columns), joined to ``assessment`` by id;
- points ``attachment``, ``review_history`` and ``form_verification`` at ``assessment.id`` by foreign
  key (deleted with a deleted draft); a row whose enterprise is not its record's enterprise, or whose
  record no longer exists, belonged to a deleted draft and is dropped (the files stay on disk);
- rewrites the audit log's references to renumbered records and item rows;
- keeps a kind's one-record-per-period key as a partial unique index of ``assessment``.

Which kinds to move is read from the database: the kinds the first migrations created and every kind
a stored criteria version lists; tables of a kind no version lists that hold nothing are dropped
(``flask platform sync`` creates the header tables the running pack needs). No step reads the pack
the platform runs.

There is no downgrade: restore the backup taken before upgrading (``flask --app app backup``).

Revision ID: 0011_assessment_aggregate
Revises: 0010_unique_keys
Create Date: 2026-12-05 18:00:00

"""
import json
import logging

import sqlalchemy as sa
from alembic import op

revision = '0011_assessment_aggregate'
down_revision = '0010_unique_keys'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

FIRST_KINDS = ("daily", "director", "general", "licence", "project")  # created by 0001 and 0008
BUILT_IN = {"id", "enterprise_id", "project_id", "period", "state", "criteria_pack", "criteria_version",
            "criteria_version_id", "total", "grade", "result", "rating", "rectification_opened",
            "rectification_due", "dossier", "lock_version", "created_on", "changed_on", "created_by_fk",
            "changed_by_fk"}
CORE_INDEXES = (
    ("ix_assessment_kind_enterprise_period", ("kind", "enterprise_id", "period", "state")),
    ("ix_assessment_kind_project_period", ("kind", "project_id", "period", "state")),
    ("ix_assessment_kind_district_state", ("kind", "district_id", "state")),
    ("ix_assessment_kind_changed_on", ("kind", "changed_on")),
    ("ix_assessment_criteria_version_id", ("criteria_version_id",)),
)
ITEM_COLUMNS = ("item_code", "not_applicable", "self_score", "assessed_score", "results", "opinion", "review_status")
CHILDREN = ("attachment", "review_history", "form_verification")


def _stamps() -> list:
    return [sa.Column('created_on', sa.DateTime(), nullable=False),
            sa.Column('changed_on', sa.DateTime(), nullable=False),
            sa.Column('created_by_fk', sa.Integer(), sa.ForeignKey('ab_user.id', ondelete='SET NULL'), nullable=True),
            sa.Column('changed_by_fk', sa.Integer(), sa.ForeignKey('ab_user.id', ondelete='SET NULL'), nullable=True)]


def _create_core() -> tuple[sa.Table, sa.Table]:
    assessment = op.create_table(
        'assessment',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), sa.ForeignKey('enterprise.id'), nullable=False),
        sa.Column('project_id', sa.Integer(), sa.ForeignKey('project.id'), nullable=True),
        sa.Column('district_id', sa.Integer(), sa.ForeignKey('district.id'), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('criteria_pack', sa.String(length=40), nullable=False),
        sa.Column('criteria_version', sa.String(length=80), nullable=False),
        sa.Column('criteria_version_id', sa.Integer(), sa.ForeignKey('criteria_version.id'), nullable=False),
        sa.Column('total', sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column('grade', sa.String(length=30), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('rating', sa.String(length=30), nullable=True),
        sa.Column('rectification_opened', sa.DateTime(), nullable=True),
        sa.Column('rectification_due', sa.Date(), nullable=True),
        sa.Column('dossier', sa.JSON(), nullable=True),
        sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
        *_stamps(),
        sqlite_autoincrement=True,
    )
    for name, columns in CORE_INDEXES:
        op.create_index(name, 'assessment', list(columns))
    item = op.create_table(
        'assessment_item',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('assessment_id', sa.Integer(), sa.ForeignKey('assessment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('item_code', sa.String(length=64), nullable=False),
        sa.Column('not_applicable', sa.Boolean(), nullable=False),
        sa.Column('self_score', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('assessed_score', sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column('score_decision', sa.String(length=20), nullable=True),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=True),
        sa.Column('review_status', sa.String(length=20), nullable=False),
        sa.UniqueConstraint('assessment_id', 'item_code', name='uq_assessment_item_code'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_assessment_item_assessment_id', 'assessment_item', ['assessment_id'])
    return assessment, item


def _kinds(bind: sa.engine.Connection) -> list[str]:
    """Kinds whose tables still have the old layout: the first migrations' and every stored version's."""
    inspector = sa.inspect(bind)
    names = set(inspector.get_table_names())
    found = []
    for code in sorted(set(FIRST_KINDS) | _listed_kinds(bind)):
        table = f"assessment_{code}"
        if table in names and f"{table}_item" in names and \
                'enterprise_id' in {c['name'] for c in inspector.get_columns(table)}:
            found.append(code)
    return found


class Moved:
    """Old (kind, id) -> new assessment id, and old (kind, item id) -> new item id."""

    def __init__(self, first_free: int, first_free_item: int):
        self.records: dict[tuple[str, int], int] = {}
        self.enterprise: dict[int, int] = {}  # new id -> enterprise id
        self.items: dict[tuple[str, int], int] = {}
        self._used: set[int] = set()
        self._used_items: set[int] = set()
        self._next, self._next_item = first_free, first_free_item

    def record_id(self, kind: str, old: int) -> int:
        new = old if old not in self._used else self._take()
        self._used.add(new)
        self.records[(kind, old)] = new
        return new

    def _take(self) -> int:
        self._next += 1
        return self._next - 1

    def item_id(self, kind: str, old: int) -> int:
        if old in self._used_items:
            new, self._next_item = self._next_item, self._next_item + 1
        else:
            new = old
        self._used_items.add(new)
        self.items[(kind, old)] = new
        return new


def _largest(bind: sa.engine.Connection, tables: list[str]) -> int:
    return max([bind.scalar(sa.text(f'SELECT MAX(id) FROM {t}')) or 0 for t in tables] + [0]) + 1


def _move_kind(bind, code: str, assessment: sa.Table, item: sa.Table, moved: Moved,
               districts: dict[str, dict[int, int]]) -> tuple[list[sa.Column], list[dict], tuple | None]:
    """Copy one kind's records and items; returns its header columns, header rows and unique key."""
    old = sa.Table(f"assessment_{code}", sa.MetaData(), autoload_with=bind)
    old_items = sa.Table(f"assessment_{code}_item", sa.MetaData(), autoload_with=bind)
    project_kind = not old.c.project_id.nullable
    header = [c.name for c in old.columns if c.name not in BUILT_IN]
    core = [c for c in assessment.c.keys() if c in old.c and c != 'id']
    records, headers = [], []
    for row in bind.execute(sa.select(old).order_by(old.c.id)).mappings():
        new = moved.record_id(code, row['id'])
        moved.enterprise[new] = row['enterprise_id']
        district = (districts['project'].get(row['project_id']) if project_kind and row['project_id']
                    else districts['enterprise'][row['enterprise_id']])
        records.append({'id': new, 'kind': code, 'district_id': district, **{c: row[c] for c in core}})
        headers.append({'id': new, **{c: row[c] for c in header}})
    if records:
        bind.execute(assessment.insert(), records)
    rows = []
    for row in bind.execute(sa.select(old_items).order_by(old_items.c.id)).mappings():
        parent = moved.records.get((code, row['assessment_id']))
        if parent is None:
            continue
        # √ when the reviewer's score is the claim, × when it is the reviewer's own (none before review)
        assessed = row['assessed_score']
        decision = None if assessed is None else ('accept' if assessed == row.get('self_score') else 'override')
        rows.append({'id': moved.item_id(code, row['id']), 'assessment_id': parent, 'score_decision': decision,
                     **{c: row[c] for c in ITEM_COLUMNS if c in old_items.c}})
    if rows:
        bind.execute(item.insert(), rows)
    columns = [sa.Column(c.name, c.type, nullable=True) for c in old.columns if c.name in header]
    key = None
    for index in sa.inspect(bind).get_indexes(old.name):
        if index['name'] == f"uq_{old.name}_subject_period":
            key = (index['name'], tuple(index['column_names']))
    return columns, headers, key


def _child_columns(table: str) -> list:
    """The columns of a child table as it is from now on (models.core)."""
    link = sa.Column('assessment_id', sa.Integer(), sa.ForeignKey('assessment.id', ondelete='CASCADE'), nullable=False,
                     index=table != 'form_verification', unique=table == 'form_verification')
    if table == 'attachment':
        return [sa.Column('id', sa.Integer(), primary_key=True), link, sa.Column('item_code', sa.String(length=64)),
                sa.Column('file_name', sa.String(length=200), nullable=False),
                sa.Column('content_hash', sa.String(length=64), nullable=False),
                sa.Column('size', sa.Integer(), nullable=False), sa.Column('media_type', sa.String(length=100), nullable=False),
                *_stamps()]
    if table == 'review_history':
        return [sa.Column('id', sa.Integer(), primary_key=True), link, sa.Column('item_code', sa.String(length=64)),
                sa.Column('action', sa.String(length=40), nullable=False), sa.Column('from_state', sa.String(length=40)),
                sa.Column('to_state', sa.String(length=40), nullable=False), sa.Column('opinion', sa.Text()),
                sa.Column('user_id', sa.Integer(), sa.ForeignKey('ab_user.id', ondelete='SET NULL')),
                sa.Column('created_on', sa.DateTime(), nullable=False)]
    return [sa.Column('id', sa.Integer(), primary_key=True), sa.Column('code', sa.String(length=16), nullable=False, unique=True),
            link, sa.Column('created_on', sa.DateTime(), nullable=False)]


def _relink(bind, table: str, moved: Moved) -> None:
    """Rebuild a child table pointing at assessment.id, every row keeping its id; a row whose record no
    longer exists, or whose enterprise is not its record's, belonged to a deleted draft and is dropped."""
    old = sa.Table(table, sa.MetaData(), autoload_with=bind)
    kept, orphans = [], 0
    for row in bind.execute(sa.select(old).order_by(old.c.id)).mappings():
        new = moved.records.get((row['record_kind'], row['record_id']))
        if new is None or moved.enterprise.get(new) != row['enterprise_id']:
            orphans += 1
            continue
        values = {k: v for k, v in row.items() if k not in ('enterprise_id', 'record_kind', 'record_id')}
        kept.append({**values, 'assessment_id': new})
    op.drop_table(table)
    rebuilt = op.create_table(table, *_child_columns(table), sqlite_autoincrement=True)
    if kept:
        bind.execute(rebuilt.insert(), kept)
    if orphans:
        log.warning("%s：%s 行属于已删除的草稿或与其考核的企业不符，已移除（文件仍保留在证明材料目录）", table, orphans)
    if bind.dialect.name == 'postgresql':
        bind.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"))


def _remap_audit(bind, moved: Moved) -> None:
    """Audit rows name a record by table and id: renumbered records and item rows follow their row."""
    audit = sa.table('audit_log', sa.column('id'), sa.column('table_name'), sa.column('record_id'))
    changes = []
    for row in bind.execute(sa.select(audit).where(audit.c.table_name.like('assessment_%'))):
        name = row.table_name
        if name.endswith('_item'):
            found = moved.items.get((name.removeprefix('assessment_').removesuffix('_item'), _number(row.record_id)))
            if found is not None:
                changes.append({'row_id': row.id, 'table': 'assessment_item', 'record': str(found)})
        else:
            found = moved.records.get((name.removeprefix('assessment_'), _number(row.record_id)))
            if found is not None and str(found) != row.record_id:
                changes.append({'row_id': row.id, 'table': name, 'record': str(found)})
    if changes:
        bind.execute(audit.update().where(audit.c.id == sa.bindparam('row_id'))
                     .values(table_name=sa.bindparam('table'), record_id=sa.bindparam('record')), changes)


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def upgrade():
    bind = op.get_bind()
    kinds = _kinds(bind)
    assessment, item = _create_core()
    districts = {
        'enterprise': dict(bind.execute(sa.text('SELECT id, district_id FROM enterprise')).all()),
        'project': dict(bind.execute(sa.text('SELECT id, district_id FROM project')).all()),
    }
    moved = Moved(_largest(bind, [f"assessment_{k}" for k in kinds]),
                  _largest(bind, [f"assessment_{k}_item" for k in kinds]))
    headers = {}
    for code in kinds:
        headers[code] = _move_kind(bind, code, assessment, item, moved, districts)
    for table in CHILDREN:
        _relink(bind, table, moved)
    _remap_audit(bind, moved)
    listed = _listed_kinds(bind)
    for code in kinds:
        op.drop_table(f"assessment_{code}_item")
        op.drop_table(f"assessment_{code}")
    for code in kinds:
        columns, rows, key = headers[code]
        if code not in listed and not rows:
            continue  # a table the first migrations made for a kind no version of this database uses
        header = op.create_table(
            f"assessment_{code}",
            sa.Column('id', sa.Integer(), sa.ForeignKey('assessment.id', ondelete='CASCADE'), primary_key=True,
                      autoincrement=False),
            *columns,
        )
        if rows:
            bind.execute(header.insert(), rows)
        if key is not None:
            name, columns_of_key = key
            op.create_index(name, 'assessment', list(columns_of_key), unique=True,
                            sqlite_where=sa.text(f"kind = '{code}'"), postgresql_where=sa.text(f"kind = '{code}'"))
    if bind.dialect.name == 'postgresql':
        for table in ('assessment', 'assessment_item'):
            bind.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"GREATEST((SELECT MAX(id) FROM {table}), 1))"))
    if bind.dialect.name == 'postgresql' and moved.records:
        # Planner statistics for the tables just filled, so the first requests after the upgrade do not
        # plan blind (autovacuum would gather them later, or never where it is turned off). Not on an
        # empty database: statistics saying "empty" would then outlive the first bulk load.
        filled = ['assessment', 'assessment_item', *(f"assessment_{code}" for code in kinds if headers[code][1])]
        bind.execute(sa.text(f"ANALYZE {', '.join(filled)}"))
    log.info("考核记录已迁入 assessment：%s 份，评分项 %s 行", len(moved.records), len(moved.items))


def _listed_kinds(bind) -> set[str]:
    listed: set[str] = set()
    if 'criteria_version' in sa.inspect(bind).get_table_names():
        for (kinds,) in bind.execute(sa.text('SELECT kind_versions FROM criteria_version')):
            listed.update(json.loads(kinds) if isinstance(kinds, str) else (kinds or {}))
    return listed


def downgrade():
    raise RuntimeError("考核记录合并为 assessment 表的升级不能撤销：请恢复升级前的备份（flask --app app backup 生成的备份目录）")
