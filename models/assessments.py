"""Generate one assessment table (plus its item rows) per assessment kind of a pack.

A kind's table has the built-in columns every assessment needs (subject, period, state, the
criteria version it was filed under, total and grade) and one column per declared header field.
Item scores live in rows, so adding or renaming an item changes data, not the schema.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
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
)
from sqlalchemy.orm import relationship

from criteria.pack import HeaderField, Kind, Pack
from models.base import Stamped
from models.core import Enterprise, Project

PHONE_LENGTH = 30
CHOICE_LENGTH = 64
DEFAULT_STRING_LENGTH = 200


def column_type(field: HeaderField) -> Any:
    """The SQL type of a header field (every header column is nullable: drafts may be partial)."""
    return {
        "string": lambda: String(field.max_length or DEFAULT_STRING_LENGTH),
        "text": Text,
        "integer": Integer,
        "decimal": lambda: Numeric(14, 2),
        "date": Date,
        "boolean": Boolean,
        "phone": lambda: String(PHONE_LENGTH),
        "choice": lambda: String(CHOICE_LENGTH),
    }[field.type]()


@dataclass(frozen=True)
class KindModels:
    """The mapped classes generated for one kind."""

    kind_code: str
    assessment: type
    item: type

    @property
    def tables(self) -> list[Table]:
        return [self.assessment.__table__, self.item.__table__]


def class_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


def table_name(kind_code: str) -> str:
    return f"assessment_{kind_code}"


_generated: dict[tuple, KindModels] = {}


def _signature(kind: Kind) -> tuple:
    """What the schema of a kind depends on (items do not change it)."""
    return (kind.code, kind.subject, tuple((f.code, f.type, f.max_length) for f in kind.header_fields))


def _this_year() -> str:
    return str(datetime.date.today().year)


def _describe(self: Any) -> str:
    subject = self.project if self.project_id else self.enterprise
    return f"{subject or ''} {self.period or ''}".strip()


def kind_models(kind: Kind) -> KindModels:
    """The mapped classes of ``kind``, generated once per process for each table layout."""
    signature = _signature(kind)
    if signature in _generated:
        return _generated[signature]
    name = class_name(kind.code)
    table = table_name(kind.code)
    # Optimistic locking: a save based on an outdated read fails instead of overwriting.
    lock_version = Column(Integer, nullable=False, default=1, server_default="1")
    attrs: dict[str, Any] = {
        "__tablename__": table,
        # A subject's records of a period: what recomputing one enterprise's grades reads.
        "__table_args__": (Index(f"ix_{table}_enterprise_period", "enterprise_id", "period", "state"),
                           Index(f"ix_{table}_project_period", "project_id", "period", "state"),
                           {"extend_existing": True}),
        "kind_code": kind.code,
        "id": Column(Integer, primary_key=True),
        "enterprise_id": Column(Integer, ForeignKey("enterprise.id"), nullable=False, index=True),
        "enterprise": relationship(Enterprise),
        "project_id": Column(Integer, ForeignKey("project.id"), nullable=kind.subject != "project", index=True),
        "project": relationship(Project),
        "period": Column(String(20), nullable=False, index=True, default=_this_year),
        "state": Column(String(30), nullable=False, default="draft", index=True),
        "criteria_pack": Column(String(40), nullable=False),
        "criteria_version": Column(String(80), nullable=False),
        "total": Column(Numeric(7, 2)),
        "grade": Column(String(30)),
        # The scorer's verdict, fixed when the record reaches a final state (see
        # models.record_scores.settle): final grades read it instead of rescoring every item.
        "result": Column(JSON),
        # A rated kind (scoring method rating): the band the reviewer chose; 整改 rounds: when the
        # current one opened and its deadline. The materials and personnel lists as submitted.
        "rating": Column(String(30)),
        "rectification_opened": Column(DateTime),
        "rectification_due": Column(Date),
        "dossier": Column(JSON),
        "lock_version": lock_version,
        "__mapper_args__": {"version_id_col": lock_version},
        "scope_enterprise": "enterprise_id",
        "scope_kind": kind.code,  # reached only by roles that fill or review this kind
        "scope_district": "project.district_id" if kind.subject == "project" else "enterprise.district_id",
        "__str__": _describe,
    }
    for field in kind.header_fields:
        attrs[field.code] = Column(column_type(field), info={"label": field.label})
    assessment = type(f"{name}Assessment", (Stamped, Model), attrs)

    item = type(
        f"{name}AssessmentItem",
        (Model,),
        {
            "__tablename__": f"{table}_item",
            "__table_args__": (UniqueConstraint("assessment_id", "item_code"), {"extend_existing": True}),
            "kind_code": kind.code,
            "id": Column(Integer, primary_key=True),
            "assessment_id": Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False, index=True),
            "assessment": relationship(assessment, back_populates="items"),
            "item_code": Column(String(64), nullable=False),
            "not_applicable": Column(Boolean, nullable=False, default=False),
            "self_score": Column(Numeric(6, 2)),
            "assessed_score": Column(Numeric(6, 2)),
            "results": Column(JSON),
            "opinion": Column(Text),
            "review_status": Column(String(20), nullable=False, default="pending"),
            "scope_via": "assessment",
            "__str__": lambda self: self.item_code,
        },
    )
    assessment.items = relationship(
        item, back_populates="assessment", cascade="all, delete-orphan", order_by=item.id
    )
    models = KindModels(kind.code, assessment, item)
    _generated[signature] = models
    return models


def pack_models(pack: Pack) -> dict[str, KindModels]:
    """The generated classes of every kind of ``pack``, by kind code."""
    return {code: kind_models(kind) for code, kind in pack.kinds.items()}


def pack_tables(pack: Pack) -> list[Table]:
    """Every table the platform needs for ``pack``: core tables, then the generated ones."""
    generated = {t.name for models in pack_models(pack).values() for t in models.tables}
    all_generated = {t.name for models in _generated.values() for t in models.tables}
    return [
        table
        for table in Model.metadata.sorted_tables
        if table.name in generated or table.name not in all_generated
    ]
