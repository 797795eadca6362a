"""JGJ 59-2011 project scoring (RULES.md §2.3, R1–R10), with every number from the criteria.

A category's result C is the mean of the 0–100 results of its sub-tables present on site (R5);
its points are A1 = B × C ÷ result_max (R6); categories left out are 缺项 and the total is rescaled
(R7). Any sub-table at zero forces the declared band whatever the total (R8, R10).
``subtable_result`` scores one sub-table from its check lines (R2–R4, guaranteed-item rule).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from criteria.pack import Kind
from scoring.bands import band_by_code, band_for
from scoring.numbers import ZERO, compared, mean, rounded
from scoring.result import ItemPoints, ScoreResult


def score_weighted(kind: Kind, scale: dict[str, Any], entries: dict[str, list[Decimal] | None]) -> ScoreResult:
    rules = kind.scoring
    full = rules["result_max"]
    reasons: list[str] = []
    points: list[ItemPoints] = []
    zero_names: list[str] = []
    for item in kind.items:
        results = entries.get(item.code)
        if results is None:
            points.append(ItemPoints(item.code, item.name, item.max, False, None))
            continue
        result = mean(results)
        points.append(ItemPoints(item.code, item.name, item.max, True, item.max * result / full, result, results))
        if len(results) > 1:
            reasons.append(f"{item.name}：{len(results)} 张分项表取平均 {rounded(result, rules['rounding'])}")
        if any(r == ZERO for r in results):
            zero_names.append(item.name)
    applicable = [p for p in points if p.applicable]
    earned = sum((p.points for p in applicable), ZERO)
    weights = sum((p.max for p in applicable), ZERO)
    raw = earned
    missing = [p.name for p in points if not p.applicable]
    if missing and rules["missing_items"] == "rescale_to_100" and weights:
        raw = earned / weights * kind.total
        reasons.append(f"缺项：{'、'.join(missing)}；按 实得分 {rounded(earned, rules['rounding'])} ÷ 应得分 {weights} × {kind.total} 折算")
    shown = rounded(raw, rules["rounding"])
    band = band_for(compared(raw, shown, rules["rounding"]), scale)
    reasons.append(f"汇总得分 {shown}，对应等次：{band['label']}")
    forced = False
    if zero_names:
        band = band_by_code(rules["zero_subtable_grade"], scale)
        forced = True
        reasons.append(f"{'、'.join(zero_names)} 有分项检查评分表得0分 → {band['label']}")
    return ScoreResult(kind.code, shown, raw, band["code"], band["label"], points, reasons, forced=forced)


def subtable_result(subtable: dict[str, Any], scores: list[Decimal | None], rules: dict[str, Any]) -> tuple[Decimal, str]:
    """One sub-table's 0–result_max result from its line scores (None = line not applicable)."""
    lines = subtable["lines"]
    if len(scores) != len(lines):
        raise ValueError(f"{subtable['name']} has {len(lines)} lines, {len(scores)} scores given")
    pairs = [(line, score) for line, score in zip(lines, scores, strict=True) if score is not None]
    if not pairs:
        raise ValueError(f"{subtable['name']}: every line is missing")
    guaranteed_all = [line for line in lines if line["guaranteed"]]
    guaranteed = [(line, score) for line, score in pairs if line["guaranteed"]]
    if guaranteed_all:
        if rules["guaranteed_zero_if_any_item_zero"] and any(score == ZERO for _, score in guaranteed):
            return ZERO, "保证项目有一项得0分，分项表得0分"
        actual = sum((score for _, score in guaranteed), ZERO)
        possible = sum((line["max"] for line, _ in guaranteed), ZERO)
        tested = actual
        if rules["guaranteed_missing_mode"] == "prorate" and possible and possible != sum(line["max"] for line in guaranteed_all):
            tested = actual / possible * sum((line["max"] for line in guaranteed_all), ZERO)
        if tested < rules["guaranteed_min_subtotal"]:
            return ZERO, f"保证项目小计 {tested.normalize()} 不足 {rules['guaranteed_min_subtotal']} 分，分项表得0分"
    earned = sum((score for _, score in pairs), ZERO)
    possible = sum((line["max"] for line, _ in pairs), ZERO)
    result = earned / possible * rules["result_max"]
    return result, f"实得分 {earned} ÷ 应得分 {possible} × {rules['result_max']}"
