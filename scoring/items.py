"""Kinds scored as a sum of items (general conditions, safety director): RULES.md §3.3, §6.

Entered values are each item's points (0..max). Items left out (None) are 缺项; the total is then
rescaled to the declared total when the criteria say so. A zero item can force the total to zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from criteria.pack import Kind
from scoring.bands import band_by_code, band_for
from scoring.numbers import ZERO, compared, rounded
from scoring.result import ItemPoints, ScoreResult


def score_sum(kind: Kind, scale: dict[str, Any], entries: dict[str, Decimal | None], vetoes: list[str]) -> ScoreResult:
    rules = kind.scoring
    reasons: list[str] = []
    points = [ItemPoints(i.code, i.name, i.max, entries.get(i.code) is not None, entries.get(i.code)) for i in kind.items]
    applicable = [p for p in points if p.applicable]
    missing = [p for p in points if not p.applicable]
    earned = sum((p.points for p in applicable), ZERO)
    possible = sum((p.max for p in applicable), ZERO)
    raw = earned
    reasons.append(f"各项得分合计 {earned}（应得分 {possible}）")
    if missing:
        names = "、".join(p.name for p in missing)
        if rules["missing_items"] == "rescale_to_100" and possible:
            raw = earned / possible * kind.total
            reasons.append(f"缺项：{names}；按 实得分 ÷ 应得分 × {kind.total} 折算")
        else:
            reasons.append(f"缺项：{names}；不折算")
    zeros = [p for p in applicable if p.points == ZERO]
    forced = None
    if zeros and rules["zero_item_forces_total_zero"]:
        raw = ZERO
        reasons.append(f"{'、'.join(p.name for p in zeros)} 得0分，实际总分按0分计")
    shown = rounded(raw, rules["rounding"])
    band = band_for(compared(raw, shown, rules["rounding"]), scale)
    reasons.append(f"总分 {shown}，对应等次：{band['label']}")
    declared = {v["code"]: v for v in kind.vetoes}
    for code in vetoes:
        veto = declared[code]
        forced = band_by_code(veto["grade"], scale)
        reasons.append(f"否决项：{veto['name']} → {forced['label']}")
    if forced:
        band = forced
    return ScoreResult(
        kind.code,
        shown,
        raw,
        band["code"],
        band["label"],
        points,
        reasons,
        forced=forced is not None or bool(zeros and rules["zero_item_forces_total_zero"]),
        vetoes=list(vetoes),
    )
