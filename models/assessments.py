"""Generate one assessment table (plus its item rows) per assessment kind of a pack.

A kind's table has the built-in columns every assessment needs (subject, period, state, the
criteria version it was filed under, total and grade) and one column per declared header field.
Item scores live in rows, so adding or renaming an item changes data, not the schema.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
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
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from criteria.pack import HeaderField, Kind, Pack
from models.base import Stamped, stamp_columns
from models.core import Enterprise, Project
from models.criteria_versions import CriteriaVersion  # noqa: F401  (the table the versions refer to)
from models.uniqueness import unique_key

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
    return (
        kind.code,
        kind.subject,
        kind.one_per_period,
        kind.short_name,
        tuple((f.code, f.type, f.max_length) for f in kind.header_fields),
    )


def _this_year() -> str:
    return str(datetime.date.today().year)


def _describe(self: Any) -> str:
    subject = self.project if self.project_id else self.enterprise
    return f"{subject or ''} {self.period or ''}".strip()


def _by_name(target: str) -> str:
    return target


def _shared_column(target: str) -> Column:
    """The core table's column itself: a reference that resolves from a table of another MetaData."""
    table, column = target.split(".")
    return Model.metadata.tables[table].c[column]


def _assessment_columns(kind: Kind, refer: Callable[[str], Any] = _by_name) -> dict[str, Column]:
    """New column objects of a kind's assessment table (built-in columns, then header fields)."""
    columns = {
        "id": Column(Integer, primary_key=True),
        "enterprise_id": Column(Integer, ForeignKey(refer("enterprise.id")), nullable=False, index=True),
        "project_id": Column(Integer, ForeignKey(refer("project.id")), nullable=kind.subject != "project", index=True),
        "period": Column(String(20), nullable=False, index=True, default=_this_year),
        "state": Column(String(30), nullable=False, default="draft", index=True),
        "criteria_pack": Column(String(40), nullable=False),
        "criteria_version": Column(String(80), nullable=False),  # as shown and printed
        # The stored version the record was filed under: its scoring, screens and form use it.
        "criteria_version_id": Column(Integer, ForeignKey(refer("criteria_version.id")), nullable=False, index=True),
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
        # Optimistic locking: a save based on an outdated read fails instead of overwriting.
        "lock_version": Column(Integer, nullable=False, default=1, server_default="1"),
    }
    for field in kind.header_fields:
        columns[field.code] = Column(column_type(field), info={"label": field.label})
    return columns


def _assessment_indexes(kind: Kind) -> tuple[Index, ...]:
    """A subject's records of a period (what recomputing one enterprise's grades reads); for a kind
    declaring ``one_per_period``, the unique key that keeps one record per subject and period."""
    table = table_name(kind.code)
    found = (
        Index(f"ix_{table}_enterprise_period", "enterprise_id", "period", "state"),
        Index(f"ix_{table}_project_period", "project_id", "period", "state"),
    )
    if kind.one_per_period:
        subject = "project_id" if kind.subject == "project" else "enterprise_id"
        found += (
            unique_key(
                one_per_period_index(kind.code),
                subject,
                "period",
                field="period",
                message=f"{{period}} 年度已有一份{kind.short_name}（编号 {{id}}），每个年度只能有一份；请打开该记录办理",
            ),
        )
    return found


def one_per_period_index(kind_code: str) -> str:
    return f"uq_{table_name(kind_code)}_subject_period"


def _item_columns(table: str) -> dict[str, Column]:
    return {
        "id": Column(Integer, primary_key=True),
        "assessment_id": Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False, index=True),
        "item_code": Column(String(64), nullable=False),
        "not_applicable": Column(Boolean, nullable=False, default=False),
        "self_score": Column(Numeric(6, 2)),
        "assessed_score": Column(Numeric(6, 2)),
        "results": Column(JSON),
        "opinion": Column(Text),
        "review_status": Column(String(20), nullable=False, default="pending"),
    }


def kind_models(kind: Kind) -> KindModels:
    """The mapped classes of ``kind``, generated once per process for each table layout.

    A process normally runs one pack, so each kind has one layout, declared in the shared metadata
    (the one Alembic's migrations and FAB see). A second layout of the same table in one process
    (tests start apps on revised packs) gets tables of its own MetaData instead of extending the
    shared ones, so the first layout keeps exactly its columns and the second exactly its own."""
    signature = _signature(kind)
    if signature in _generated:
        return _generated[signature]
    name = class_name(kind.code)
    table = table_name(kind.code)
    shared = table not in generated_table_names()
    common: dict[str, Any] = {
        "kind_code": kind.code,
        "enterprise": relationship(Enterprise),
        "project": relationship(Project),
        "scope_enterprise": "enterprise_id",
        "scope_kind": kind.code,  # reached only by roles that fill or review this kind
        "scope_district": "project.district_id" if kind.subject == "project" else "enterprise.district_id",
        "__str__": _describe,
    }
    item_common: dict[str, Any] = {"kind_code": kind.code, "scope_via": "assessment", "__str__": lambda self: self.item_code}
    if shared:
        columns = _assessment_columns(kind)
        assessment = type(
            f"{name}Assessment",
            (Stamped, Model),
            {
                "__tablename__": table,
                "__table_args__": (*_assessment_indexes(kind), {"extend_existing": True}),
                **columns,
                **common,
                "__mapper_args__": {"version_id_col": columns["lock_version"]},
            },
        )
        item_table: Any = {
            "__tablename__": f"{table}_item",
            **_item_columns(table),
            "__table_args__": (UniqueConstraint("assessment_id", "item_code"), {"extend_existing": True}),
        }
    else:
        metadata = MetaData()
        own = Table(
            table,
            metadata,
            *_named({**_assessment_columns(kind, _shared_column), **stamp_columns(_shared_column("ab_user.id"))}),
            *_assessment_indexes(kind),
        )
        assessment = type(
            f"{name}Assessment",
            (Model,),
            {"__table__": own, "__tablename__": table, **common, "__mapper_args__": {"version_id_col": own.c.lock_version}},
        )
        item_table = {
            "__tablename__": f"{table}_item",
            "__table__": Table(f"{table}_item", metadata, *_named(_item_columns(table)), UniqueConstraint("assessment_id", "item_code")),
        }
    item = type(
        f"{name}AssessmentItem", (Model,), {**item_table, **item_common, "assessment": relationship(assessment, back_populates="items")}
    )
    assessment.items = relationship(item, back_populates="assessment", cascade="all, delete-orphan", order_by=item.id)
    models = KindModels(kind.code, assessment, item)
    _generated[signature] = models
    return models


def _named(columns: dict[str, Column]) -> list[Column]:
    """Columns given their names (a Table, unlike a declarative class, takes them from the objects)."""
    for name, column in columns.items():
        column.name = column.key = name
    return list(columns.values())


def pack_models(pack: Pack) -> dict[str, KindModels]:
    """The generated classes of every kind of ``pack``, by kind code."""
    return {code: kind_models(kind) for code, kind in pack.kinds.items()}


def pack_tables(pack: Pack) -> list[Table]:
    """Every table the platform needs for ``pack``: core tables, then the generated ones."""
    generated = {t.name for models in pack_models(pack).values() for t in models.tables}
    all_generated = {t.name for models in _generated.values() for t in models.tables}
    return [table for table in Model.metadata.sorted_tables if table.name in generated or table.name not in all_generated]


def generated_table_names() -> set[str]:
    """Tables generated for any kind of any pack loaded in this process."""
    return {t.name for models in _generated.values() for t in models.tables}


def schema_metadata(pack: Pack) -> MetaData:
    """The whole schema ``pack`` needs, as new Table objects: the core tables and one assessment and
    one item table per kind, built from this pack alone (the shared metadata of the mapped classes
    keeps every column any loaded pack ever declared, so it cannot tell what a revision dropped)."""
    metadata = MetaData()
    others = generated_table_names()
    for table in Model.metadata.sorted_tables:
        if table.name not in others:
            table.to_metadata(metadata)
    for kind in pack.kinds.values():
        table = table_name(kind.code)
        Table(table, metadata, *_named({**_assessment_columns(kind), **stamp_columns()}), *_assessment_indexes(kind))
        Table(f"{table}_item", metadata, *_named(_item_columns(table)), UniqueConstraint("assessment_id", "item_code"))
    return metadata
