"""Core tables: districts, enterprises, projects, people, attachments, history, adjustments, audit.

Each scoped model says how a record belongs to an enterprise and a district through the
``scope_enterprise`` / ``scope_district`` attributes; ``views.scope`` turns them into SQL.
A dotted value (``enterprise.district_id``) goes through a relationship.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
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
)
from sqlalchemy.orm import relationship
from sqlalchemy.sql.expression import false

from criteria.rules import NUMBER_LENGTH
from models.base import Stamped, StoredFile, _now, current_user_id
from models.uniqueness import unique_key


class District(Model):
    """A district of the city; synchronised from the pack's districts file."""

    __tablename__ = "district"
    scope_public = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(50), unique=True, nullable=False)
    division_code = Column(String(12))
    city_reviewed = Column(Boolean, nullable=False, default=False)
    sort_order = Column(Integer, nullable=False, default=0)

    def __str__(self) -> str:
        return self.name


class Enterprise(Stamped, Model):
    """A construction enterprise. ``district`` is where it is registered in this city."""

    __tablename__ = "enterprise"
    scope_enterprise = "id"
    scope_district = "district_id"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    credit_code = Column(String(18), unique=True, nullable=False)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    district = relationship(District)
    is_local = Column(Boolean, nullable=False, default=True)
    licence_no = Column(String(60))
    legal_representative = Column(String(50))
    contact_person = Column(String(50))
    contact_phone = Column(String(30))
    address = Column(String(200))

    def __str__(self) -> str:
        return self.name


class Project(Stamped, Model):
    """A building project that holds a 施工许可证."""

    __tablename__ = "project"
    scope_enterprise = "enterprise_id"
    scope_district = "district_id"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    permit_no = Column(String(60), unique=True, nullable=False)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False, index=True)
    enterprise = relationship(Enterprise)
    project_manager = Column(String(50))
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    district = relationship(District)
    building_area = Column(Numeric(14, 2))
    address = Column(String(200))

    def __str__(self) -> str:
        return self.name


class Person(Stamped, Model):
    """A person of an enterprise with a safety certificate (principal, project leader, ...).

    ``list_code`` places the person on one of the pack's personnel lists; the rows are kept per
    enterprise and reused every period. The certificate scan is a PDF stored like evidence. A person
    is on a list once (by ID number); people without a list or an ID number are not compared."""

    __tablename__ = "person"
    __table_args__ = (
        unique_key(
            "uq_person_list_id_number",
            "enterprise_id",
            "list_code",
            "id_number",
            field="id_number",
            message="身份证号为 {id_number} 的人员已在该名单中",
        ),
    )
    scope_enterprise = "enterprise_id"
    scope_district = "enterprise.district_id"

    id = Column(Integer, primary_key=True)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False, index=True)
    enterprise = relationship(Enterprise)
    name = Column(String(50), nullable=False)
    id_number = Column(String(18))
    role = Column(String(40))
    certificate_no = Column(String(60))
    certificate_valid_until = Column(Date)
    list_code = Column(String(40), index=True)
    scan_name = Column(String(200))
    scan_hash = Column(String(64))
    scan_size = Column(Integer)

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile, Stamped, Model):
    """An uploaded evidence file of an assessment (an item's, or the whole record's), stored on disk
    under its content hash. It goes with a deleted draft, and its scope is its assessment's."""

    __tablename__ = "attachment"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012
    scope_assessment = "assessment_id"

    id = Column(Integer, primary_key=True)
    assessment_id = Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True)
    assessment = relationship("AssessmentRecord", viewonly=True)
    item_code = Column(String(64))


class ReviewHistory(Model):
    """One workflow step taken on an assessment: who moved it from which state to which."""

    __tablename__ = "review_history"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012
    scope_assessment = "assessment_id"

    id = Column(Integer, primary_key=True)
    assessment_id = Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True)
    assessment = relationship("AssessmentRecord", viewonly=True)
    item_code = Column(String(64))  # set for a decision on one item
    action = Column(String(40), nullable=False)
    from_state = Column(String(40))
    to_state = Column(String(40), nullable=False)
    opinion = Column(Text)
    # An item decision keeps the round's scores: what the filler claimed, what the reviewer fixed,
    # and whether the reviewer accepted (√) or overrode (×) the claim.
    self_score = Column(Numeric(6, 2))
    assessed_score = Column(Numeric(6, 2))
    score_decision = Column(String(20))
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    user = relationship("AppUser")
    created_on = Column(DateTime, nullable=False, default=_now)


class GradeAdjustment(Model):
    """A dynamic adjustment (promote one grade, or judge 不合格 directly) of a final grade."""

    __tablename__ = "grade_adjustment"
    scope_enterprise = "enterprise_id"
    scope_district = "enterprise.district_id"

    id = Column(Integer, primary_key=True)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False, index=True)
    enterprise = relationship(Enterprise)
    project_id = Column(Integer, ForeignKey("project.id"))
    project = relationship(Project)
    period = Column(String(20), nullable=False)
    final_grade = Column(String(40), nullable=False)
    direction = Column(String(20), nullable=False)
    reason_code = Column(String(40), nullable=False)
    note = Column(Text)
    created_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), default=current_user_id)
    approved_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_on = Column(DateTime, nullable=False, default=_now)
    revoked_on = Column(DateTime)  # a revoked adjustment stays on record but no longer applies
    revoked_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    revoke_note = Column(Text)

    def __str__(self) -> str:
        return f"{self.final_grade} {self.direction} {self.reason_code}"


class AuditLog(Model):
    """Who changed what and when; readable by administrators only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)  # a record's history
    scope_admin_only = True

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    user = relationship("AppUser")
    action = Column(String(20), nullable=False)
    table_name = Column(String(80), nullable=False)
    record_id = Column(String(40))
    detail = Column(JSON)
    created_on = Column(DateTime, nullable=False, default=_now, index=True)

    @property
    def change(self) -> tuple[str, Any]:
        """The table and the detail together: the audit screen names each column by its table's labels."""
        return self.table_name, self.detail


user_district = Table(
    "ab_user_district",
    Model.metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False),
    Column("district_id", Integer, ForeignKey("district.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("user_id", "district_id"),
)


class AppUser(User):
    """A login with the records it is attached to: its enterprise, or its district(s)."""

    __tablename__ = "ab_user"

    # use_alter: enterprise rows point back at ab_user (created_by_fk), a cycle.
    enterprise_id = Column(Integer, ForeignKey("enterprise.id", ondelete="SET NULL", use_alter=True))
    enterprise = relationship(Enterprise, foreign_keys=[enterprise_id])
    districts = relationship(District, secondary=user_district)
    # Login hardening (accounts.lockout): FAB counts failures in fail_login_count; this is when the
    # current run of failures began, and until when the account refuses every login.
    failed_login_since = Column(DateTime)
    locked_until = Column(DateTime)
    # Set when an admin opens or resets the account: the user must choose a password first.
    must_change_password = Column(Boolean, nullable=False, default=False, server_default=false())
    # Every session and API token carries the generation it was issued under; logging out, a password
    # change or reset and deactivation move it on, ending them all (accounts.sessions).
    session_generation = Column(Integer, nullable=False, default=0, server_default="0")

    def get_full_name(self) -> str:
        """The person's name as it is written: a Chinese name (both parts in Chinese) surname first,
        without a space (FAB writes first and last name with one); the login name when none is given."""
        first, last = (self.first_name or "").strip(), (self.last_name or "").strip()
        if (first or last) and all("\u4e00" <= ch <= "\u9fff" or ch == "·" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip() or self.username


class FormVerification(Model):
    """The verification code printed on a filled form; /verify/<code> confirms it is genuine. One per
    assessment, kept as long as the assessment (a deleted draft's code goes with it)."""

    __tablename__ = "form_verification"
    __table_args__ = (
        UniqueConstraint("number", name="uq_form_verification_number"),
        UniqueConstraint("number_series", "number_serial", name="uq_form_verification_series_serial"),
        {"sqlite_autoincrement": True},
    )
    scope_assessment = "assessment_id"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), unique=True, nullable=False)
    assessment_id = Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, unique=True)
    assessment = relationship("AssessmentRecord", viewonly=True)
    created_on = Column(DateTime, nullable=False, default=_now)
    # The form's 编号 (pack.yaml print.number), given at its first print as a settled result.
    number = Column(String(NUMBER_LENGTH))
    number_series = Column(String(NUMBER_LENGTH))  # the number with its serial left open
    number_serial = Column(Integer)
