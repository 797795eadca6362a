"""A settled record's printed identity: its verification code and its 编号 (pack.yaml ``print``),
both given at the first print and kept, so every later print of the form carries the same ones."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import District, FormVerification

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand
ATTEMPTS = 5  # two forms numbered at the same moment: the later takes the next serial


def verification_code(session: Session, kind: Kind, record: Any) -> str:
    """The record's code, created once and kept."""
    return _verification(session, record).code


def _verification(session: Session, record: Any) -> FormVerification:
    found = session.query(FormVerification).filter_by(assessment_id=record.id).one_or_none()
    if found is None:
        found = FormVerification(code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)), assessment_id=record.id)
        session.add(found)
        session.commit()
    return found


def series_of(session: Session, pack: Pack, kind: Kind, record: Any) -> str | None:
    """The record's 编号 with the serial left open: its year, its district's division code and the
    kind's place in the pack (01, 02, ...)."""
    district = session.get(District, record.district_id) if record.district_id else None
    place = list(pack.kinds).index(kind.code) + 1 if kind.code in pack.kinds else 0
    division = (district.division_code or "") if district else ""
    return pack.printing.series(year=str(record.period or ""), division=division, kind=f"{place:02d}")


def issued(session: Session, pack: Pack, kind: Kind, record: Any) -> FormVerification:
    """The record's verification code and, when the pack numbers its forms, its 编号: the next serial
    of its series, given once (a unique constraint settles two prints at the same moment)."""
    found = _verification(session, record)
    series = series_of(session, pack, kind, record)
    if found.number or series is None:
        return found
    for _ in range(ATTEMPTS):
        taken = session.query(func.max(FormVerification.number_serial)).filter_by(number_series=series).scalar() or 0
        try:
            with session.begin_nested():
                found.number_series, found.number_serial = series, taken + 1
                found.number = pack.printing.numbered(series, taken + 1)
            session.commit()
            return found
        except IntegrityError:
            session.rollback()
            found = _verification(session, record)
    raise RuntimeError(f"考核表编号冲突，请稍后重试（{series}）")
