"""Running the assessment periods (考核年度): open, recompute with a preview, close, publish.

Closing freezes a period's final grades with the criteria version they were computed under; it is
refused while a recompute would still change any of them (preview and recompute first), so what is
frozen is what the guide in force computes. A closed period is recomputed by nothing (approvals and
adjustments leave its grades as they are) until it is reopened; a published one stays closed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, union, update

from grading import lines_of, plan, preview
from models import FinalGradeRecord, assessment_table, db
from models.criteria_versions import active_version
from models.periods import CLOSED, OPEN, PUBLISHED, STATE_LABELS, AssessmentPeriod, state_of
from services.errors import Invalid

YEAR_FROM, YEAR_TO = 2000, 2100


@dataclass(frozen=True)
class PeriodRow:
    period: str
    state: str
    grades: int
    version: str  # the criteria version its grades were frozen under ('' while open)
    closed_on: datetime.datetime | None
    published_on: datetime.datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def periods() -> list[PeriodRow]:
    """Every period with assessments, grades or a state of its own, newest first."""
    known = union(
        select(assessment_table.c.period),
        select(FinalGradeRecord.period),
        select(AssessmentPeriod.period),
    ).subquery()
    names = sorted({str(p) for p in db.session.scalars(select(known.c[0])) if p}, reverse=True)
    rows = {row.period: row for row in db.session.scalars(select(AssessmentPeriod))}
    counts = dict(db.session.execute(select(FinalGradeRecord.period, func.count()).group_by(FinalGradeRecord.period)).all())
    found = []
    for name in names:
        row = rows.get(name)
        found.append(
            PeriodRow(
                name,
                row.state if row else OPEN,
                counts.get(name, 0),
                str(row.criteria_version) if row and row.criteria_version else "",
                row.closed_on if row else None,
                row.published_on if row else None,
            )
        )
    return found


def _row(period: str) -> AssessmentPeriod:
    found = db.session.scalar(select(AssessmentPeriod).where(AssessmentPeriod.period == period))
    if found is None:
        found = AssessmentPeriod(period=period, state=OPEN)
        db.session.add(found)
    return found


def checked_period(text: str) -> str:
    """A period as typed: a year between YEAR_FROM and YEAR_TO."""
    value = (text or "").strip()
    if not value.isdigit() or not YEAR_FROM <= int(value) <= YEAR_TO:
        raise Invalid(f"考核年度应为 {YEAR_FROM}～{YEAR_TO} 之间的四位年份，收到“{value[:20]}”", {"period": "应为四位年份"})
    return value


def open_period(text: str) -> str:
    period = checked_period(text)
    if db.session.scalar(select(AssessmentPeriod.id).where(AssessmentPeriod.period == period)) is not None:
        raise Invalid(f"{period} 年度已存在（{STATE_LABELS[state_of(db.session, period)]}），未做修改")
    _row(period)
    db.session.commit()
    return period


def _models() -> dict:
    return current_app.extensions["kind_models"]


def _processes() -> int:
    """RECOMPUTE_PROCESSES: the session holds nothing unwritten here, so forked passes read what it would."""
    return current_app.config["RECOMPUTE_PROCESSES"]


def planned(period: str) -> list[str]:
    """Every grade of the period whose label or score a recompute under the guide in force changes."""
    version = active_version()
    return preview(db.session, version.pack, _models(), period, version.id, _processes())


def fingerprint(lines: list[str]) -> str:
    """What a preview showed: the recompute applies only while the same changes are due."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def apply_recompute(period: str, shown: str, progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Recompute the open period in one transaction, when the changes due are those previewed;
    ``progress`` gets the enterprises graded and their number."""
    period = checked_period(period)
    if state_of(db.session, period) != OPEN:
        raise Invalid(f"{period} 年度已关闭，最终等次已冻结，未重算")
    version = active_version()
    # planned once, and written uncommitted: what is checked against the preview is what is written
    plans = plan(db.session, version.pack, _models(), period, version.id, progress, _processes(), write=True)
    if fingerprint(lines_of(plans)) != shown:
        db.session.rollback()
        raise Invalid("预览之后等次的计算依据发生了变化（有新的审核、调整或考核标准修订），未重算；请重新预览")
    db.session.commit()
    return lines_of(plans)


def close(period: str, user_id: int | None) -> int:
    """Freeze the open period's grades under the version in force; returns how many were frozen."""
    period = checked_period(period)
    if state_of(db.session, period) != OPEN:
        raise Invalid(f"{period} 年度已关闭，不能重复关闭")
    due = planned(period)
    if due:
        db.session.rollback()
        raise Invalid(f"{period} 年度有 {len(due)} 项最终等次与现行考核标准的计算结果不一致，未关闭：请先在“等次重算”中预览并重算")
    version = active_version()
    row = _row(period)
    row.state, row.criteria_version_id, row.closed_on, row.closed_by_fk = CLOSED, version.id, datetime.datetime.now(), user_id
    frozen = db.session.execute(
        update(FinalGradeRecord).where(FinalGradeRecord.period == period).values(criteria_version_id=version.id)
    ).rowcount
    db.session.commit()
    return frozen


def reopen(period: str) -> None:
    period = checked_period(period)
    state = state_of(db.session, period)
    if state == PUBLISHED:
        raise Invalid(f"{period} 年度的等次已发布，不能重新开启")
    if state == OPEN:
        raise Invalid(f"{period} 年度进行中，无需重新开启")
    _row(period).state = OPEN
    db.session.commit()


def publish(period: str, user_id: int | None) -> None:
    period = checked_period(period)
    if state_of(db.session, period) != CLOSED:
        raise Invalid(f"{period} 年度须先关闭（冻结等次）才能发布")
    row = _row(period)
    row.state, row.published_on, row.published_by_fk = PUBLISHED, datetime.datetime.now(), user_id
    db.session.commit()
