"""The database side of the materials checklist and the personnel lists of an assessment.

Materials are kept per enterprise, period and material code (``EnterpriseMaterial``), people per
enterprise (``Person`` with its list); every kind that shows them (``Pack.dossier_kind``) reads the
same rows. When a record leaves a state in which its filler could change it, ``snapshot`` keeps what
it showed in its ``dossier`` column: a reviewer sees what was submitted, whatever the enterprise
changes later on the same materials through another kind or another period.

Functions work in the caller's session and never commit.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Material, Pack
from models import EnterpriseMaterial, Person
from workflow.people import PERSON_LABELS, expired


def can_change(kind: Kind, state: str) -> bool:
    """The filler may still change something of the record: everything (editable) or 整改材料."""
    return kind.state_flag(state, "editable") or kind.state_flag(state, "rectification")


def round_opened(record: Any) -> bool:
    """A rectification round has been opened on the record (returned, or rated to rectify)."""
    return record.rectification_opened is not None


def shown_materials(pack: Pack, kind: Kind, record: Any) -> list[Material]:
    """The checklist entries the record shows: 整改材料 only once a round has been opened on it."""
    source = pack.dossier_kind(kind)
    if source is None:
        return []
    return [m.for_period(record.period) for m in source.materials if not m.rectification or round_opened(record)]


def fillable_materials(pack: Pack, kind: Kind, record: Any) -> set[str]:
    """Codes the filler may upload to or remove from now: every shown entry in an editable state,
    only the 整改材料 entries in a rectification state."""
    if kind.state_flag(record.state, "editable"):
        return {m.code for m in shown_materials(pack, kind, record)}
    if kind.state_flag(record.state, "rectification"):
        return {m.code for m in shown_materials(pack, kind, record) if m.rectification}
    return set()


def _file(row: EnterpriseMaterial) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.file_name,
        "hash": row.content_hash,
        "size": row.size,
        "uploaded": row.created_on.strftime("%Y-%m-%d %H:%M"),
    }


def _person(row: Person, today: datetime.date) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "id_number": row.id_number or "",
        "role": row.role or "",
        "certificate_no": row.certificate_no or "",
        "valid_until": row.certificate_valid_until.isoformat() if row.certificate_valid_until else "",
        "expired": expired(row.certificate_valid_until, today),
        "scan_name": row.scan_name or "",
        "scan_hash": row.scan_hash or "",
    }


def live_materials(session: Session, enterprise_id: int, period: str) -> dict[str, list[EnterpriseMaterial]]:
    found: dict[str, list[EnterpriseMaterial]] = {}
    rows = (
        session.query(EnterpriseMaterial)
        .filter_by(enterprise_id=enterprise_id, period=period)
        .order_by(EnterpriseMaterial.created_on, EnterpriseMaterial.id)
    )
    for row in rows:
        found.setdefault(row.material_code, []).append(row)
    return found


def live_people(session: Session, pack: Pack, enterprise_id: int) -> dict[str, list[Person]]:
    codes = [entry.code for entry in pack.personnel_lists]
    found: dict[str, list[Person]] = {code: [] for code in codes}
    rows = session.query(Person).filter(Person.enterprise_id == enterprise_id, Person.list_code.in_(codes)).order_by(Person.name, Person.id)
    for row in rows:
        found[row.list_code].append(row)
    return found


@dataclass(frozen=True)
class Live:
    """The enterprise's materials of the record's period and its people, read once for a page."""

    materials: dict[str, list[EnterpriseMaterial]]
    people: dict[str, list[Person]]


def live(session: Session, pack: Pack, record: Any) -> Live:
    return Live(live_materials(session, record.enterprise_id, record.period), live_people(session, pack, record.enterprise_id))


def current(session: Session, pack: Pack, kind: Kind, record: Any, today: datetime.date, found: Live | None = None) -> dict[str, Any]:
    """The dossier as it stands now, as plain values (the shape ``snapshot`` stores); ``found``:
    the rows already read for this record."""
    found = found or live(session, pack, record)
    return {
        "materials": {m.code: [_file(row) for row in found.materials.get(m.code, [])] for m in shown_materials(pack, kind, record)},
        "personnel": {
            entry.code: [_person(row, today) for row in found.people.get(entry.code, [])]
            for entry in (pack.personnel_lists if pack.dossier_kind(kind) else ())
        },
    }


def snapshot(session: Session, pack: Pack, kind: Kind, record: Any, found: Live | None = None) -> dict[str, Any] | None:
    """What the record shows now, kept in its ``dossier`` column (None for kinds without one);
    ``found``: the rows to take instead of the stored ones."""
    if pack.dossier_kind(kind) is None:
        return None
    now = datetime.datetime.now()
    taken = current(session, pack, kind, record, now.date(), found)
    for files in taken["materials"].values():
        for entry in files:
            entry["id"] = None  # the row may be removed later; the file stays under its hash
    for people in taken["personnel"].values():
        for entry in people:
            entry["id"] = None
    taken["taken_on"] = now.strftime("%Y-%m-%d %H:%M")
    return taken


def shown(
    session: Session, pack: Pack, kind: Kind, record: Any, today: datetime.date, found: Live | None = None
) -> tuple[dict[str, Any], bool]:
    """The dossier the page shows and whether it is the live one: live while the filler can change
    the record, the submitted snapshot otherwise (live when a record has none, e.g. older data).
    Expiry is judged on ``today`` either way."""
    if not can_change(kind, record.state) and record.dossier:
        kept = copy.deepcopy(record.dossier)  # the stored value is never touched
        for people in kept.get("personnel", {}).values():
            for entry in people:
                entry["expired"] = bool(entry.get("valid_until")) and expired(datetime.date.fromisoformat(entry["valid_until"]), today)
        materials = {m.code: kept.get("materials", {}).get(m.code, []) for m in shown_materials(pack, kind, record)}
        return {**kept, "materials": materials}, False
    return current(session, pack, kind, record, today, found), True


def file_hashes(session: Session, pack: Pack, kind: Kind, record: Any) -> set[str]:
    """Every PDF the record's page may link to: its live materials and certificate scans, and those
    of its submitted snapshot."""
    found: set[str] = set()
    for dossier in (current(session, pack, kind, record, datetime.date.today()), record.dossier or {}):
        for files in dossier.get("materials", {}).values():
            found.update(entry["hash"] for entry in files)
        for people in dossier.get("personnel", {}).values():
            found.update(entry["scan_hash"] for entry in people if entry.get("scan_hash"))
    return found


def missing(session: Session, pack: Pack, kind: Kind, record: Any, rows: Live | None = None) -> list[str]:
    """What submitting the kind that declares the dossier still needs: required materials, enough
    people on each list with complete certificate data, and 整改材料 of the open round."""
    if pack.dossier_kind(kind) is not kind:
        return []  # a kind that only shows another kind's dossier does not require it
    rows = rows or live(session, pack, record)
    found: list[str] = []
    materials = rows.materials
    for material in shown_materials(pack, kind, record):
        files = materials.get(material.code, [])
        if material.rectification:
            if not any(row.created_on >= record.rectification_opened for row in files):
                found.append(f"{material.name}（本轮整改后上传）")
        elif material.required and not files:
            found.append(f"申报材料“{material.name}”")
    people = rows.people
    for entry in kind.personnel:
        listed = people.get(entry.code, [])
        if len(listed) < entry.min_count:
            found.append(f"{entry.name}名单（至少 {entry.min_count} 人，已登记 {len(listed)} 人）")
        for person in listed:
            lacks = [
                PERSON_LABELS[column]
                for column, value in (
                    ("id_number", person.id_number),
                    ("certificate_no", person.certificate_no),
                    ("certificate_valid_until", person.certificate_valid_until),
                    ("scan_name", person.scan_hash),
                )
                if not value
            ]
            if lacks:
                found.append(f"{entry.name}“{person.name}”的{'、'.join(lacks)}")
    return found
