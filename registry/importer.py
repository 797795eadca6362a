"""Upsert registry rows: enterprises by 统一社会信用代码, projects by 施工许可证号.

Rows are checked first (a row with problems is reported with every problem and skipped), then the
good rows of a batch are written in one savepoint. When the database refuses any of them, that
savepoint is rolled back and the batch is written again with a savepoint per row, so the refused
row is reported and the others still land. Work is committed every ``batch_size`` rows, so memory stays flat on long files.
An empty optional cell (项目经理, 建筑面积, 项目地址) never erases a stored value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from criteria.pack import Pack
from models.core import District, Enterprise, Project
from registry.reader import Row
from registry.validate import Problem, RowError, Valid, validate

BATCH_SIZE = 500
PROJECT_FIELDS = ("name", "project_manager", "district_id", "building_area", "address")


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str  # the Chinese column label, or 记录 for the row as a whole
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.field}：{self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    enterprises_created: int = 0
    enterprises_renamed: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def summary(self) -> str:
        return f"新建 {self.created}，更新 {self.updated}，未变化 {self.unchanged}，拒绝 {self.rejected}"

    def reject(self, row: int, problems: list[Problem]) -> None:
        self.rejected += 1
        self.rejections += [Rejection(row, label, reason) for label, reason in problems]


def district_lookup(session: Session, pack: Pack) -> dict[str, int]:
    """Every way a file may name a pack district (name, code, division code) -> district id."""
    ids = {code: id_ for code, id_ in session.execute(select(District.code, District.id))}
    lookup: dict[str, int] = {}
    for district in pack.districts:
        if district.code in ids:
            for key in (district.name, district.code, district.division_code):
                if key:
                    lookup[key.lower()] = ids[district.code]
    return lookup


class _Seen:
    """What earlier rows of this file said, so one file cannot contradict itself."""

    def __init__(self) -> None:
        self.permits: dict[str, int] = {}
        self.enterprises: dict[str, tuple[str, int]] = {}

    def check(self, number: int, row: Valid) -> list[Problem]:
        """Problems with earlier rows; a row without any is remembered."""
        problems: list[Problem] = []
        if row.permit_no in self.permits:
            problems.append(("施工许可证号", f"与第 {self.permits[row.permit_no]} 行的施工许可证号重复"))
        name, where = self.enterprises.get(row.credit_code, (row.enterprise_name, number))
        if name != row.enterprise_name:
            problems.append(("施工单位", f"同一统一社会信用代码在第 {where} 行的企业名称为“{name}”，两处不一致"))
        if not problems:
            self.permits[row.permit_no] = number
            self.enterprises.setdefault(row.credit_code, (row.enterprise_name, number))
        return problems


class _Writer:
    """Upserts checked rows of one batch, with the batch's existing records fetched up front."""

    def __init__(self, session: Session, report: ImportReport, batch: list[tuple[int, Valid]]) -> None:
        self.session = session
        self.report = report
        # Keys fetched up front: a key among them that is not in the dict is known not to exist yet.
        self.codes = {row.credit_code for _, row in batch}
        self.permits = {row.permit_no for _, row in batch}
        self.enterprises = {e.credit_code: e for e in session.scalars(select(Enterprise).where(Enterprise.credit_code.in_(self.codes)))}
        self.projects = {p.permit_no: p for p in session.scalars(select(Project).where(Project.permit_no.in_(self.permits)))}

    def write_all(self, batch: list[tuple[int, Valid]]) -> bool:
        """Every row of the batch in one savepoint (one flush); False, with nothing written or
        counted, when the database refuses any of them: then ``write`` finds which, row by row."""
        tallies: list[tuple[str, dict[str, int]]] = []
        try:
            with self.session.begin_nested():
                for _, row in batch:
                    counts: dict[str, int] = {}
                    tallies.append((self._upsert(row, counts), counts))
        except SQLAlchemyError:
            return False
        for status, counts in tallies:
            self._count(status, counts)
        return True

    def write(self, number: int, row: Valid) -> None:
        counts: dict[str, int] = {}
        try:
            with self.session.begin_nested():
                status = self._upsert(row, counts)
        except SQLAlchemyError as error:
            self.enterprises.pop(row.credit_code, None)  # may be gone with the savepoint: fetch again
            self.projects.pop(row.permit_no, None)
            self.codes.discard(row.credit_code)
            self.permits.discard(row.permit_no)
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
            self.report.reject(number, [("记录", f"数据库拒绝保存：{reason}")])
            return
        self._count(status, counts)

    def _count(self, status: str, counts: dict[str, int]) -> None:
        setattr(self.report, status, getattr(self.report, status) + 1)
        for key, value in counts.items():
            setattr(self.report, key, getattr(self.report, key) + value)

    def _enterprise(self, row: Valid, counts: dict[str, int]) -> Enterprise:
        enterprise = self.enterprises.get(row.credit_code)
        if enterprise is None and row.credit_code not in self.codes:
            enterprise = self.session.scalar(select(Enterprise).where(Enterprise.credit_code == row.credit_code))
        if enterprise is None:
            enterprise = Enterprise(
                credit_code=row.credit_code,
                name=row.enterprise_name,
                is_local=row.is_local,
                district_id=row.enterprise_district_id or row.district_id,
            )
            self.session.add(enterprise)
            counts["enterprises_created"] = 1
        elif enterprise.name != row.enterprise_name:
            enterprise.name = row.enterprise_name
            counts["enterprises_renamed"] = 1
        self.enterprises[row.credit_code] = enterprise
        return enterprise

    def _upsert(self, row: Valid, counts: dict[str, int]) -> str:
        enterprise = self._enterprise(row, counts)
        project = self.projects.get(row.permit_no)
        if project is None and row.permit_no not in self.permits:
            project = self.session.scalar(select(Project).where(Project.permit_no == row.permit_no))
        if project is None:
            project = Project(permit_no=row.permit_no, enterprise=enterprise, **{name: getattr(row, name) for name in PROJECT_FIELDS})
            self.session.add(project)
            self.projects[row.permit_no] = project
            return "created"
        self.projects[row.permit_no] = project
        changed = bool(counts.get("enterprises_renamed"))
        if enterprise.id is None or project.enterprise_id != enterprise.id:
            project.enterprise = enterprise
            changed = True
        for name in PROJECT_FIELDS:
            value = getattr(row, name)
            if value is not None and getattr(project, name) != value:
                setattr(project, name, value)
                changed = True
        return "updated" if changed else "unchanged"


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _begin(session: Session) -> None:
    """Open a real transaction before the first savepoint.

    The sqlite3 driver (Python < 3.12) starts no transaction before a SAVEPOINT, so SQLite would
    treat the first row's savepoint as the transaction and commit on its release.
    """
    connection = session.connection()
    raw: Any = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")


def import_rows(
    session: Session, pack: Pack, rows: Iterable[Row], progress: Callable[[int], None] | None = None, batch_size: int = BATCH_SIZE
) -> ImportReport:
    """Check and upsert ``rows``; commits each batch. ``progress(rows_done)`` is called after each batch."""
    districts = district_lookup(session, pack)
    report = ImportReport()
    seen = _Seen()
    done = 0
    for batch in _batches(rows, batch_size):
        good: list[tuple[int, Valid]] = []
        for number, record in batch:
            try:
                row = validate(record, districts)
            except RowError as error:
                report.reject(number, error.problems)
                continue
            problems = seen.check(number, row)
            if problems:
                report.reject(number, problems)
            else:
                good.append((number, row))
        if good:
            _begin(session)
            if not _Writer(session, report, good).write_all(good):
                writer = _Writer(session, report, good)  # fresh lookups: the batch's savepoint was rolled back
                for number, row in good:
                    writer.write(number, row)
            session.commit()
        done += len(batch)
        if progress is not None:
            progress(done)
    report.rejections.sort(key=lambda r: r.row)
    return report
