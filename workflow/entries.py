"""What the fill-in table of an assessment says, item by item, and what the scorer makes of it.

Pure: no Flask, no SQLAlchemy. ``read_form`` turns the posted fields of the 办理 page into entries,
or into messages that name the item (and, for JGJ 59 categories, the sub-table); ``stored_entries``
reads the same from saved item rows; ``preview`` scores entries with the kind's rules, for the live
total and grade.

Form fields: ``na_<item>`` (不涉及), ``score_<item>`` (self score of a sum kind) and
``result_<sub-table>`` (one 0–result_max result per sub-table of a weighted category; empty means
the sub-table is not on site).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from criteria.pack import Item, Kind, Pack
from scoring import ScoreInputError, score_kind

WEIGHTED = "weighted_categories"


@dataclass(frozen=True)
class Entry:
    """One item as entered: not applicable, a self score (sum kinds) or sub-table results."""

    not_applicable: bool = False
    score: Decimal | None = None
    results: tuple[tuple[str, Decimal], ...] = ()  # (sub-table code, result), in the item's order

    def entered(self, kind: Kind) -> bool:
        return bool(self.results) if is_weighted(kind) else self.score is not None


def is_weighted(kind: Kind) -> bool:
    return kind.scoring.get("method") == WEIGHTED


def subtable_names(kind: Kind) -> dict[str, str]:
    return {table["code"]: table["name"] for table in kind.subtables}


def places_of(kind: Kind) -> int:
    return int(kind.scoring.get("score_places", 1))


def _decimal(text: str | None) -> Decimal | None:
    """The typed number, None when nothing was typed; ValueError(text) when it is not a number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def _too_precise(number: Decimal, places: int) -> bool:
    return number != number.quantize(Decimal(1).scaleb(-places))


def shown(number: Decimal) -> str:
    """A number as a message quotes it: plain digits, or scientific when written out it would be
    absurdly long (1e999999999 would otherwise become a gigabyte of zeros)."""
    if -12 <= number.adjusted() <= 12:
        return format(number.normalize(), "f")
    return str(number)


def typed(text: str, limit: int = 30) -> str:
    """What the user typed, as a message quotes it (cut short: a message never grows with the input)."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def self_score_problem(item: Item, score: Decimal | None, places: int) -> str | None:
    """Why a self score cannot be stored for ``item`` (range 0..max, declared decimals), or None.
    The same check guards the 办理 page and the generated item screens and API."""
    if score is None:
        return None
    if not 0 <= score <= item.max:
        return f"“{item.name}”的自评分应在 0 到 {item.max} 之间，填写的是 {shown(score)}"
    if _too_precise(score, places):
        return f"“{item.name}”的自评分最多保留 {places} 位小数"
    return None


def _read_sum(item: Item, form: Mapping[str, str], places: int, not_applicable: bool) -> tuple[Entry, str | None]:
    try:
        score = _decimal(form.get(f"score_{item.code}", ""))
    except ValueError as bad:
        return Entry(not_applicable), f"“{item.name}”的自评分应为数字，填写的是“{typed(str(bad))}”"
    return Entry(not_applicable, None if not_applicable else score), self_score_problem(item, score, places)


def _read_weighted(kind: Kind, item: Item, form: Mapping[str, str], not_applicable: bool) -> tuple[Entry, str | None]:
    if not_applicable:  # 不涉及 clears whatever was typed for the category
        return Entry(True), None
    names = subtable_names(kind)
    full = kind.scoring["result_max"]
    places = places_of(kind)
    results: list[tuple[str, Decimal]] = []
    problems: list[str] = []
    for code in item.subtables:
        where = f"“{item.name}”的“{names.get(code, code)}”得分"
        try:
            value = _decimal(form.get(f"result_{code}", ""))
        except ValueError as bad:
            problems.append(f"{where}应为数字，填写的是“{typed(str(bad))}”")
            continue
        if value is None:
            continue
        if not 0 <= value <= full:
            problems.append(f"{where}应在 0 到 {full} 之间，填写的是 {shown(value)}")
        elif _too_precise(value, places):
            problems.append(f"{where}最多保留 {places} 位小数，填写的是 {shown(value)}")
        else:
            results.append((code, value))
    return Entry(False, None, tuple(results)), "；".join(problems) or None


def assessed_score(item: Item, text: str | None, places: int) -> tuple[Decimal | None, str | None]:
    """The reviewer's own score (考核得分) of an item marked ×  (0..max, declared decimals), or why not."""
    try:
        value = _decimal(text)
    except ValueError as bad:
        return None, f"“{item.name}”的考核得分应为数字，填写的是“{typed(str(bad))}”"
    if value is None or not 0 <= value <= item.max:
        return None, f"“{item.name}”打 × 时须填写考核得分（0 到 {item.max}）"
    if _too_precise(value, places):
        return None, f"“{item.name}”的考核得分最多保留 {places} 位小数"
    return value, None


# Fields of the 办理 page's forms that carry an item (or, for results, a sub-table) code.
SCORE_FIELDS = ("score_", "na_")
REVIEW_FIELDS = ("verdict_", "decision_", "assessed_", "opinion_")


def unknown_codes(kind: Kind, form: Mapping[str, str], prefixes: tuple[str, ...]) -> list[str]:
    """Codes posted under ``prefixes`` (and ``result_`` for sub-tables) that this kind does not have:
    a page of another kind, or a hand-made request; saving would silently drop them."""
    items = {item.code for item in kind.items}
    tables = {code for item in kind.items for code in item.subtables} if is_weighted(kind) else set()
    found = []
    for name in form:
        for prefix in prefixes:
            if name.startswith(prefix) and name[len(prefix) :] not in items:
                found.append(name[len(prefix) :])
        if "score_" in prefixes and name.startswith("result_") and name[len("result_") :] not in tables:
            found.append(name[len("result_") :])
    return list(dict.fromkeys(found))


def unknown_message(kind: Kind, codes: list[str]) -> str:
    return f"考核项目“{'、'.join(typed(c) for c in codes[:5])}”不属于{kind.short_name}，未保存；请刷新页面后重新填写。"


def read_form(kind: Kind, form: Mapping[str, str]) -> tuple[dict[str, Entry], dict[str, str]]:
    """The entries of every item, and the problems by item code (empty when everything is valid)."""
    entries: dict[str, Entry] = {}
    errors: dict[str, str] = {}
    places = places_of(kind)
    for item in kind.items:
        not_applicable = form.get(f"na_{item.code}") == "1"
        if is_weighted(kind):
            entry, problem = _read_weighted(kind, item, form, not_applicable)
        else:
            entry, problem = _read_sum(item, form, places, not_applicable)
        entries[item.code] = entry
        if problem:
            errors[item.code] = problem
    return entries, errors


def json_number(value: Decimal) -> int | float:
    """A result as a JSON number: whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def results_json(entry: Entry) -> dict[str, int | float] | None:
    """What an item row stores in ``results``: {sub-table code: result}, None when nothing applies."""
    if entry.not_applicable or not entry.results:
        return None
    return {code: json_number(value) for code, value in entry.results}


def stored_entries(kind: Kind, rows: Iterable[Any]) -> dict[str, Entry]:
    """The entries saved in a record's item rows (self scores, sub-table results, 不涉及)."""
    by_code = {row.item_code: row for row in rows}
    entries: dict[str, Entry] = {}
    for item in kind.items:
        row = by_code.get(item.code)
        if row is None:
            entries[item.code] = Entry()
        elif row.not_applicable:
            entries[item.code] = Entry(True)
        elif is_weighted(kind):
            saved = row.results or {}
            results = tuple((code, Decimal(str(saved[code]))) for code in item.subtables if saved.get(code) is not None)
            entries[item.code] = Entry(False, None, results)
        else:
            entries[item.code] = Entry(False, None if row.self_score is None else Decimal(str(row.self_score)))
    return entries


def unfilled(kind: Kind, entries: Mapping[str, Entry]) -> list[str]:
    """Names of the applicable items that have no score yet."""
    return [
        item.name
        for item in kind.items
        if not entries.get(item.code, Entry()).not_applicable and not entries.get(item.code, Entry()).entered(kind)
    ]


def payload(kind: Kind, entries: Mapping[str, Entry]) -> dict[str, Any]:
    """The scorer's input (as ``criteria score`` reads it) for complete entries."""
    items: dict[str, Any] = {}
    for item in kind.items:
        entry = entries.get(item.code, Entry())
        if entry.not_applicable:
            items[item.code] = None
        elif is_weighted(kind):
            items[item.code] = [str(value) for _, value in entry.results]
        elif entry.score is not None:
            items[item.code] = str(entry.score)
    return {"items": items}


def preview(pack: Pack, kind: Kind, entries: Mapping[str, Entry]) -> dict[str, Any]:
    """The live result: {"ok": True, total, grade, reasons, ...} or {"ok": False, "message": ...}."""
    missing = unfilled(kind, entries)
    if missing:
        return {"ok": False, "message": f"尚未填写：{'、'.join(missing)}。全部填写（或勾选“不涉及”）后显示总分和等次。"}
    try:
        result = score_kind(pack, kind.code, payload(kind, entries))
    except ScoreInputError as problem:
        return {"ok": False, "message": str(problem)}
    data = result.as_json()
    data.update(ok=True, total_text="" if result.total is None else format(result.total, "f"))
    return data
