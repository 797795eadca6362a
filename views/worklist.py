"""What waits for the user on the home page (首页待办): records to review, returned records with their
reason, 整改 rounds with the days left, drafts; each inside the user's data scope, with a link to
its 办理 page.

Which records wait is read from the pack's workflow, as the 办理 page decides it: a record waits for
review when a review step (one the record's own enterprise may not take) leaves its state and the
user holds one of the step's roles, routed by the district (``review_routing``); it waits for the
filler in an editable or rectification state.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, has_request_context, request
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session, joinedload

from criteria.pack import Kind, Pack
from models import District, ReviewHistory
from models.aggregate import AssessmentRecord
from views.scope import UserScope, scope_clause
from workflow.deadlines import deadline_zh

SHOWN = 20  # rows per section; the count says how many there are


@dataclass
class Row:
    kind: Kind
    record: Any
    note: str = ""  # the record's district; for a returned record its reason, in 整改 the deadline
    overdue: bool = False


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    count: int = 0


def review_clause(kind: Kind, roles: frozenset[str]) -> Any:
    """Records of ``kind`` the holder of ``roles`` may review now, by state and district routing
    (as ``workflow.rules`` routes them: a role listed for one side only reviews that side)."""
    routing = kind.workflow.review_routing
    clauses = []
    for step in kind.workflow.transitions:
        allowed = set(step.roles) & roles
        if step.self_review or not allowed:
            continue
        sides = {_side(routing, role) for role in allowed}
        clause = AssessmentRecord.state.in_(step.from_states)
        if len(sides) == 1 and None not in sides:
            reviewed = select(District.id).where(District.city_reviewed.is_(sides.pop()))
            clause = and_(clause, AssessmentRecord.district_id.in_(reviewed))
        clauses.append(clause)
    return or_(*clauses) if clauses else false()


LISTING = ("list", "export", "export_pdf", "export_xlsx")  # the endpoints of a list and its exports


class WaitingForReview(BaseFilter):
    """A kind's 待审核 list (and its exports) shows only what the user may review now
    (``review_clause``); the administrator sees the whole queue. Opening one record stays a matter
    of the data scope alone, as on every other list."""

    name = "待我审核"
    arg_name = "waiting_for_review"

    def apply(self, query: Any, kind: Kind) -> Any:
        if not has_request_context() or (request.endpoint or "").rsplit(".", 1)[-1] not in LISTING:
            return query
        pack = current_app.extensions["criteria_pack"]
        roles = [pack.role_by_label(role.name) for role in getattr(getattr(g, "user", None), "roles", ())]
        if any(role is not None and role.admin for role in roles):
            return query
        return query.filter(review_clause(kind, frozenset(role.code for role in roles if role is not None)))


def _side(routing: Any, role: str) -> bool | None:
    """True: the role reviews only city-reviewed districts; False: only the others; None: both."""
    if routing is None:
        return None
    city, other = role in routing.city_reviewed, role in routing.other
    return city if city != other else None


def _fill_clause(kind: Kind, roles: frozenset[str], flag: str) -> Any:
    states = [s.code for s in kind.workflow.states if getattr(s, flag)]
    return AssessmentRecord.state.in_(states) if kind.filled_by in roles and states else false()


def _section(session: Session, title: str, query: Any, pack: Pack) -> Section:
    """The section's count, and its most recently updated records (only those are loaded)."""
    count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    newest = query.order_by(AssessmentRecord.changed_on.desc(), AssessmentRecord.id.desc()).limit(SHOWN)
    records = session.execute(newest.options(joinedload(AssessmentRecord.district))).scalars().unique().all()
    rows = [Row(pack.kinds[r.kind], r, r.district.name if r.district else "") for r in records if r.kind in pack.kinds]
    return Section(title, rows, count)


def _reasons(session: Session, section: Section) -> None:
    """Each returned record's latest opinion: why it came back."""
    ids = [row.record.id for row in section.rows]
    if not ids:
        return
    latest: dict[int, str] = {}
    query = select(ReviewHistory.assessment_id, ReviewHistory.opinion).where(
        ReviewHistory.assessment_id.in_(ids), ReviewHistory.item_code.is_(None), ReviewHistory.opinion.is_not(None)
    )
    for record_id, opinion in session.execute(query.order_by(ReviewHistory.id)):
        latest[record_id] = opinion
    for row in section.rows:
        row.note = latest.get(row.record.id, "")


def worklist(session: Session, pack: Pack, roles: frozenset[str], scope: UserScope, today: datetime.date) -> list[Section]:
    """The sections of the home page for the holder of ``roles`` (role codes) in ``scope``."""
    kinds = [kind for kind in pack.kinds.values() if scope.kinds is None or kind.code in scope.kinds]
    base = select(AssessmentRecord)
    where = scope_clause(AssessmentRecord, scope)
    if where is not None:
        base = base.where(where)

    def of(clause: Any) -> Any:
        return base.where(or_(*[and_(AssessmentRecord.kind == kind.code, clause(kind)) for kind in kinds]) if kinds else false())

    review = _section(session, "待我审核", of(lambda kind: review_clause(kind, roles)), pack)
    returned = _section(session, "退回待修改", of(lambda kind: and_(_fill_clause(kind, roles, "editable"), _returned(kind))), pack)
    _reasons(session, returned)
    rectifying = _section(session, "整改中", of(lambda kind: _fill_clause(kind, roles, "rectification")), pack)
    for row in rectifying.rows:
        due = row.record.rectification_due
        if due is not None:
            left = (due - today).days
            row.overdue = left < 0
            row.note = f"整改期限 {deadline_zh(due)}，" + (f"已逾期 {-left} 天" if left < 0 else f"剩余 {left} 天")
    drafts = _section(session, "草稿", of(lambda kind: and_(_fill_clause(kind, roles, "editable"), ~_returned(kind))), pack)
    return [section for section in (review, returned, rectifying, drafts) if section.count]


def _returned(kind: Kind) -> Any:
    """Editable states a step sends a record back to (not the initial draft)."""
    back = {step.to for step in kind.workflow.transitions if step.to != kind.workflow.initial}
    states = [s.code for s in kind.workflow.states if s.editable and s.code in back]
    return AssessmentRecord.state.in_(states) if states else false()
