"""What the fill-in table of an assessment says, item by item, and what the scorer makes of it.

Pure: no Flask, no SQLAlchemy. ``read_form`` turns the posted fields of the 办理 page into entries,
or into messages that name the item (and, for JGJ 59 categories, the sub-table); ``stored_entries``
reads the same from saved item rows; ``preview`` scores entries with the kind's rules, for the live
total and grade.

Form fields: ``na_<item>`` (不涉及), and the fields the kind's scoring method reads
(``scoring/methods``): ``score_<item>`` (self score of a sum kind) or ``result_<sub-table>`` (one
0–result_max result per sub-table of a weighted category; empty means the sub-table is not on site).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from criteria.pack import Item, Kind, Pack
from scoring import ScoreInputError, score_kind
from scoring.inputs import Entry, too_precise, typed, typed_number


def subtable_names(kind: Kind) -> dict[str, str]:
    return {table["code"]: table["name"] for table in kind.subtables}


def assessed_score(item: Item, text: str | None, places: int) -> tuple[Decimal | None, str | None]:
    """The reviewer's own score (考核得分) of an item marked ×  (0..max, declared decimals), or why not."""
    try:
        value = typed_number(text)
    except ValueError as bad:
        return None, f"“{item.name}”的考核得分应为数字，填写的是“{typed(str(bad))}”"
    if value is None or not 0 <= value <= item.max:
        return None, f"“{item.name}”打 × 时须填写考核得分（0 到 {item.max}）"
    if too_precise(value, places):
        return None, f"“{item.name}”的考核得分最多保留 {places} 位小数"
    return value, None


# Fields of the 办理 page's forms that carry an item (or, for results, a sub-table) code.
SCORE_FIELDS = ("score_", "na_")
REVIEW_FIELDS = ("verdict_", "decision_", "assessed_", "opinion_")


def unknown_codes(kind: Kind, form: Mapping[str, str], prefixes: tuple[str, ...]) -> list[str]:
    """Codes posted under ``prefixes`` (and ``result_`` for sub-tables) that this kind does not have:
    a page of another kind, or a hand-made request; saving would silently drop them."""
    items = {item.code for item in kind.items}
    tables = {code for item in kind.items for code in item.subtables}
    allowed = {prefix: items for prefix in prefixes}
    if "score_" in prefixes:
        allowed["result_"] = tables
    found = [
        name[len(prefix) :]
        for name in form
        for prefix, codes in allowed.items()
        if name.startswith(prefix) and name[len(prefix) :] not in codes
    ]
    return list(dict.fromkeys(found))


def unknown_message(kind: Kind, codes: list[str]) -> str:
    return f"考核项目“{'、'.join(typed(c) for c in codes[:5])}”不属于{kind.short_name}，未保存；请刷新页面后重新填写。"


def read_form(kind: Kind, form: Mapping[str, str]) -> tuple[dict[str, Entry], dict[str, str]]:
    """The entries of every item, and the problems by item code (empty when everything is valid)."""
    entries: dict[str, Entry] = {}
    errors: dict[str, str] = {}
    for item in kind.items:
        entry, problem = kind.scoring.read_entry(kind, item, form, form.get(f"na_{item.code}") == "1")
        entries[item.code] = entry
        if problem:
            errors[item.code] = problem
    return entries, errors


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
        else:
            entries[item.code] = kind.scoring.stored_entry(item, row)
    return entries


def unfilled(kind: Kind, entries: Mapping[str, Entry]) -> list[str]:
    """Names of the applicable items that have no score yet."""
    blank = Entry()
    return [
        item.name
        for item in kind.items
        if not entries.get(item.code, blank).not_applicable and not kind.scoring.entered(entries.get(item.code, blank))
    ]


def payload(kind: Kind, entries: Mapping[str, Entry]) -> dict[str, Any]:
    """The scorer's input (as ``criteria score`` reads it) for complete entries."""
    items: dict[str, Any] = {}
    for item in kind.items:
        entry = entries.get(item.code, Entry())
        if entry.not_applicable:
            items[item.code] = None
        elif kind.scoring.entered(entry):
            items[item.code] = kind.scoring.entry_payload(entry)
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
