"""Daily assessment points (日常考核) from catalogue entries: bonuses, deductions and vetoes.

Within a ``highest_only`` group (awards) only the highest entry of each project counts; a group's
bonus is capped per subject as the criteria declare; deductions add up without a cap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from criteria.pack import Kind
from scoring.numbers import ZERO
from scoring.result import ItemPoints, ScoreResult


@dataclass(frozen=True)
class DailyEntry:
    code: str
    count: int = 1
    project: str | None = None  # entries of one project share the highest-only rule


def _catalogue(kind: Kind) -> dict[str, dict]:
    """The kind's catalogue by entry code (kinds are immutable: built once per kind)."""
    found = _CATALOGUES.get(id(kind))
    if found is None or found[0] is not kind:
        found = _CATALOGUES[id(kind)] = (kind, {e["code"]: e for e in kind.catalogue})
    return found[1]


_CATALOGUES: dict[int, tuple[Kind, dict[str, dict]]] = {}


def daily_net(kind: Kind, entries: list[DailyEntry], subject: str = "enterprise", itemized: bool = True) -> ScoreResult:
    """The net points of ``entries``; ``itemized=False`` leaves out the per-entry points (final
    grades need only the total, reasons and vetoes)."""
    catalogue = _catalogue(kind)
    rules = kind.scoring
    reasons: list[str] = []
    highest: dict[tuple[str, str | None], Decimal] = {}
    group_bonus: dict[str, Decimal] = defaultdict(lambda: ZERO)
    deductions = ZERO
    vetoes: list[str] = []  # codes
    for entry in entries:
        row = catalogue[entry.code]
        if row["kind"] == "veto":
            if entry.count:
                vetoes.append(row["code"])
            continue
        points = row["points"] * entry.count
        group = row.get("group")
        if row["kind"] == "bonus" and group in rules["highest_only_groups"]:
            key = (group, entry.project)
            highest[key] = max(highest.get(key, ZERO), row["points"] if entry.count else ZERO)
        elif row["kind"] == "bonus":
            group_bonus[group or row["code"]] += points
        else:
            deductions += points
    for (group, _project), points in highest.items():
        group_bonus[group] += points
    for cap in rules["caps"]:
        if cap["subject"] == subject and group_bonus.get(cap["group"], ZERO) > cap["max"]:
            reasons.append(f"{cap['group']} 加分 {group_bonus[cap['group']]} 超过上限，按 {cap['max']} 计")
            group_bonus[cap["group"]] = cap["max"]
    bonus = sum(group_bonus.values(), ZERO)
    net = bonus + deductions
    reasons.append(f"加分 {bonus}，扣分 {-deductions}，合计 {net}")
    reasons += [f"否决事项：{catalogue[code]['name']}" for code in vetoes]
    if not itemized:
        return ScoreResult(kind.code, net, net, None, None, [], reasons, forced=bool(vetoes), vetoes=vetoes)
    counted = defaultdict(int)
    for entry in entries:
        counted[entry.code] += entry.count
    items = [
        ItemPoints(
            code,
            catalogue[code]["name"],
            Decimal(0),
            True,
            None if catalogue[code].get("points") is None else catalogue[code]["points"] * count,
        )
        for code, count in counted.items()
    ]
    return ScoreResult(kind.code, net, net, None, None, items, reasons, forced=bool(vetoes), vetoes=vetoes)
