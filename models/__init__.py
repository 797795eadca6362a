"""Tables: the core registry and the assessment tables generated from the criteria."""

from models import sqlite_settings  # noqa: F401  (connection settings for every SQLite engine)
from models.assessments import KindModels, kind_models, pack_models, pack_tables
from models.base import db
from models.core import (
    AppUser,
    Attachment,
    AuditLog,
    District,
    Enterprise,
    FormVerification,
    GradeAdjustment,
    Person,
    Project,
    ReviewHistory,
)
from models.criteria_versions import CriteriaVersion
from models.dossier import EnterpriseMaterial
from models.grades import FinalGradeRecord
from models.login import LoginCaptcha
from models.registration import EnterpriseRegistration

__all__ = [
    "AppUser",
    "Attachment",
    "AuditLog",
    "CriteriaVersion",
    "District",
    "Enterprise",
    "EnterpriseMaterial",
    "EnterpriseRegistration",
    "FinalGradeRecord",
    "FormVerification",
    "GradeAdjustment",
    "KindModels",
    "LoginCaptcha",
    "Person",
    "Project",
    "ReviewHistory",
    "db",
    "kind_models",
    "pack_models",
    "pack_tables",
]
