"""The loaded pack as plain, immutable data (no Flask, no SQLAlchemy)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from criteria.methods import ScoringBlock
from criteria.print_layout import KindPrint
from criteria.rules import NEUTRAL_TERMS, CatalogueEntry, FinalGradeRule, PrintRules, Rectification, Rounding, Scale, Veto, Workflow


@dataclass(frozen=True)
class District:
    code: str
    name: str
    division_code: str | None
    city_reviewed: bool


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    scope: str  # all | district | enterprise
    admin: bool
    registry: str  # none | read | write
    adjusts_grades: bool = False
    self_registration: bool = False  # given to an enterprise's self-registered account
    approves_registrations: bool = False  # approves self-registrations in its district(s)
    reads_id_numbers: bool = False  # sees whole 身份证号; every other role sees the first 6 and last 4 digits


DEFAULT_STRING_LENGTH = 200  # a string header field without its own max_length


@dataclass(frozen=True)
class HeaderField:
    code: str
    label: str
    type: str
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    choices_from: str | None = None
    help: str | None = None

    @property
    def length(self) -> int:
        """The longest value a string field holds (its column's length)."""
        return self.max_length or DEFAULT_STRING_LENGTH


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    max: Decimal
    standard: str
    evidence: tuple[str, ...] = ()
    subtables: tuple[str, ...] = ()
    combine: str | None = None


@dataclass(frozen=True)
class RecordEvidence:
    code: str
    name: str
    required: bool = False


PREVIOUS_YEAR = "{上年度}"  # in a material's name: the year before the record's period


@dataclass(frozen=True)
class Material:
    """One PDF of a materials checklist (stored per enterprise, period and code). Its name may say
    ``{上年度}``, the year before the period it is handed in for (2025 for the 2026 period)."""

    code: str
    name: str
    required: bool = True
    rectification: bool = False  # 整改材料: shown once a rectification round has been opened
    help: str | None = None

    def for_period(self, period: str | None) -> Material:
        """The entry as a record of ``period`` shows it; without a yearly period, 上年度 in words."""
        if PREVIOUS_YEAR not in self.name:
            return self
        text = (period or "").strip()
        year = str(int(text) - 1) if len(text) == 4 and text.isdigit() else "上年度"
        return replace(self, name=self.name.replace(PREVIOUS_YEAR, year))


@dataclass(frozen=True)
class PersonnelList:
    """A list of the enterprise's people holding one certificate (企业主要负责人, ...)."""

    code: str
    name: str
    certificate: str
    position_label: str  # what the position column is called (职务, 工种, ...)
    min_count: int = 0


@dataclass(frozen=True, eq=False)
class Kind:
    code: str
    name: str
    short_name: str
    subject: str  # enterprise | project
    filled_by: str
    reviewed_by: tuple[str, ...]
    version: str
    file: str
    content_hash: str
    header_fields: tuple[HeaderField, ...]
    items: tuple[Item, ...]
    basis: tuple[str, ...] = ()
    grade_scale: str | None = None
    total: Decimal | None = None
    vetoes: tuple[Veto, ...] = ()
    scoring: ScoringBlock = None  # type: ignore[assignment]  # the block loaded into its method's class
    subtables: tuple[dict[str, Any], ...] = ()
    catalogue: tuple[CatalogueEntry, ...] = ()
    workflow: Workflow = None  # type: ignore[assignment]
    record_evidence: tuple[RecordEvidence, ...] = ()  # files about the whole record (signed form, ...)
    materials: tuple[Material, ...] = ()  # the materials checklist (declared by at most one kind)
    personnel: tuple[PersonnelList, ...] = ()  # personnel lists (declared by the same kind)
    dossier_from: str | None = None  # shows the materials and personnel lists of that kind
    rectification: Rectification | None = None  # 整改 rounds: bands, state, working days, calendar
    one_per_period: bool = False
    printing: KindPrint = field(default_factory=KindPrint)  # the kind's ``print`` layout

    @property
    def version_label(self) -> str:
        """What an assessment records as the version it was filed under."""
        return f"{self.version}+{self.content_hash[:12]}"

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)

    @property
    def state_labels(self) -> dict[str, str]:
        return {s.code: s.label for s in self.workflow.states}

    @property
    def item_status_labels(self) -> dict[str, str]:
        return {s.code: s.label for s in self.workflow.item_statuses}

    @property
    def has_project_field(self) -> bool:
        """A header field names one of the enterprise's registered projects (type project)."""
        return any(field.type == "project" for field in self.header_fields)

    @property
    def rated(self) -> bool:
        """The reviewer rates the record with a band; nothing is scored."""
        return self.scoring.rates

    @property
    def manual_vetoes(self) -> tuple[Veto, ...]:
        """The vetoes a reviewer records on a record (the others are found from its dates)."""
        return tuple(veto for veto in self.vetoes if not veto.expires_field)

    @property
    def reviews_items(self) -> bool:
        """Items are decided one by one (通过 / 驳回): a step needs every item passed. Otherwise the
        record is reviewed as a whole (RULES.md §3.6: project and daily records)."""
        return any("all_items_passed" in t.requires for t in self.workflow.transitions)

    @property
    def rating_bands(self) -> tuple[str, ...]:
        """The bands the reviewer of a rated kind may choose."""
        return tuple(getattr(self.scoring, "bands", ())) if self.rated else ()

    @property
    def rectification_bands(self) -> tuple[str, ...]:
        return self.rectification.bands if self.rectification else ()

    def state_flag(self, state: str, flag: str) -> bool:
        return any(s.code == state and getattr(s, flag) for s in self.workflow.states)


@dataclass(frozen=True, eq=False)
class Pack:
    code: str
    name: str
    region: str
    version: str
    path: Path
    content_hash: str
    districts: tuple[District, ...]
    roles: tuple[Role, ...]
    kinds: dict[str, Kind]
    scales: dict[str, Scale]
    final_grades: tuple[FinalGradeRule, ...]
    adjustments: dict[str, Any]
    grading_rounding: Rounding | None = None
    files: dict[str, str] = field(default_factory=dict)  # the text of every file read, by file name
    extends: str | None = None  # the pack this one was started from (pack.yaml ``extends:``)
    terms: dict[str, str] = field(default_factory=dict)  # its words for district, supervisor, non-local
    printing: PrintRules = field(default_factory=PrintRules)  # pack.yaml ``print``: issuer, 编号, 身份证号

    def role(self, code: str) -> Role:
        return next(r for r in self.roles if r.code == code)

    def term(self, key: str) -> str:
        """The pack's word for ``key`` (district, supervisor, non_local) on its screens."""
        return self.terms.get(key) or NEUTRAL_TERMS[key]

    def role_by_label(self, label: str) -> Role | None:
        return next((r for r in self.roles if r.label == label), None)

    @property
    def admin_role(self) -> Role:
        return next(r for r in self.roles if r.admin)

    def district(self, code: str) -> District:
        return next(d for d in self.districts if d.code == code)

    def band_labels(self, kind: Kind) -> dict[str, str]:
        """Band code -> label of the kind's grade scale (a rated kind's choices, a record's grade)."""
        scale = self.scales.get(kind.grade_scale or "")
        return {band.code: band.label for band in scale.bands} if scale else {}

    def final_grade(self, code: str) -> FinalGradeRule:
        return next(f for f in self.final_grades if f.code == code)

    def grade_kinds(self, code: str) -> frozenset[str]:
        """The kinds whose reviewed results a final grade reads, also through the grades it weighs."""
        spec = self.final_grade(code)
        found = {spec.source.kind} if spec.source else set()
        found |= {spec.rated_by} if spec.rated_by else set()
        found |= {cap.kind for cap in spec.caps if cap.kind}
        for part in spec.composite.parts if spec.composite else ():
            found |= {part.kind} if part.kind else self.grade_kinds(part.final_grade)
        return frozenset(found)

    @property
    def graded_kinds(self) -> frozenset[str]:
        """Every kind a final grade reads."""
        return frozenset().union(*(self.grade_kinds(spec.code) for spec in self.final_grades))

    def dossier_kind(self, kind: Kind) -> Kind | None:
        """The kind whose materials checklist and personnel lists ``kind`` shows (itself or the one
        named by ``dossier_from``), None when it shows none."""
        if kind.dossier_from:
            return self.kinds[kind.dossier_from]
        return kind if kind.materials or kind.personnel else None

    @property
    def dossier_kinds(self) -> frozenset[str]:
        """Codes of the kinds that show the materials and personnel lists."""
        return frozenset(code for code, kind in self.kinds.items() if self.dossier_kind(kind) is not None)

    @property
    def personnel_lists(self) -> tuple[PersonnelList, ...]:
        """The pack's personnel lists (declared by one kind at most)."""
        return next((k.personnel for k in self.kinds.values() if k.personnel), ())

    @property
    def registration_role(self) -> Role | None:
        """The role a self-registered enterprise account gets; None: self-registration is off."""
        return next((r for r in self.roles if r.self_registration), None)

    @property
    def catalogue_kind(self) -> Kind | None:
        """The kind whose records are catalogue entries (日常考核), if the pack has one."""
        return next((k for k in self.kinds.values() if k.scoring.catalogued), None)
