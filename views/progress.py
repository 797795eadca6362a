"""The period's progress per district (the city station's home page): how many records of the
period each district has in draft, waiting for review, sent back (returned or in 整改) and settled.

Each state is grouped by the kind's workflow, as the worklist reads it: the initial state is 草稿, a
state a review step leaves is 待审核, a state no step leaves is 已完成, any other is 退回/整改中.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import District
from models.aggregate import AssessmentRecord
from models.record_scores import final_states

GROUPS = ("草稿", "待审核", "退回/整改中", "已完成")


@dataclass
class DistrictProgress:
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _group(kind: Kind, state: str) -> str:
    if state == kind.workflow.initial:
        return GROUPS[0]
    if state in final_states(kind):
        return GROUPS[3]
    if any(state in step.from_states for step in kind.workflow.transitions if not step.self_review):
        return GROUPS[1]
    return GROUPS[2]


def latest_period(session: Session) -> str | None:
    return session.execute(select(func.max(AssessmentRecord.period))).scalar_one_or_none()


def district_progress(session: Session, pack: Pack, period: str) -> list[DistrictProgress]:
    """One row per district (in the registry's order), counting the period's records of the pack's kinds."""
    districts = session.execute(select(District.id, District.name).order_by(District.sort_order, District.id)).all()
    rows = {district_id: DistrictProgress(name) for district_id, name in districts}
    counted = select(AssessmentRecord.district_id, AssessmentRecord.kind, AssessmentRecord.state, func.count())
    counted = counted.where(AssessmentRecord.period == period).group_by(
        AssessmentRecord.district_id, AssessmentRecord.kind, AssessmentRecord.state
    )
    for district_id, kind_code, state, count in session.execute(counted):
        kind = pack.kinds.get(kind_code)
        if kind is not None and district_id in rows:
            rows[district_id].counts[_group(kind, state)] += count
    return list(rows.values())
