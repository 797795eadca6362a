"""Vetoes (否决项) a reviewer recorded on an assessment, e.g. a safety director not appointed.

A veto names one of the kind's declared vetoes, with the reviewer's opinion and an evidence file (an
``Attachment`` of the record). It forces the band the kind declares for it whenever the record is
scored. A withdrawn veto stays on record, with who withdrew it and why, and no longer applies.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from models.base import _now, current_user_id

VETO_EVIDENCE = "veto:"  # Attachment.item_code prefix of a veto's evidence file


class RecordVeto(Model):
    __tablename__ = "record_veto"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012
    scope_assessment = "assessment_id"

    id = Column(Integer, primary_key=True)
    assessment_id = Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True)
    assessment = relationship("AssessmentRecord", viewonly=True)
    veto_code = Column(String(40), nullable=False)
    opinion = Column(Text, nullable=False)
    attachment_id = Column(Integer, ForeignKey("attachment.id", ondelete="SET NULL"))
    attachment = relationship("Attachment", viewonly=True)
    created_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), default=current_user_id)
    created_by = relationship("AppUser", foreign_keys=[created_by_fk], viewonly=True)
    created_on = Column(DateTime, nullable=False, default=_now)
    withdrawn_on = Column(DateTime)
    withdrawn_by_fk = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    withdrawn_by = relationship("AppUser", foreign_keys=[withdrawn_by_fk], viewonly=True)
    withdraw_opinion = Column(Text)

    def __str__(self) -> str:
        return self.veto_code

    def as_json(self) -> dict[str, Any]:
        """As the record's REST answer lists it (``file``: the evidence's attachment id)."""
        return {
            "id": self.id,
            "code": self.veto_code,
            "opinion": self.opinion,
            "file": self.attachment_id,
            "withdrawn": bool(self.withdrawn_on),
        }
