"""Sample assessment content for the demo data: header values and item rows for any kind of a pack."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from commands import demo_data
from criteria.pack import HeaderField, Kind, Pack
from models.record_scores import final_states, score_record
from scoring import ScoreResult
from workflow.rules import status_for


def sample_value(field: HeaderField, kind: Kind, pack: Pack, rng: random.Random) -> Any:
    if field.type == "choice":
        if field.choices_from == "districts":
            return pack.districts[0].code
        if field.choices_from == "catalogue":
            return rng.choice([e["code"] for e in kind.catalogue])
        return field.choices[0][0]
    return {
        "string": f"{field.label}示例"[: field.max_length or 200],
        "text": f"{field.label}：示例数据，仅供演示。",
        "integer": 1,
        "decimal": Decimal("12000.00"),
        "date": datetime.date(2026, 3, 15),
        "boolean": False,
        "phone": "0532-88886666",
    }[field.type]


def header(kind: Kind, pack: Pack, rng: random.Random) -> dict[str, Any]:
    return {field.code: sample_value(field, kind, pack, rng) for field in kind.header_fields}


def items(kind: Kind, rng: random.Random, reviewed: bool) -> list[dict[str, Any]]:
    """One row per item: sub-table results (0-100) for a weighted category, else a self score."""
    places = kind.scoring.get("score_places", 1)
    rows = []
    for item in kind.items:
        row: dict[str, Any] = {"item_code": item.code, "not_applicable": False,
                               "review_status": status_for(kind, "pass" if reviewed else "pending")}
        if item.subtables:
            present = item.subtables[: 1 + rng.randrange(len(item.subtables))][:2]
            row["results"] = {code: rng.randint(70, 98) for code in present}
        else:
            row["self_score"] = Decimal(str(demo_data.sample_score(float(item.max), rng, places)))
            row["assessed_score"] = row["self_score"] if reviewed else None
        rows.append(row)
    return rows


def score_rows(pack: Pack, kind: Kind, rows: list[dict[str, Any]]) -> ScoreResult | None:
    """What ``models.record_scores.settle`` stores for these rows once they are reviewed."""
    blank = {"not_applicable": False, "results": None, "self_score": None, "assessed_score": None}
    record = SimpleNamespace(items=[SimpleNamespace(**{**blank, **row}) for row in rows])
    return score_record(pack, kind, record)


def final_state(kind: Kind) -> str:
    """The first final state in the order the workflow lists them (the approved one)."""
    finals = final_states(kind)
    return next(s["code"] for s in kind.workflow["states"] if s["code"] in finals)
