"""``catalogue``: daily assessment points (日常考核) from catalogue entries: bonuses, deductions
and vetoes.

A record is one entry of the kind's catalogue (its header fields name the entry, how often it
happened and the project concerned). Within a ``highest_only`` group (awards) only the highest entry
of each project counts (an entry that names no project counts on its own); a group's bonus is
capped per subject as the criteria declare; deductions add up without a cap. An entry with a
``repeat_veto`` is also a veto once one project has it often enough within the months declared
(two 全面停工 within 12 months), counted by the dates the records give.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from criteria.fields import Code, Items, Nested, Number, Strict, Text, greater_than, one_of
from criteria.methods import Found
from criteria.pack import Kind, Pack
from criteria.rules import CatalogueEntry
from criteria.schema import SUBJECTS
from scoring.inputs import ScoreInputError
from scoring.methods.base import ScoringMethod
from scoring.numbers import ZERO
from scoring.result import ItemPoints, ScoreResult


class CapRuleSchema(Strict):
    group = Code(required=True)
    subject = Text(required=True, validate=one_of(*SUBJECTS))
    max = Number(required=True, validate=greater_than(0))


class CatalogueScoringSchema(Strict):
    method = Text(required=True)
    entry_field = Code(required=True)  # header field holding the catalogue entry code
    count_field = Code(required=True)  # header field holding how many times it happened
    project_field = Code()  # header field naming the project concerned (name or 施工许可证号)
    date_field = Code()  # header field holding the day it happened (repeat vetoes count by it)
    caps = Items(Nested(CapRuleSchema), load_default=list)
    highest_only_groups = Items(Code(), load_default=list)


@dataclass(frozen=True)
class GroupCap:
    group: str
    subject: str  # enterprise | project
    max: Decimal


@dataclass(frozen=True)
class Catalogue(ScoringMethod):
    code: ClassVar[str] = "catalogue"
    key_help: ClassVar[dict[str, dict[str, str]]] = {
        "CatalogueScoringSchema": {
            "method": "计分方法：catalogue 按日常考核条目加减分",
            "entry_field": "记录日常考核条目的表头字段代码",
            "count_field": "记录发生次数的表头字段代码",
            "project_field": "记录所涉工程项目的表头字段代码",
            "date_field": "记录发生日期的表头字段代码（按期限计次的否决据此计算）",
            "caps": "各分组加分的上限",
            "highest_only_groups": "同一项目只取最高一项加分的分组",
        },
        "CapRuleSchema": {
            "group": "分组代码",
            "subject": "上限适用的对象：enterprise 企业；project 工程项目",
            "max": "该分组加分的上限",
        },
    }
    schema: ClassVar[type[Strict]] = CatalogueScoringSchema
    scores_items: ClassVar[bool] = False
    catalogued: ClassVar[bool] = True

    entry_field: str
    count_field: str
    project_field: str | None = None
    caps: tuple[GroupCap, ...] = ()
    highest_only_groups: tuple[str, ...] = field(default=())
    date_field: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Catalogue:
        return cls(
            data["entry_field"],
            data["count_field"],
            data.get("project_field"),
            tuple(GroupCap(c["group"], c["subject"], c["max"]) for c in data["caps"]),
            tuple(data["highest_only_groups"]),
            data.get("date_field"),
        )

    @classmethod
    def check(cls, file: str, kind: dict[str, Any], bands: set[str] | None) -> Iterator[Found]:
        scoring = kind["scoring"]
        fields = {f["code"] for f in kind["header_fields"]}
        for key in ("entry_field", "count_field", "project_field", "date_field"):
            if key in scoring and scoring[key] not in fields:
                yield file, f"scoring.{key}", f"unknown header field '{scoring[key]}'"
        groups = {e.get("group") for e in kind["catalogue"]}
        for index, cap in enumerate(scoring["caps"]):
            if cap["group"] not in groups:
                yield file, f"scoring.caps[{index}].group", f"no catalogue entry is in group '{cap['group']}'"
        for index, group in enumerate(scoring["highest_only_groups"]):
            if group not in groups:
                yield file, f"scoring.highest_only_groups[{index}]", f"no catalogue entry is in group '{group}'"
        if not kind["catalogue"]:
            yield file, "catalogue", "is required for catalogue scoring"

    def parse(self, pack: Pack, kind: Kind, payload: dict[str, Any]) -> tuple[list[DailyEntry], str]:
        """``{"items": {"<entry code>": <count>}}`` and/or ``{"entries": [{"code", "count", "project"}]}``."""
        catalogue = _catalogue(kind)
        listed = payload.get("entries", [])
        if not isinstance(listed, list):
            raise ScoreInputError("entries 应为列表")
        pairs = [(code, {"code": code, "count": count}) for code, count in payload.get("items", {}).items()]
        pairs += [(entry.get("code") if isinstance(entry, dict) else None, entry) for entry in listed]
        entries: list[DailyEntry] = []
        for code, entry in pairs:
            if code not in catalogue:
                raise ScoreInputError(f"未知的日常考核事项代码：{code}")
            count = entry.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ScoreInputError(f"{catalogue[code].name}（{code}）：次数应为非负整数，收到 {count!r}")
            entries.append(DailyEntry(code, count, entry.get("project")))
        subject = payload.get("subject", "enterprise")
        if subject not in SUBJECTS:
            raise ScoreInputError(f"subject 应为 enterprise（企业）或 project（工程项目），收到 {subject!r}")
        return entries, subject

    def score(self, pack: Pack, kind: Kind, parsed: tuple[list[DailyEntry], str]) -> ScoreResult:
        entries, subject = parsed
        return daily_net(kind, entries, subject)


@dataclass(frozen=True)
class DailyEntry:
    code: str
    count: int = 1
    project: str | None = None  # entries of one project share the highest-only rule
    on: datetime.date | None = None  # the day it happened (None: not known, counted as within any window)


def veto_name(entry: CatalogueEntry) -> str:
    """What a veto of this catalogue entry is called (a repeat veto has its own name)."""
    return entry.repeat_veto.name if entry.repeat_veto else entry.name


def _months_later(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def repeated(days: list[datetime.date | None], times: int, months: int) -> bool:
    """Whether ``times`` of the days fall within ``months`` of each other (the later one no more than
    that many months after the earlier); an unknown day counts as within."""
    unknown = sum(1 for day in days if day is None)
    known = sorted(day for day in days if day is not None)
    widest = max((sum(1 for later in known[i:] if later <= _months_later(day, months)) for i, day in enumerate(known)), default=0)
    return widest + unknown >= times


def _catalogue(kind: Kind) -> dict[str, CatalogueEntry]:
    """The kind's catalogue by entry code (kinds are immutable: built once per kind)."""
    found = _CATALOGUES.get(id(kind))
    if found is None or found[0] is not kind:
        found = _CATALOGUES[id(kind)] = (kind, {e.code: e for e in kind.catalogue})
    return found[1]


_CATALOGUES: dict[int, tuple[Kind, dict[str, CatalogueEntry]]] = {}


def daily_net(kind: Kind, entries: list[DailyEntry], subject: str = "enterprise", itemized: bool = True) -> ScoreResult:
    """The net points of ``entries`` for ``subject`` (an entry counts only where its ``applies_to``
    names the subject); ``itemized=False`` leaves out the per-entry points (final grades need only
    the total, reasons and vetoes)."""
    catalogue = _catalogue(kind)
    rules: Catalogue = kind.scoring
    reasons: list[str] = []
    highest: dict[tuple[str, str | None], Decimal] = {}
    group_bonus: dict[str, Decimal] = defaultdict(lambda: ZERO)
    deductions = ZERO
    vetoes: list[str] = []  # codes
    repeats: dict[tuple[str, str], list[datetime.date | None]] = defaultdict(list)
    for entry in entries:
        row = catalogue[entry.code]
        if subject not in row.applies_to:  # an entry counts only for the subjects it applies to
            continue
        if row.repeat_veto and entry.project is not None:
            repeats[(row.code, entry.project)] += [entry.on] * entry.count
        if row.kind == "veto":
            if entry.count:
                vetoes.append(row.code)
            continue
        points = row.points * entry.count
        group = row.group
        if row.kind == "bonus" and group in rules.highest_only_groups and entry.project is not None:
            key = (group, entry.project)
            highest[key] = max(highest.get(key, ZERO), row.points if entry.count else ZERO)
        elif row.kind == "bonus":
            group_bonus[group or row.code] += points
        else:
            deductions += points
    for (group, _project), points in highest.items():
        group_bonus[group] += points
    for (code, _project), days in repeats.items():
        rule = catalogue[code].repeat_veto
        if code not in vetoes and repeated(days, rule.times, rule.within_months):
            vetoes.append(code)
    for cap in rules.caps:
        if cap.subject == subject and group_bonus.get(cap.group, ZERO) > cap.max:
            reasons.append(f"{cap.group} 加分 {group_bonus[cap.group]} 超过上限，按 {cap.max} 计")
            group_bonus[cap.group] = cap.max
    bonus = sum(group_bonus.values(), ZERO)
    net = bonus + deductions
    reasons.append(f"加分 {bonus}，扣分 {-deductions}，合计 {net}")
    reasons += [f"否决事项：{veto_name(catalogue[code])}" for code in vetoes]
    if not itemized:
        return ScoreResult(kind.code, net, net, None, None, [], reasons, forced=bool(vetoes), vetoes=vetoes)
    counted = defaultdict(int)
    for entry in entries:
        if subject in catalogue[entry.code].applies_to:
            counted[entry.code] += entry.count
    items = [
        ItemPoints(
            code,
            catalogue[code].name,
            Decimal(0),
            True,
            None if catalogue[code].points is None else catalogue[code].points * count,
        )
        for code, count in counted.items()
    ]
    return ScoreResult(kind.code, net, net, None, None, items, reasons, forced=bool(vetoes), vetoes=vetoes)
