"""Keep the tables that mirror pack data (districts) in step with the loaded pack."""

from __future__ import annotations

from sqlalchemy.orm import Session

from criteria.pack import Pack
from models.core import District


def sync_districts(session: Session, pack: Pack) -> int:
    """Insert or update the pack's districts by code; returns how many rows changed."""
    existing = {d.code: d for d in session.query(District)}
    changed = 0
    for order, district in enumerate(pack.districts):
        row = existing.get(district.code) or District(code=district.code)
        values = {
            "name": district.name,
            "division_code": district.division_code,
            "city_reviewed": district.city_reviewed,
            "sort_order": order,
        }
        if row.id is None or any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            changed += 1
    if changed:
        session.commit()
    return changed
