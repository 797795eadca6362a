"""The mapped classes of the assessment aggregate for a pack: one class per kind over its header table.

Every kind's records live in the core ``assessment`` table (``models.aggregate``) with their item rows
in ``assessment_item``; a kind's header fields live in ``assessment_<kind>`` (id, then one column per
declared header field), joined by id (joined-table inheritance). Adding or renaming an item changes
data, not the schema; a header field is a column of its kind's table.

A *layout* is one set of kinds with their header fields. Its classes come from a registry of their
own: an app maps the layout of its pack, and a process that runs apps on revised packs (the tests
do) maps each layout once, each with exactly its columns, without one layout's classes replacing
another's. A record of a kind the layout does not declare (a retired kind) still loads, as a
``RetiredAssessment`` carrying the core row: its verification code, printed form and history stay
reachable whatever the running pack lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    case,
    event,
    inspect,
    literal,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Session, column_property, relationship

from criteria.pack import HeaderField, Kind, Pack
from models.aggregate import assessment_item_table, assessment_table, record_label
from models.core import District, Enterprise, Project
from models.vetoes import RecordVeto

PHONE_LENGTH = 30
CHOICE_LENGTH = 64
RETIRED = "__retired__"  # the class a record of a kind outside the layout loads as


def column_type(field: HeaderField) -> Any:
    """The SQL type of a header field (every header column is nullable: drafts may be partial)."""
    return {
        "string": lambda: String(field.length),
        "text": Text,
        "integer": Integer,
        "decimal": lambda: Numeric(14, 2),
        "date": Date,
        "boolean": Boolean,
        "phone": lambda: String(PHONE_LENGTH),
        "choice": lambda: String(CHOICE_LENGTH),
        "project": lambda: String(field.length),  # the 施工许可证号 of one of the enterprise's projects
    }[field.type]()


def class_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


def table_name(kind_code: str) -> str:
    return f"assessment_{kind_code}"


def one_per_period_index(kind_code: str) -> str:
    return f"uq_{table_name(kind_code)}_subject_period"


def subject_column(kind: Kind) -> str:
    return "project_id" if kind.subject == "project" else "enterprise_id"


def header_table(kind: Kind, metadata: MetaData, parent: Any = assessment_table.c.id) -> Table:
    """The kind's header table: its id (the core row's: ``parent``, the column or its name) and one
    column per header field."""
    columns = [Column(f.code, column_type(f), info={"label": f.label}) for f in kind.header_fields]
    return Table(
        table_name(kind.code),
        metadata,
        Column("id", Integer, ForeignKey(parent, ondelete="CASCADE"), primary_key=True),
        *columns,
    )


@dataclass(frozen=True)
class PartialKey:
    """A unique key over core columns that holds for the records of one kind (a partial unique index
    of ``assessment``), with the refusal it reads (see ``models.uniqueness``)."""

    name: str
    columns: tuple[str, ...]
    kind_code: str
    field: str
    message: str

    def index(self, table: Table) -> Index:
        where = table.c.kind == self.kind_code
        return Index(self.name, *(table.c[c] for c in self.columns), unique=True, sqlite_where=where, postgresql_where=where)


def partial_keys(kind: Kind) -> tuple[PartialKey, ...]:
    """For a kind declaring ``one_per_period``: one record per subject and period."""
    if not kind.one_per_period:
        return ()
    message = f"{{period}} 年度已有一份{kind.short_name}（编号 {{id}}），每个年度只能有一份；请打开该记录办理"
    return (PartialKey(one_per_period_index(kind.code), (subject_column(kind), "period"), kind.code, "period", message),)


@dataclass(frozen=True)
class KindModels:
    """The mapped classes of one kind: its records (core row joined with its header table) and the
    item rows (one class for every kind of the layout)."""

    kind_code: str
    assessment: type
    item: type

    @property
    def header(self) -> Table:
        return self.assessment.__table__


@dataclass(frozen=True)
class Layout:
    """The classes of one layout: the polymorphic base over ``assessment``, the item rows, the class
    of each kind and the class a retired kind's records load as."""

    base: type
    item: type
    retired: type
    kinds: dict[str, KindModels]
    metadata: MetaData


def layout_signature(kinds: Iterable[Kind]) -> tuple:
    """What a layout depends on: each kind's code, subject, header fields and unique keys."""
    return tuple(
        sorted(
            (k.code, k.subject, k.one_per_period, k.short_name, tuple((f.code, f.type, f.max_length) for f in k.header_fields))
            for k in kinds
        )
    )


def _describe(self: Any) -> str:
    return record_label(self)


def _build(kinds: list[Kind]) -> Layout:
    metadata = MetaData()

    class LayoutModel(DeclarativeBase):
        """The registry of one layout (its classes never replace another layout's)."""

        metadata = MetaData()

    known = sorted(k.code for k in kinds)
    # Records of a kind the layout declares load as its class, any other as RetiredAssessment.
    discriminator = (
        case((assessment_table.c.kind.in_(known), assessment_table.c.kind), else_=literal(RETIRED)) if known else literal(RETIRED)
    )

    class Assessment(LayoutModel):
        __table__ = assessment_table
        __tablename__ = "assessment"
        kind_shown = column_property(discriminator)
        __mapper_args__ = {  # noqa: RUF012
            "polymorphic_on": kind_shown,
            "polymorphic_identity": "__base__",
            "version_id_col": assessment_table.c.lock_version,
        }
        scope_enterprise = "enterprise_id"
        scope_district = "district_id"  # fixed at creation
        scope_kind_column = "kind"  # reached only by roles that fill or review the record's kind
        kind_code = None  # the kind of a class of the layout (None: the base, a retired kind)
        subject = None  # enterprise | project: what the kind assesses (its district scopes the record)
        partial_keys = ()  # PartialKey of the kind

        enterprise = relationship(Enterprise)
        project = relationship(Project)
        district = relationship(District)

        __str__ = _describe

    class AssessmentItem(LayoutModel):
        __table__ = assessment_item_table
        __tablename__ = "assessment_item"
        scope_via = "assessment"

        assessment = relationship(Assessment, back_populates="items")

        def __str__(self) -> str:
            return self.item_code

    Assessment.items = relationship(AssessmentItem, back_populates="assessment", cascade="all, delete-orphan", order_by=AssessmentItem.id)
    # The vetoes reviewers recorded (withdrawn ones included): what scoring the record reads of them.
    Assessment.recorded_vetoes = relationship(RecordVeto, viewonly=True, order_by=RecordVeto.id)

    class RetiredAssessment(Assessment):
        """A record of a kind the running pack no longer declares: the core row, read by its version."""

        __mapper_args__ = {"polymorphic_identity": RETIRED}  # noqa: RUF012

    found = {}
    for kind in kinds:
        header = header_table(kind, metadata)
        cls = type(
            f"{class_name(kind.code)}Assessment",
            (Assessment,),
            {
                "__table__": header,
                "__tablename__": header.name,
                "__mapper_args__": {"polymorphic_identity": kind.code},
                "kind_code": kind.code,
                "subject": kind.subject,
                "scope_kind": kind.code,  # reached only by roles that fill or review this kind
                "partial_keys": partial_keys(kind),
            },
        )
        # The item rows of this kind's records (the record's page lists them as a related view).
        setattr(AssessmentItem, f"of_{kind.code}", relationship(cls, viewonly=True))
        found[kind.code] = KindModels(kind.code, cls, AssessmentItem)

    @event.listens_for(Assessment, "init", propagate=True)
    def _kind_on_creation(target: Any, args: Any, kwargs: Any) -> None:
        """A new record carries its class's kind (the discriminator is an expression, not set by itself)."""
        if target.kind is None and type(target).kind_code:
            target.kind = type(target).kind_code

    return Layout(Assessment, AssessmentItem, RetiredAssessment, found, metadata)


def header_values(session: Session, kind: Kind, record: Any) -> dict[str, Any]:
    """The record's header values as its version declares the fields. A field the record's class does
    not map (its kind is retired, or a later version dropped the field) is read from the kind's table
    while the column is there, so an old record keeps showing and printing what it holds."""
    mapped = inspect(type(record)).columns
    found = {f.code: getattr(record, f.code) for f in kind.header_fields if f.code in mapped}
    missing = [f for f in kind.header_fields if f.code not in found]
    if missing and record.id is not None:
        name = table_name(kind.code)
        present = {c["name"] for c in inspect(session.connection()).get_columns(name)} if _has_table(session, name) else set()
        readable = [f for f in missing if f.code in present]
        if readable:
            target = Table(name, MetaData(), Column("id", Integer), *(Column(f.code, column_type(f)) for f in readable))
            row = session.execute(select(*(target.c[f.code] for f in readable)).where(target.c.id == record.id)).first()
            found.update({f.code: row[i] for i, f in enumerate(readable)} if row else {})
    return {f.code: found.get(f.code) for f in kind.header_fields}


def _has_table(session: Session, name: str) -> bool:
    return inspect(session.connection()).has_table(name)


def scope_district_of(session: Session, record: Any) -> int | None:
    """The district a new record is scoped by: its project's for a project kind, else its enterprise's."""
    if type(record).subject == "project":
        project = record.project or (session.get(Project, record.project_id) if record.project_id else None)
        return project.district_id if project is not None else None
    enterprise = record.enterprise or (session.get(Enterprise, record.enterprise_id) if record.enterprise_id else None)
    return enterprise.district_id if enterprise is not None else None


@event.listens_for(Session, "before_flush")
def _fix_scope_district(session: Session, flush_context: Any, instances: Any) -> None:
    """Every door that creates a record (screens, API, CLI, demo data) gets its district fixed here."""
    for record in session.new:
        if getattr(type(record), "kind_code", None) and getattr(record, "district_id", 0) is None:
            record.district_id = scope_district_of(session, record)


_layouts: dict[tuple, Layout] = {}


def layout_of(kinds: list[Kind]) -> Layout:
    """The mapped classes of these kinds, generated once per process for each layout."""
    signature = layout_signature(kinds)
    if signature not in _layouts:
        _layouts[signature] = _build(kinds)
    return _layouts[signature]


def pack_layout(pack: Pack) -> Layout:
    return layout_of(list(pack.kinds.values()))


def pack_models(pack: Pack) -> dict[str, KindModels]:
    """The generated classes of every kind of ``pack``, by kind code."""
    return pack_layout(pack).kinds


def schema_metadata(kinds: list[Kind]) -> MetaData:
    """The whole schema ``kinds`` need, as new Table objects: the core tables (Alembic's), one header
    table per kind and the kinds' partial unique keys on ``assessment``."""
    from flask_appbuilder import Model

    metadata = MetaData()
    for table in Model.metadata.sorted_tables:
        table.to_metadata(metadata)
    core = metadata.tables["assessment"]
    for kind in kinds:
        header_table(kind, metadata, "assessment.id")
        for key in partial_keys(kind):
            key.index(core)
    return metadata
