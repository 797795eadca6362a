"""Everything the final grades of a period are computed from, loaded set-based.

A fixed number of queries, whatever the number of enterprises: the stored results of the approved
records (``result``, fixed by ``models.record_scores.settle``), the ratings of rated kinds, the
daily entries, the projects, the
active adjustments and the grade rows stored before. Only plain values leave this module.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import JSON, Select, Text, and_, bindparam, cast, select, update
from sqlalchemy.orm import Session, selectinload

from criteria.pack import Kind, Pack
from models import Enterprise, FinalGradeRecord, GradeAdjustment, KindModels, Project, assessment_table
from models.criteria_versions import kind_for, pack_for
from models.record_scores import final_states, settle
from scoring import ScoreResult, adjust
from scoring.expiry import expired_vetoes
from scoring.final import EnterpriseInput, ProjectInput
from scoring.methods.catalogue import DailyEntry


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    district_id: int
    is_local: bool


@dataclass(frozen=True)
class ProjectRow:
    id: int
    enterprise_id: int
    name: str
    permit_no: str
    district_id: int


_STORED_COLUMNS = [c for c in FinalGradeRecord.__table__.c if c.name not in ("reasons", "computed_on")]
# A stored grade row as a plain named tuple: a recompute reads each of the ten compared fields of
# every row, and SQLAlchemy's row resolves a name on each access. Defined here, not per load, so a
# forked pass can send the rows it found stale back to its parent.
StoredGrade = namedtuple("StoredGrade", [c.name for c in _STORED_COLUMNS] + ["reasons"])  # type: ignore[misc]


@dataclass
class Loaded:
    inputs: dict[int, EnterpriseInput]  # enterprises with something approved in the period
    enterprises: dict[int, EnterpriseRow]  # those, and every enterprise with a stored grade
    projects_by_id: dict[int, ProjectRow]
    adjustments: dict[tuple[int, int | None, str], list[adjust.Adjustment]]  # active, oldest first
    stored: dict[tuple[str, int, int | None], Any]  # grade rows before (reasons as JSON text)


def _rows(session: Session, query: Select) -> list[Any]:
    """Every row at once: iterating a result fetches row by row, several times slower here."""
    return session.execute(query).all()


def _plain_rows(session: Session, query: Select, bulk: bool = True) -> list[tuple]:
    """Rows as plain tuples straight from the driver, for the tens of thousands of approved records a
    recompute reads: SQLAlchemy's row and JSON processing would cost more than the query. JSON
    columns come back as text (SQLite) or already decoded (psycopg); ``_json`` takes either."""
    if not bulk:
        return [tuple(row) for row in session.execute(query).all()]  # SQLAlchemy caches the compiled SQL
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    arguments = tuple(params[name] for name in compiled.positiontup) if compiled.positional else params
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        return cursor.fetchall()
    finally:
        cursor.close()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _among(column: Any, values: Iterable[Any]) -> Any:
    """``column IN values``; ``=`` for one value, which the one-enterprise recompute of every approval
    asks (an expanding IN is compiled again on each execution)."""
    values = list(values)
    return column == values[0] if len(values) == 1 else column.in_(values)


def _approved(kind: Kind, models: KindModels, period: str, *columns: Any) -> Select:
    """The kind's records of the period in a final state: id, enterprise, project, ``columns`` (core
    columns, or header fields of the kind's table) and the time of the last change.

    Unordered: sorting in SQL would let SQLite pick the (kind, changed_on) index and read every record
    of the kind to fetch one enterprise's; ``in_order`` sorts the few rows afterwards."""
    core, header = assessment_table, models.header
    selected = [core.c[c] if c in core.c else header.c[c] for c in columns]
    query = select(core.c.id, core.c.enterprise_id, core.c.project_id, *selected, core.c.changed_on)
    if any(c not in core.c for c in columns):
        query = query.select_from(core.join(header, header.c.id == core.c.id))
    return query.where(core.c.kind == kind.code, core.c.period == period, _among(core.c.state, final_states(kind)))


def in_order(rows: list[tuple]) -> list[tuple]:
    """Rows of ``_approved`` oldest change first (the latest approved record counts), without the time."""
    return [row[:-1] for row in sorted(rows, key=lambda row: (row[-1], row[0]))]


SETTLE_CHUNK = 500  # records approved before results were stored, scored and written per statement
READ_ONLY = "grading_read_only"  # in a session's info: a load that would store results raises Unsettled


class Unsettled(Exception):
    """A read-only load found approved records without a stored result, which it would store."""


def _settled(session: Session, models: KindModels, record_ids: list[int]) -> dict[int, ScoreResult | None]:
    """Score the records approved before results were stored (a database upgraded from before them),
    each under the rules it was filed under, and store each result: set-based, a chunk of records read
    with their items and vetoes and their results written in one statement, not one record at a time.
    The records' change time and version stay as they were."""
    if session.info.get(READ_ONLY):
        raise Unsettled(f"{len(record_ids)} 份已审核的考核记录没有保存的评分结果")
    model, table = models.assessment, assessment_table
    write = (
        update(table)
        .where(table.c.id == bindparam("record_id"))
        .values(result=bindparam("stored", type_=JSON(none_as_null=True)), changed_on=table.c.changed_on, lock_version=table.c.lock_version)
    )
    settled: dict[int, ScoreResult | None] = {}
    for start in range(0, len(record_ids), SETTLE_CHUNK):
        chunk = record_ids[start : start + SETTLE_CHUNK]
        # Read in a session of their own on the same connection, dropped afterwards: only the result
        # is written, not the total and grade ``settle`` sets on each record.
        with Session(bind=session.connection(), autoflush=False) as reader:
            records = reader.scalars(
                select(model).where(model.id.in_(chunk)).options(selectinload(model.items), selectinload(model.recorded_vetoes))
            ).all()
            rows = []
            for record in records:
                settled[record.id] = settle(pack_for(record), kind_for(record), record)
                rows.append({"record_id": record.id, "stored": record.result})
        if rows:
            session.execute(write, rows)
    return settled


def _results(session: Session, models: KindModels, rows: list[tuple]) -> dict[int, ScoreResult | None]:
    """Each row's result by record id: the stored one decoded, the missing ones settled (SQL NULL, or
    a JSON null from before results were written as SQL NULL)."""
    results: dict[int, ScoreResult | None] = {}
    missing = []
    for row in rows:
        if (stored := _json(row[-1])) is None:
            missing.append(row[0])
        else:
            results[row[0]] = ScoreResult.from_summary(stored)
    return (results | _settled(session, models, missing)) if missing else results


def _ratings(
    session: Session, pack: Pack, kind: Kind, models: KindModels, period: str, by_enterprise: Any, bulk: bool
) -> dict[int, ScoreResult]:
    """The reviewer's latest rating of each enterprise's record of a rated kind in the period, with the
    vetoes its dates make (an expired licence). A rating stands from the moment it is given, through
    a 整改 round, until the record is rated again."""
    table, header = assessment_table, models.header
    dated = [veto.expires_field for veto in kind.vetoes if veto.expires_field and veto.expires_field in header.c]
    query = select(table.c.enterprise_id, table.c.rating, table.c.changed_on, table.c.id, *(header.c[f] for f in dated))
    query = query.select_from(table.join(header, header.c.id == table.c.id)).where(
        table.c.kind == kind.code, table.c.period == period, table.c.rating.is_not(None)
    )
    labels = pack.band_labels(kind)
    found = {}
    rows = _plain_rows(session, by_enterprise(query, table), bulk)
    for enterprise_id, rating, _, _, *dates in sorted(rows, key=lambda row: (str(row[2]), row[3])):
        vetoes = expired_vetoes(kind, {field: _day(value) for field, value in zip(dated, dates, strict=True)}, period) if dated else []
        found[enterprise_id] = ScoreResult(kind.code, None, None, rating, labels.get(rating, rating), [], [], bool(vetoes), vetoes)
    return found


def _daily(
    pack: Pack, models: dict[str, KindModels], session: Session, period: str, enterprise_filter: Any, bulk: bool
) -> dict[int, list[DailyEntry]]:
    kind = pack.catalogue_kind
    found: dict[int, list[DailyEntry]] = defaultdict(list)
    if kind is None:
        return found
    rules = kind.scoring
    optional = [name for name in (rules.project_field, rules.date_field) if name]
    query = enterprise_filter(_approved(kind, models[kind.code], period, rules.entry_field, rules.count_field, *optional), assessment_table)
    for row in in_order(_plain_rows(session, query, bulk)):
        _, enterprise_id, _, entry, count, *rest = row
        values = dict(zip(optional, rest, strict=True))
        if entry:
            project = values.get(rules.project_field) or None
            found[enterprise_id].append(DailyEntry(entry, int(count or 1), project, _day(values.get(rules.date_field))))
    return found


def _day(value: Any) -> datetime.date | None:
    """A date column as the driver gives it without SQLAlchemy's processing (SQLite: ISO text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _keyed(entry: DailyEntry, project: str) -> DailyEntry:
    return entry if entry.project == project else replace(entry, project=project)


def _same_project_keys(daily: dict[int, list[DailyEntry]], projects: dict[int, ProjectRow]) -> dict[int, list[DailyEntry]]:
    """An entry names its project by 施工许可证号 (picked from the registry) or, filed before the
    picker, by the name typed: both become the permit number, so one project's entries count together."""
    keys = {}
    for project in projects.values():
        keys[(project.enterprise_id, project.name)] = keys[(project.enterprise_id, project.permit_no)] = project.permit_no
    return {
        enterprise_id: [_keyed(e, keys.get((enterprise_id, e.project), e.project)) if e.project else e for e in entries]
        for enterprise_id, entries in daily.items()
    }


@dataclass(frozen=True)
class Span:
    """The enterprises with ``low <= id < high``: one pass of a full recompute."""

    low: int
    high: int

    def of(self, column: Any) -> Any:
        return and_(column >= self.low, column < self.high)


def load(
    session: Session,
    pack: Pack,
    models: dict[str, KindModels],
    period: str,
    enterprise_ids: list[int] | None = None,
    span: Span | None = None,
) -> Loaded:
    """What the grades of ``period`` need, for ``enterprise_ids``, or the enterprises of ``span``
    (every enterprise when neither is given)."""

    def by_enterprise(query: Select, table: Any) -> Select:
        if enterprise_ids is not None:
            return query.where(_among(table.c.enterprise_id, enterprise_ids))
        return query if span is None else query.where(span.of(table.c.enterprise_id))

    project_table = Project.__table__
    projects = {
        row.id: ProjectRow(*row)
        for row in _rows(
            session,
            by_enterprise(
                select(
                    project_table.c.id,
                    project_table.c.enterprise_id,
                    project_table.c.name,
                    project_table.c.permit_no,
                    project_table.c.district_id,
                ).order_by(project_table.c.id),
                project_table,
            ),
        )
    }

    results: dict[int, dict[str, ScoreResult]] = defaultdict(dict)
    project_results: dict[int, list[ScoreResult]] = defaultdict(list)
    for code in sorted(pack.graded_kinds):
        kind = pack.kinds[code]
        kind_models = models[kind.code]
        table = assessment_table
        if kind.rated:
            ratings = _ratings(session, pack, kind, kind_models, period, by_enterprise, enterprise_ids is None)
            for enterprise_id, rating in ratings.items():
                results[enterprise_id][kind.code] = rating
            continue
        query = _approved(kind, kind_models, period, "result")
        if kind.subject == "project":
            if enterprise_ids is not None:
                query = query.where(table.c.project_id.in_(list(projects)))
            elif span is not None:  # the projects of the span's enterprises, as ``projects`` holds them
                query = query.where(table.c.project_id.in_(select(project_table.c.id).where(span.of(project_table.c.enterprise_id))))
            rows = [row for row in in_order(_plain_rows(session, query, enterprise_ids is None)) if row[2] in projects]
            scored = _results(session, kind_models, rows)
            for record_id, _, project_id, _ in rows:
                if (result := scored.get(record_id)) is not None:
                    project_results[project_id].append(result)
        else:
            rows = in_order(_plain_rows(session, by_enterprise(query, table), enterprise_ids is None))
            scored = _results(session, kind_models, rows)
            for record_id, enterprise_id, _, _ in rows:
                if (result := scored.get(record_id)) is not None:
                    results[enterprise_id][kind.code] = result  # the latest approved counts
    daily = _same_project_keys(_daily(pack, models, session, period, by_enterprise, enterprise_ids is None), projects)

    project_inputs: dict[int, list[ProjectInput]] = defaultdict(list)
    for project_id, scored in sorted(project_results.items()):
        project = projects[project_id]
        own = [e for e in daily.get(project.enterprise_id, []) if e.project in (project.name, project.permit_no)]
        project_inputs[project.enterprise_id].append(ProjectInput(str(project_id), scored, own))
    inputs = {
        eid: EnterpriseInput(results.get(eid, {}), project_inputs.get(eid, []), daily.get(eid, []))
        for eid in {*results, *project_inputs, *daily}
    }

    grade_table = FinalGradeRecord.__table__
    # The reasons are compared as the JSON text they are stored as: decoding every row costs more
    # than the rest of the comparison.
    stored_query = select(*_STORED_COLUMNS, cast(grade_table.c.reasons, Text).label("reasons")).where(grade_table.c.period == period)
    stored = {
        (row.grade_code, row.enterprise_id, row.project_id): row
        for row in map(StoredGrade._make, _rows(session, by_enterprise(stored_query, grade_table)))
    }

    enterprise_table = Enterprise.__table__
    wanted = {*inputs, *(key[1] for key in stored)}
    enterprise_query = select(enterprise_table.c.id, enterprise_table.c.name, enterprise_table.c.district_id, enterprise_table.c.is_local)
    if enterprise_ids is not None:
        enterprise_query = enterprise_query.where(_among(enterprise_table.c.id, wanted))
    elif span is not None:
        enterprise_query = enterprise_query.where(span.of(enterprise_table.c.id))
    enterprises = {row.id: EnterpriseRow(*row) for row in _rows(session, enterprise_query) if row.id in wanted}

    adjustment_table = GradeAdjustment.__table__
    adjustments: dict[tuple[int, int | None, str], list[adjust.Adjustment]] = defaultdict(list)
    for row in _rows(
        session,
        by_enterprise(
            select(adjustment_table)
            .where(adjustment_table.c.period == period, adjustment_table.c.revoked_on.is_(None))
            .order_by(adjustment_table.c.created_on, adjustment_table.c.id),
            adjustment_table,
        ),
    ):
        adjustments[(row.enterprise_id, row.project_id, row.final_grade)].append(
            adjust.Adjustment(row.direction, row.reason_code, row.note or "")
        )
    return Loaded(inputs, enterprises, projects, adjustments, stored)
