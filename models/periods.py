"""Assessment periods (考核年度) as the city station runs them: open, closed, published.

A period without a row is open (every period was, before periods could close). Closing freezes its
final grades: no recompute, approval or adjustment changes them afterwards, and each keeps the
criteria version it was computed under. Publishing announces the frozen grades.
"""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Session, relationship

from models.base import _now

OPEN, CLOSED, PUBLISHED = "open", "closed", "published"
STATE_LABELS = {OPEN: "进行中", CLOSED: "已关闭（等次已冻结）", PUBLISHED: "已发布"}


class AssessmentPeriod(Model):
    """One period's state and who moved it when."""

    __tablename__ = "period"

    id = Column(Integer, primary_key=True)
    period = Column(String(20), nullable=False, unique=True)
    state = Column(String(20), nullable=False, default=OPEN)
    criteria_version_id = Column(Integer, ForeignKey("criteria_version.id"))  # frozen under
    criteria_version = relationship("CriteriaVersion")
    closed_on = Column(DateTime)
    closed_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    closed_by = relationship("AppUser", foreign_keys=[closed_by_fk])
    published_on = Column(DateTime)
    published_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    published_by = relationship("AppUser", foreign_keys=[published_by_fk])
    changed_on = Column(DateTime, nullable=False, default=_now, onupdate=_now)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    def __str__(self) -> str:
        return f"{self.period} 年度（{self.state_label}）"


def state_of(session: Session, period: str) -> str:
    """open | closed | published (a period without a row is open)."""
    return session.scalar(select(AssessmentPeriod.state).where(AssessmentPeriod.period == str(period))) or OPEN


def frozen(session: Session, period: str) -> bool:
    """Whether the period's final grades are frozen (closed or published)."""
    return state_of(session, period) != OPEN
