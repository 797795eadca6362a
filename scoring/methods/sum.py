"""``sum``: the kind's total is the sum of its items' points (general conditions, safety director):
RULES.md §3.3, §6.

Entered values are each item's points (0..max). Items left out (None) are 缺项; the total is then
rescaled to the declared total when the criteria say so. A zero item can force the total to zero;
a declared veto forces its band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from criteria.fields import Flag, Integer, Nested, Number, Strict, Text, at_least, between, greater_than, one_of
from criteria.pack import Item, Kind, Pack
from criteria.rules import Rounding
from criteria.schema import RoundingSchema
from scoring.bands import band_by_code, band_for
from scoring.inputs import Entry, ScoreInputError, payload_number, self_score_problem, too_precise, typed, typed_number
from scoring.methods.base import ScoringMethod
from scoring.numbers import ZERO, compared, rounded
from scoring.result import ItemPoints, ScoreResult

REFUSED = "不能标为不涉及：本考核的每一项都须评分"


class SumScoringSchema(Strict):
    method = Text(required=True)
    zero_item_forces_total_zero = Flag(required=True)
    missing_items = Text(required=True, validate=one_of("rescale_to_100", "ignore", "refuse"))
    score_places = Integer(required=True, validate=between(0, 4))
    rounding = Nested(RoundingSchema, required=True)
    subtable_major_line_min_points = Number(validate=greater_than(0))
    subtable_zero_if_major_zero_count = Integer(validate=at_least(1))
    subtable_zero_if_general_zero_count = Integer(validate=at_least(1))


@dataclass(frozen=True)
class Sum(ScoringMethod):
    code: ClassVar[str] = "sum"
    key_help: ClassVar[dict[str, dict[str, str]]] = {
        "SumScoringSchema": {
            "method": "计分方法：sum 各项得分相加",
            "zero_item_forces_total_zero": "任一项目得零分时总分是否为零",
            "missing_items": "缺项（不涉及）时：rescale_to_100 按实有项目满分折算为百分制；ignore 不折算；refuse 不允许不涉及",
            "score_places": "项目得分最多保留的小数位数（0–4）",
            "rounding": "总分的舍入规则",
            "subtable_major_line_min_points": "应得分不低于此数的检查项目算作主要检查项目",
            "subtable_zero_if_major_zero_count": "主要检查项目得零分达到此数时分项检查评分表为零分",
            "subtable_zero_if_general_zero_count": "一般检查项目得零分达到此数时分项检查评分表为零分",
        }
    }
    schema: ClassVar[type[Strict]] = SumScoringSchema
    overridable: ClassVar[bool] = True

    zero_item_forces_total_zero: bool
    missing_items: str  # rescale_to_100 | ignore | refuse
    score_places: int
    rounding: Rounding
    subtable_major_line_min_points: Decimal | None = None
    subtable_zero_if_major_zero_count: int | None = None
    subtable_zero_if_general_zero_count: int | None = None

    @property
    def places(self) -> int:
        return self.score_places

    @property
    def allows_not_applicable(self) -> bool:  # type: ignore[override]
        return self.missing_items != "refuse"

    def parse(self, pack: Pack, kind: Kind, payload: dict[str, Any]) -> tuple[dict[str, Decimal | None], list[str]]:
        raw = known_items(kind, payload)
        items: dict[str, Decimal | None] = {}
        for code, value in raw.items():
            item = kind.item(code)
            where = f"{item.name}（{code}）"
            if value is None:
                if not self.allows_not_applicable:
                    raise ScoreInputError(f"{where}：{REFUSED}")
                items[code] = None
                continue
            number = payload_number(value, where)
            if not ZERO <= number <= item.max:
                raise ScoreInputError(f"{where}：得分应在 0 到 {item.max} 之间，收到 {number}")
            if too_precise(number, self.score_places):
                raise ScoreInputError(f"{where}：最多保留 {self.score_places} 位小数，收到 {number}")
            items[code] = number
        return every_item(kind, items), declared_vetoes(kind, payload)

    def score(self, pack: Pack, kind: Kind, parsed: tuple[dict[str, Decimal | None], list[str]]) -> ScoreResult:
        entries, vetoes = parsed
        scale = pack.scales[kind.grade_scale]
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
            if self.missing_items == "rescale_to_100" and possible:
                raw = earned / possible * kind.total
                reasons.append(f"缺项：{names}；按 实得分 ÷ 应得分 × {kind.total} 折算")
            else:
                reasons.append(f"缺项：{names}；不折算")
        zeros = [p for p in applicable if p.points == ZERO] if self.zero_item_forces_total_zero else []
        if zeros:
            raw = ZERO
            reasons.append(f"{'、'.join(p.name for p in zeros)} 得0分，实际总分按0分计")
        shown = rounded(raw, self.rounding)
        band = band_for(compared(raw, shown, self.rounding), scale)
        reasons.append(f"总分 {shown}，对应等次：{band.label}")
        declared = {v.code: v for v in kind.vetoes}
        forced = None
        for code in vetoes:
            veto = declared[code]
            forced = band_by_code(veto.grade, scale)
            reasons.append(f"否决项：{veto.name} → {forced.label}")
        band = forced or band
        forced_any = forced is not None or bool(zeros)
        return ScoreResult(kind.code, shown, raw, band.code, band.label, points, reasons, forced=forced_any, vetoes=list(vetoes))

    def read_entry(self, kind: Kind, item: Item, form: Mapping[str, str], not_applicable: bool) -> tuple[Entry, str | None]:
        if not_applicable and not self.allows_not_applicable:
            return Entry(False), f"“{item.name}”{REFUSED}"
        try:
            score = typed_number(form.get(f"score_{item.code}", ""))
        except ValueError as bad:
            return Entry(not_applicable), f"“{item.name}”的自评分应为数字，填写的是“{typed(str(bad))}”"
        return Entry(not_applicable, None if not_applicable else score), self_score_problem(item, score, self.score_places)

    def stored_entry(self, item: Item, row: Any) -> Entry:
        return Entry(False, None if row.self_score is None else Decimal(str(row.self_score)))

    def entered(self, entry: Entry) -> bool:
        return entry.score is not None

    def entry_payload(self, entry: Entry) -> Any:
        return str(entry.score)

    def entry_columns(self, entry: Entry) -> dict[str, Any]:
        return {"self_score": entry.score}

    def row_payload(self, item: Item, row: Any, which: str) -> Any:
        value = row.assessed_score if which == "assessed" else row.self_score
        return None if value is None else float(value)


def known_items(kind: Kind, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's ``items``, each code an item of the kind."""
    raw = payload.get("items", {})
    known = [item.code for item in kind.items]
    unknown = [code for code in raw if code not in known]
    if unknown:
        raise ScoreInputError(f"未知的考核项目代码：{'、'.join(unknown)}（{kind.name} 的项目为：{'、'.join(known)}）")
    return raw


def every_item(kind: Kind, items: dict[str, Any]) -> dict[str, Any]:
    """``items`` once every item of the kind is named (None: 不涉及) and one at least applies."""
    missing = [item for item in kind.items if item.code not in items]
    if missing:
        raise ScoreInputError(f"缺少考核项目：{'、'.join(f'{item.name}（{item.code}）' for item in missing)}；不涉及的项目请填 null")
    if all(value is None for value in items.values()):
        raise ScoreInputError("至少需要一个适用的考核项目")
    return items


def declared_vetoes(kind: Kind, payload: dict[str, Any]) -> list[str]:
    vetoes = payload.get("vetoes", [])
    declared = {v.code for v in kind.vetoes}
    if not isinstance(vetoes, list) or any(v not in declared for v in vetoes):
        raise ScoreInputError(f"vetoes 应为否决项代码列表，可选：{'、'.join(sorted(declared)) or '（本类考核无否决项）'}")
    return vetoes
