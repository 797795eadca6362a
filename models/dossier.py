"""The materials of an enterprise for one period: one row per uploaded PDF of a checklist entry.

Kept per enterprise, period and material code rather than per assessment, so every kind that shows
the pack's materials checklist (the kind declaring it and those with ``dossier_from``) shows the
same files and the enterprise uploads each once. A record that is submitted keeps what it showed
(its ``dossier`` column); removing a file later does not change that.
"""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from models.base import Stamped, StoredFile
from models.core import Enterprise


class EnterpriseMaterial(StoredFile, Stamped, Model):
    __tablename__ = "enterprise_material"
    __table_args__ = (Index("ix_enterprise_material_enterprise_period", "enterprise_id", "period"),)
    scope_enterprise = "enterprise_id"
    scope_district = "enterprise.district_id"
    scope_dossier = True  # reached only by roles that reach a kind showing the materials checklist

    id = Column(Integer, primary_key=True)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False)
    enterprise = relationship(Enterprise)
    period = Column(String(20), nullable=False)
    material_code = Column(String(64), nullable=False)
