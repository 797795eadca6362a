"""Tables: the core registry and the assessment tables generated from the criteria."""

from models import sqlite_settings  # noqa: F401  (connection settings for every SQLite engine)
from models.aggregate import AssessmentRecord, assessment_item_table, assessment_table
from models.assessments import KindModels, Layout, pack_layout, pack_models
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
from models.jobs import Job
from models.login import LoginCaptcha, LoginThrottle, SpentToken
from models.periods import AssessmentPeriod
from models.registration import EnterpriseRegistration
from models.vetoes import RecordVeto
from models.workers import PlatformWorker

__all__ = [
    "AppUser",
    "AssessmentPeriod",
    "AssessmentRecord",
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
    "Job",
    "KindModels",
    "Layout",
    "LoginCaptcha",
    "LoginThrottle",
    "Person",
    "PlatformWorker",
    "Project",
    "RecordVeto",
    "ReviewHistory",
    "SpentToken",
    "assessment_item_table",
    "assessment_table",
    "db",
    "pack_layout",
    "pack_models",
]
