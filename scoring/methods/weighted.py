"""``weighted_categories``: JGJ 59-2011 project scoring (RULES.md §2.3, R1–R10), every number from
the criteria.

A category's result C is the mean of the 0–100 results of its sub-tables present on site (R5);
its points are A1 = B × C ÷ result_max (R6); categories left out are 缺项 and the total is rescaled
(R7). Any sub-table at zero forces the declared band whatever the total (R8, R10).
``subtable_result`` scores one sub-table from its check lines (R2–R4, guaranteed-item rule).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from criteria.fields import Code, Flag, Integer, Nested, Number, Strict, Text, at_least, between, greater_than, one_of
from criteria.methods import Found
from criteria.pack import Item, Kind, Pack
from criteria.rules import Rounding
from criteria.schema import RoundingSchema
from scoring.bands import band_by_code, band_for
from scoring.inputs import Entry, ScoreInputError, json_number, payload_number, shown, too_precise, typed, typed_number
from scoring.methods.base import ScoringMethod
from scoring.methods.sum import declared_vetoes, every_item, known_items
from scoring.numbers import ZERO, compared, mean, rounded
from scoring.result import ItemPoints, ScoreResult

# How the results of several sub-tables of one category combine (an item's ``combine``).
COMBINE = {"mean": mean}


class WeightedScoringSchema(Strict):
    method = Text(required=True)
    result_max = Number(required=True, validate=greater_than(0))
    guaranteed_zero_if_any_item_zero = Flag(required=True)
    guaranteed_min_subtotal = Number(required=True, validate=at_least(0))
    guaranteed_missing_mode = Text(required=True, validate=one_of("prorate", "literal"))
    missing_items = Text(required=True, validate=one_of("rescale_to_100", "ignore"))
    score_places = Integer(load_default=1, validate=between(0, 4))
    rounding = Nested(RoundingSchema, required=True)
    zero_subtable_grade = Code(required=True)


@dataclass(frozen=True)
class WeightedCategories(ScoringMethod):
    code: ClassVar[str] = "weighted_categories"
    key_help: ClassVar[dict[str, dict[str, str]]] = {
        "WeightedScoringSchema": {
            "method": "计分方法：weighted_categories 按权重折算分项检查评分表的得分",
            "result_max": "分项检查评分表的满分（项目得分 = 权重 × 评分表得分 ÷ 此数）",
            "guaranteed_zero_if_any_item_zero": "保证项目中有一项得零分时评分表是否为零分",
            "guaranteed_min_subtotal": "保证项目小计低于此数时评分表为零分",
            "guaranteed_missing_mode": "保证项目缺项时：prorate 按比例折算小计；literal 按实得分计",
            "missing_items": "缺项时：rescale_to_100 按实有项目折算为百分制；ignore 不折算",
            "score_places": "得分保留的小数位数（0–4）",
            "rounding": "总分的舍入规则",
            "zero_subtable_grade": "有分项检查评分表得零分时评定的等次代码",
        }
    }
    schema: ClassVar[type[Strict]] = WeightedScoringSchema
    uses_subtables: ClassVar[bool] = True
    item_max_label: ClassVar[str] = "权重"
    entry_label: ClassVar[str] = "分项检查评分表得分"

    result_max: Decimal
    guaranteed_zero_if_any_item_zero: bool
    guaranteed_min_subtotal: Decimal
    guaranteed_missing_mode: str  # prorate | literal
    missing_items: str  # rescale_to_100 | ignore
    rounding: Rounding
    zero_subtable_grade: str
    score_places: int = 1

    @property
    def places(self) -> int:
        return self.score_places

    @classmethod
    def check(cls, file: str, kind: dict[str, Any], bands: set[str] | None) -> Iterator[Found]:
        scoring = kind["scoring"]
        if bands is not None and scoring["zero_subtable_grade"] not in bands:
            yield file, "scoring.zero_subtable_grade", f"unknown band '{scoring['zero_subtable_grade']}'"
        used = yield from _feeds(file, kind)
        for index, table in enumerate(kind["subtables"]):
            if table["code"] not in used:
                yield file, f"subtables[{index}]", f"sub-table '{table['code']}' feeds no item"
            if table["lines"]:
                total = sum((line["max"] for line in table["lines"]), Decimal(0))
                if total != scoring["result_max"]:
                    yield file, f"subtables[{index}].lines", f"line max scores add up to {total}, not {scoring['result_max']}"

    def parse(self, pack: Pack, kind: Kind, payload: dict[str, Any]) -> dict[str, list[Decimal] | None]:
        items: dict[str, list[Decimal] | None] = {}
        for code, value in known_items(kind, payload).items():
            item = kind.item(code)
            where = f"{item.name}（{code}）"
            if value is None:
                items[code] = None
                continue
            values = value if isinstance(value, list) else [value]
            if not values or len(values) > len(item.subtables):
                raise ScoreInputError(f"{where}：应填 1 至 {len(item.subtables)} 个分项检查评分表得分")
            numbers = [payload_number(v, where) for v in values]
            for number in numbers:
                if not ZERO <= number <= self.result_max:
                    raise ScoreInputError(f"{where}：分项表得分应在 0 到 {self.result_max} 之间，收到 {number}")
                if too_precise(number, self.score_places):  # as the page and the API refuse it
                    raise ScoreInputError(f"{where}：分项表得分最多保留 {self.score_places} 位小数，收到 {number}")
            items[code] = numbers
        declared_vetoes(kind, payload)
        return every_item(kind, items)

    def score(self, pack: Pack, kind: Kind, parsed: dict[str, list[Decimal] | None]) -> ScoreResult:
        scale = pack.scales[kind.grade_scale]
        reasons: list[str] = []
        points: list[ItemPoints] = []
        zero_names: list[str] = []
        for item in kind.items:
            results = parsed.get(item.code)
            if results is None:
                points.append(ItemPoints(item.code, item.name, item.max, False, None))
                continue
            result = COMBINE[item.combine or "mean"](results)  # several sub-tables of one category
            points.append(ItemPoints(item.code, item.name, item.max, True, item.max * result / self.result_max, result, results))
            if len(results) > 1:
                reasons.append(f"{item.name}：{len(results)} 张分项表取平均 {rounded(result, self.rounding)}")
            if any(r == ZERO for r in results):
                zero_names.append(item.name)
        applicable = [p for p in points if p.applicable]
        earned = sum((p.points for p in applicable), ZERO)
        weights = sum((p.max for p in applicable), ZERO)
        raw = earned
        missing = [p.name for p in points if not p.applicable]
        if missing and self.missing_items == "rescale_to_100" and weights:
            raw = earned / weights * kind.total
            reasons.append(f"缺项：{'、'.join(missing)}；按 实得分 {rounded(earned, self.rounding)} ÷ 应得分 {weights} × {kind.total} 折算")
        total = rounded(raw, self.rounding)
        band = band_for(compared(raw, total, self.rounding), scale)
        reasons.append(f"汇总得分 {total}，对应等次：{band.label}")
        if zero_names:
            band = band_by_code(self.zero_subtable_grade, scale)
            reasons.append(f"{'、'.join(zero_names)} 有分项检查评分表得0分 → {band.label}")
        return ScoreResult(kind.code, total, raw, band.code, band.label, points, reasons, forced=bool(zero_names))

    def read_entry(self, kind: Kind, item: Item, form: Mapping[str, str], not_applicable: bool) -> tuple[Entry, str | None]:
        if not_applicable:  # 不涉及 clears whatever was typed for the category
            return Entry(True), None
        names = {table["code"]: table["name"] for table in kind.subtables}
        results: list[tuple[str, Decimal]] = []
        problems: list[str] = []
        for code in item.subtables:
            where = f"“{item.name}”的“{names.get(code, code)}”得分"
            try:
                value = typed_number(form.get(f"result_{code}", ""))
            except ValueError as bad:
                problems.append(f"{where}应为数字，填写的是“{typed(str(bad))}”")
                continue
            if value is None:
                continue
            if not 0 <= value <= self.result_max:
                problems.append(f"{where}应在 0 到 {self.result_max} 之间，填写的是 {shown(value)}")
            elif too_precise(value, self.score_places):
                problems.append(f"{where}最多保留 {self.score_places} 位小数，填写的是 {shown(value)}")
            else:
                results.append((code, value))
        return Entry(False, None, tuple(results)), "；".join(problems) or None

    def stored_entry(self, item: Item, row: Any) -> Entry:
        saved = row.results or {}
        return Entry(False, None, tuple((code, Decimal(str(saved[code]))) for code in item.subtables if saved.get(code) is not None))

    def entered(self, entry: Entry) -> bool:
        return bool(entry.results)

    def entry_payload(self, entry: Entry) -> Any:
        return [str(value) for _, value in entry.results]

    def entry_columns(self, entry: Entry) -> dict[str, Any]:
        """``results``: {sub-table code: result}, None when nothing applies."""
        results = None if entry.not_applicable or not entry.results else {code: json_number(value) for code, value in entry.results}
        return {"results": results}

    def row_payload(self, item: Item, row: Any, which: str) -> Any:
        """The results of the category's sub-tables present on site, in the order the criteria list
        them; None while there are none (the record has no total until it is complete: a category
        without results is not silently 不涉及)."""
        saved = row.results or {}
        values = [float(saved[code]) for code in (item.subtables or tuple(saved)) if saved.get(code) is not None]
        return values or None


def _feeds(file: str, kind: dict[str, Any]) -> Iterator[Found]:
    """Each item names its sub-tables, each sub-table feeds one item; returns the sub-tables used."""
    subtables = {s["code"] for s in kind["subtables"]}
    used: dict[str, int] = {}
    for index, item in enumerate(kind["items"]):
        refs = item.get("subtables")
        if not refs:
            yield file, f"items[{index}].subtables", "is required for weighted categories"
            continue
        for ref_index, ref in enumerate(refs):
            if ref not in subtables:
                yield file, f"items[{index}].subtables[{ref_index}]", f"unknown sub-table '{ref}'"
            elif ref in used:
                yield file, f"items[{index}].subtables[{ref_index}]", f"sub-table '{ref}' already feeds items[{used[ref]}]"
            else:
                used[ref] = index
        if len(refs) > 1 and "combine" not in item:
            yield file, f"items[{index}].combine", "is required when several sub-tables feed a category"
    return used


def subtable_result(subtable: dict[str, Any], scores: list[Decimal | None], rules: WeightedCategories) -> tuple[Decimal, str]:
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
        if rules.guaranteed_zero_if_any_item_zero and any(score == ZERO for _, score in guaranteed):
            return ZERO, "保证项目有一项得0分，分项表得0分"
        actual = sum((score for _, score in guaranteed), ZERO)
        possible = sum((line["max"] for line, _ in guaranteed), ZERO)
        tested = actual
        if rules.guaranteed_missing_mode == "prorate" and possible and possible != sum(line["max"] for line in guaranteed_all):
            tested = actual / possible * sum((line["max"] for line in guaranteed_all), ZERO)
        if tested < rules.guaranteed_min_subtotal:
            return ZERO, f"保证项目小计 {tested.normalize()} 不足 {rules.guaranteed_min_subtotal} 分，分项表得0分"
    earned = sum((score for _, score in pairs), ZERO)
    possible = sum((line["max"] for line, _ in pairs), ZERO)
    result = earned / possible * rules.result_max
    return result, f"实得分 {earned} ÷ 应得分 {possible} × {rules.result_max}"
