"""The assessment aggregate's core tables, owned by Alembic.

``assessment`` holds one row per record of any kind: its kind, subject, period, state, the criteria
version it was filed under, its result, and the district it is scoped by (fixed when it is created:
the project's district for a project kind, the enterprise's otherwise). ``assessment_item`` holds its
item rows. A kind's own header fields live in ``assessment_<kind>`` (``models.assessments``), joined
by id. Evidence, history and verification codes refer to ``assessment.id`` by foreign key and take
their data scope from it. Ids are never reused (AUTOINCREMENT on SQLite).

``AssessmentRecord`` is a read-only view of the core row for the tables that point at it (a history
row names its record through it); every write goes through the kind classes of ``models.assessments``.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Session, relationship
from sqlalchemy.sql.expression import false

from models.base import named, stamp_columns
from models.core import District, Enterprise, Project
from models.criteria_versions import CriteriaVersion  # noqa: F401  (the table the records refer to)

# Where the record stands in its kind's workflow; the 待办 and review lists filter and sort by these.
CORE_INDEXES = (
    ("ix_assessment_kind_enterprise_period", ("kind", "enterprise_id", "period", "state")),
    ("ix_assessment_kind_project_period", ("kind", "project_id", "period", "state")),
    ("ix_assessment_kind_district_state", ("kind", "district_id", "state")),
    # a kind's list newest first (the city's, a district's, an enterprise's), read in index order: the
    # key breaks ties, so neither database sorts (views.scoped_data orders by the core key)
    ("ix_assessment_kind_changed", ("kind", "changed_on", "id")),
    ("ix_assessment_kind_district_changed", ("kind", "district_id", "changed_on", "id")),
    ("ix_assessment_kind_enterprise_changed", ("kind", "enterprise_id", "changed_on", "id")),
    ("ix_assessment_criteria_version_id", ("criteria_version_id",)),
)


def this_year() -> str:
    return str(datetime.date.today().year)


assessment_table = Table(
    "assessment",
    Model.metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("enterprise_id", Integer, ForeignKey("enterprise.id"), nullable=False),
    Column("project_id", Integer, ForeignKey("project.id")),
    # The district the record is scoped by, fixed at creation (see the module's docstring).
    Column("district_id", Integer, ForeignKey("district.id"), nullable=False),
    Column("period", String(20), nullable=False, default=this_year),
    Column("state", String(30), nullable=False, default="draft"),
    Column("criteria_pack", String(40), nullable=False),
    Column("criteria_version", String(80), nullable=False),  # as shown and printed
    # The stored version the record was filed under: its scoring, screens and form use it.
    Column("criteria_version_id", Integer, ForeignKey("criteria_version.id"), nullable=False),
    Column("total", Numeric(7, 2)),
    Column("grade", String(30)),
    # The scorer's verdict, fixed when the record reaches a final state (models.record_scores.settle).
    Column("result", JSON),
    # A rated kind: the band the reviewer chose; 整改 rounds: when the current one opened and its
    # deadline. The materials and personnel lists as submitted.
    Column("rating", String(30)),
    Column("rectification_opened", DateTime),
    Column("rectification_due", Date),
    Column("dossier", JSON),
    # Optimistic locking: a save based on an outdated read fails instead of overwriting.
    Column("lock_version", Integer, nullable=False, default=1, server_default="1"),
    *named(stamp_columns()),
    *(Index(name, *columns) for name, columns in CORE_INDEXES),
    sqlite_autoincrement=True,
)
assessment_item_table = Table(
    "assessment_item",
    Model.metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("item_code", String(64), nullable=False),
    Column("not_applicable", Boolean, nullable=False, default=False),
    Column("self_score", Numeric(6, 2)),
    Column("assessed_score", Numeric(6, 2)),
    # The reviewer's decision on the score: accept (√, assessed = self) or override (×, its own score).
    Column("score_decision", String(20)),
    Column("results", JSON),
    Column("opinion", Text),
    Column("review_status", String(20), nullable=False, default="pending"),
    # The filler changed the item after the reviewer passed it: it is reviewed again (RULES §3.6).
    Column("changed_since_review", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("assessment_id", "item_code", name="uq_assessment_item_code"),
    sqlite_autoincrement=True,
)


class AssessmentRecord(Model):
    """The core row of an assessment, read-only, for the tables that refer to one (its evidence,
    history rows and verification codes): what it is and whose it is, never a way to change it."""

    __table__ = assessment_table
    __audited__ = False  # never written through this class
    scope_enterprise = "enterprise_id"
    scope_district = "district_id"
    scope_kind_column = "kind"

    # A list of evidence or history rows names each row's record: loaded with it, not row by row.
    enterprise = relationship(Enterprise, viewonly=True, lazy="joined")
    project = relationship(Project, viewonly=True, lazy="joined")
    district = relationship(District, viewonly=True)

    def __str__(self) -> str:
        return record_label(self)


def record_label(record: Any) -> str:
    """How a record is named in lists: its subject, its kind's short name and its period."""
    subject = record.project if record.project_id else record.enterprise
    return f"{subject or ''} {kind_name(record.kind)} {record.period or ''}".strip()


def kind_name(code: str) -> str:
    """A kind's short name in the running pack (the code when the pack no longer declares it)."""
    try:
        from flask import current_app

        kind = current_app.extensions["criteria_pack"].kinds.get(code)
    except (RuntimeError, KeyError):
        kind = None
    return kind.short_name if kind is not None else code


def busiest_kind(session: Session, kinds: list[str]) -> tuple[str, int]:
    """The kind among ``kinds`` with the most records, and their number: the heaviest list, what
    the benchmarks measure."""
    table = assessment_table
    counts = dict(session.execute(select(table.c.kind, func.count()).where(table.c.kind.in_(kinds)).group_by(table.c.kind)).all())
    kind = max(kinds, key=lambda code: counts.get(code, 0))
    return kind, counts.get(kind, 0)
