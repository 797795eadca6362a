"""The loaded pack as plain, immutable data (no Flask, no SQLAlchemy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any


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
    vetoes: tuple[dict[str, Any], ...] = ()
    scoring: dict[str, Any] = field(default_factory=dict)
    subtables: tuple[dict[str, Any], ...] = ()
    catalogue: tuple[dict[str, Any], ...] = ()
    workflow: dict[str, Any] = field(default_factory=dict)
    record_evidence: tuple[RecordEvidence, ...] = ()  # files about the whole record (signed form, ...)

    @property
    def version_label(self) -> str:
        """What an assessment records as the version it was filed under."""
        return f"{self.version}+{self.content_hash[:12]}"

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)

    @property
    def state_labels(self) -> dict[str, str]:
        return {s["code"]: s["label"] for s in self.workflow["states"]}

    @property
    def item_status_labels(self) -> dict[str, str]:
        return {s["code"]: s["label"] for s in self.workflow["item_statuses"]}


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
    scales: dict[str, dict[str, Any]]
    final_grades: tuple[dict[str, Any], ...]
    adjustments: dict[str, Any]
    grading_rounding: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # the text of every file read, by file name

    def role(self, code: str) -> Role:
        return next(r for r in self.roles if r.code == code)

    def role_by_label(self, label: str) -> Role | None:
        return next((r for r in self.roles if r.label == label), None)

    @property
    def admin_role(self) -> Role:
        return next(r for r in self.roles if r.admin)

    def district(self, code: str) -> District:
        return next(d for d in self.districts if d.code == code)

    def final_grade(self, code: str) -> dict[str, Any]:
        return next(f for f in self.final_grades if f["code"] == code)

    @property
    def catalogue_kind(self) -> Kind | None:
        """The kind whose records are catalogue entries (日常考核), if the pack has one."""
        return next((k for k in self.kinds.values() if k.scoring["method"] == "catalogue"), None)
