"""Dynamic adjustments (动态调整) of a final grade (RULES.md §8.5), as grading.yaml says.

In the order §8.5 gives, inside the grading of one enterprise (``scoring.final``): vetoes and direct
不合格 judgements first, then the caps (so a judgement reaches the grades linked to it), then at most
one promotion of one band; a veto, a zero rule or a judgement blocks promotion when the criteria say
so. Adjustments never change the computed score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from criteria.rules import Scale
from scoring.bands import band_by_code, rank


class AdjustmentRefused(Exception):
    """The adjustment may not be recorded; the message says why (Chinese)."""


@dataclass(frozen=True)
class Adjustment:
    direction: str  # promote | direct_fail
    reason_code: str
    note: str = ""


def reason_label(adjustments: dict[str, Any], direction: str, code: str) -> str:
    return next((r["label"] for r in adjustments[direction]["reasons"] if r["code"] == code), code)


def check_new(
    adjustments: dict[str, Any], direction: str, reason: str, existing: list[Adjustment], forced: bool, grade_name: tuple[str, str]
) -> None:
    """Refuse an adjustment the rules do not allow (given the active ones and the computed grade);
    ``grade_name``: the code and name of the final grade it is recorded on."""
    if direction not in ("promote", "direct_fail"):
        raise AdjustmentRefused(f"未知的调整方向：{direction}")
    found = next((r for r in adjustments[direction]["reasons"] if r["code"] == reason), None)
    if found is None:
        raise AdjustmentRefused(f"“{adjustments[direction]['label']}”不能选择该原因")
    if found["grades"] and grade_name[0] not in found["grades"]:
        raise AdjustmentRefused(f"“{found['label']}”不适用于{grade_name[1]}，只能用于该事由所指的综合评价")
    rules = adjustments["promote"]
    if direction == "promote":
        if rules["once_per_period"] and any(a.direction == "promote" for a in existing):
            raise AdjustmentRefused("同一对象同一考核周期内只能升一档一次")
        if rules["blocked_by_veto"] and forced:
            raise AdjustmentRefused("该等次由否决项或得零规则确定，不能升档")


def judge(adjustments: dict[str, Any], scale: Scale, band: str, active: list[Adjustment]) -> tuple[str, list[str]]:
    """The band after the active direct 不合格 judgements (the scale's lowest band), and why."""
    reasons = []
    worst = scale.bands[-1].code
    for item in active:
        if item.direction == "direct_fail":
            band = worst
            reasons.append(
                f"{adjustments['direct_fail']['label']}（{reason_label(adjustments, 'direct_fail', item.reason_code)}）"
                f" → {band_by_code(band, scale).label}"
            )
    return band, reasons


def promote(adjustments: dict[str, Any], scale: Scale, band: str, forced: bool, active: list[Adjustment]) -> tuple[str, list[str]]:
    """The band after at most one promotion (after the caps), and why."""
    reasons = []
    judged = any(a.direction == "direct_fail" for a in active)
    for item in [a for a in active if a.direction == "promote"][:1]:
        if judged or (forced and adjustments["promote"]["blocked_by_veto"]):
            reasons.append("升一档未生效：等次由否决或直接判定确定")
            continue
        position = rank(band, scale)
        if position > 0:
            band = scale.bands[position - 1].code
        reasons.append(
            f"{adjustments['promote']['label']}（{reason_label(adjustments, 'promote', item.reason_code)}）"
            f" → {band_by_code(band, scale).label}"
        )
    return band, reasons
