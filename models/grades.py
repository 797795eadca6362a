"""Stored final grades: one row per final grade, period and enterprise (or project), with reasons."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import relationship

from models.base import _now
from models.core import District, Enterprise, Project


class FinalGradeRecord(Model):
    """A computed final grade and the grade shown after the dynamic adjustments."""

    __tablename__ = "final_grade"
    __table_args__ = (
        UniqueConstraint("period", "grade_code", "enterprise_id", "project_id"),
        Index("ix_final_grade_enterprise_period", "enterprise_id", "period"),
        # a pass of a period's full recompute reads the grades of a range of enterprises
        Index("ix_final_grade_period_enterprise", "period", "enterprise_id"),
        # a grade's evaluation list, best score first: the city's, a district's, an enterprise's
        Index("ix_final_grade_code_score", "grade_code", "score", "id"),
        Index("ix_final_grade_code_district_score", "grade_code", "district_id", "score", "id"),
        Index("ix_final_grade_code_enterprise_score", "grade_code", "enterprise_id", "score", "id"),
    )
    scope_enterprise = "enterprise_id"
    scope_district = "district_id"  # the enterprise's district, or the project's for a project grade

    id = Column(Integer, primary_key=True)
    period = Column(String(20), nullable=False)
    grade_code = Column(String(40), nullable=False)
    grade_name = Column(String(50), nullable=False)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False)
    enterprise = relationship(Enterprise)
    project_id = Column(Integer, ForeignKey("project.id"), index=True)
    project = relationship(Project)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    district = relationship(District)
    is_local = Column(Boolean, nullable=False, default=True, index=True)
    score = Column(Numeric(7, 2))
    computed_band = Column(String(30))
    computed_label = Column(String(30))
    band = Column(String(30), index=True)
    label = Column(String(30))
    forced = Column(Boolean, nullable=False, default=False)
    reasons = Column(JSON)
    computed_on = Column(DateTime, nullable=False, default=_now)
    # the criteria version in force when the grade was last computed (empty: computed before this was kept)
    criteria_version_id = Column(Integer, ForeignKey("criteria_version.id"))
    criteria_version = relationship("CriteriaVersion")

    @property
    def version_shown(self) -> str:
        return str(self.criteria_version) if self.criteria_version is not None else "（未记录）"

    def __str__(self) -> str:
        return f"{self.grade_name} {self.label or ''}"
