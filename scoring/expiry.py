"""Vetoes found from a record's own dates (``Veto.expires_field``): a licence valid until a day on or
before the end of the period is no valid licence for that period (RULES.md §8.2)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from criteria.pack import Kind


def period_end(period: str) -> datetime.date | None:
    """The last day of a yearly period ('2026' → 2026-12-31); None for a period that names no year."""
    text = (period or "").strip()
    return datetime.date(int(text), 12, 31) if len(text) == 4 and text.isdigit() else None


def record_dates(kind: Kind, record: Any) -> dict[str, Any]:
    """The record's values of the date fields its kind's expiry vetoes read."""
    return {veto.expires_field: getattr(record, veto.expires_field, None) for veto in kind.vetoes if veto.expires_field}


def expired_vetoes(kind: Kind, values: Mapping[str, Any], period: str) -> list[str]:
    """Codes of the kind's expiry vetoes whose date in ``values`` falls on or before the period's end."""
    end = period_end(period)
    found = []
    for veto in kind.vetoes:
        if veto.expires_field and end is not None:
            value = values.get(veto.expires_field)
            if isinstance(value, datetime.date) and value <= end:
                found.append(veto.code)
    return found
