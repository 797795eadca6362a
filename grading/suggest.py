"""The rating a reviewer is offered for a rated kind (RULES.md §8.0): the band the final grade's
source score gives, e.g. the 11-item general conditions total suggesting the licence rating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from grading.inputs import in_order
from models import assessment_table
from models.record_scores import final_states
from scoring import ScoreResult
from scoring.expiry import expired_vetoes, record_dates
from scoring.final import suggestion


@dataclass(frozen=True)
class Suggested:
    band: str | None  # None: no reviewed source result yet
    text: str  # what the reviewer reads (Chinese)


def suggested_rating(session: Session, pack: Pack, kind: Kind, record: Any) -> Suggested | None:
    """What the pack suggests for rating ``record`` (None: no final grade is rated by its kind)."""
    spec = next((s for s in pack.final_grades if s.rated_by == kind.code and s.source), None)
    if spec is None:
        return None
    source = pack.kinds[spec.source.kind]
    table = assessment_table
    rows = session.execute(
        select(table.c.result, table.c.changed_on).where(
            table.c.kind == source.code,
            table.c.enterprise_id == record.enterprise_id,
            table.c.period == record.period,
            table.c.state.in_(final_states(source)),
            table.c.result.is_not(None),
        )
    ).all()
    warning = _expiry_warning(pack, kind, record, spec.name)
    if not rows:
        return Suggested(None, f"本年度尚无已审核的{source.name}得分，没有建议评定{warning}")
    result = ScoreResult.from_summary(in_order([tuple(row) for row in rows])[-1][0])
    band = suggestion(pack, spec, result)
    return Suggested(band.code, f"建议评定：{band.label}（依据：{source.name}已审核得分 {result.total}）{warning}")


def _expiry_warning(pack: Pack, kind: Kind, record: Any, grade_name: str) -> str:
    """What the reviewer should know before rating: a date on the record that is a veto (an expired
    licence) decides the grade whatever the rating."""
    labels = {field.code: field.label for field in kind.header_fields}
    bands = pack.band_labels(kind)
    dates = record_dates(kind, record)
    found = set(expired_vetoes(kind, dates, record.period or ""))
    return "".join(
        f"。注意：{veto.name}（{labels.get(veto.expires_field, veto.expires_field)} {dates[veto.expires_field]}），"
        f"{grade_name}等次按否决评定为{bands.get(veto.grade, veto.grade)}"
        for veto in kind.vetoes
        if veto.code in found
    )
