"""Enterprise self-registration: an application that becomes an enterprise and its login on approval.

Nothing but this row exists until the district authority (or an admin) approves: no enterprise in
the registry, no account that could log in. ``pending_credit_code`` and ``pending_username`` carry
the code and name while the application is open and are cleared when it is decided; being unique,
they refuse a second open application for the same code or name even when two arrive at once.
"""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from models.base import _now
from models.core import District, Enterprise

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATE_LABELS = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "未通过"}


class EnterpriseRegistration(Model):
    __tablename__ = "enterprise_registration"
    scope_district = "district_id"  # the district authority of the registered district decides

    id = Column(Integer, primary_key=True)
    enterprise_name = Column(String(200), nullable=False)
    credit_code = Column(String(18), nullable=False, index=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    district = relationship(District)
    contact_person = Column(String(50), nullable=False)
    mobile = Column(String(30), nullable=False)
    username = Column(String(128), nullable=False, index=True)
    password_hash = Column(String(256), nullable=False)
    state = Column(String(20), nullable=False, default=PENDING, index=True)
    pending_credit_code = Column(String(18), unique=True)
    pending_username = Column(String(128), unique=True)
    reason = Column(Text)
    created_on = Column(DateTime, nullable=False, default=_now)
    decided_on = Column(DateTime)
    decided_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    decided_by = relationship("AppUser", foreign_keys=[decided_by_fk])
    enterprise_id = Column(Integer, ForeignKey("enterprise.id", ondelete="SET NULL"))
    enterprise = relationship(Enterprise)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))

    def __str__(self) -> str:
        return self.enterprise_name
