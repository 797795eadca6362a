"""Check the entered scores of one assessment against its kind, then score it by the kind's method.

Input (as ``flask --app app criteria score KIND`` reads it):
``{"items": {"<item code>": <number> | [<number>, ...] | null}, "vetoes": ["<veto code>", ...]}``;
a list gives several sub-table results of one category, null marks the item not applicable.
Daily (catalogue) kinds take ``{"items": {"<entry code>": <count>}}`` or
``{"entries": [{"code": ..., "count": 1, "project": "..."}]}``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from criteria.pack import Kind, Pack
from scoring.catalogue import DailyEntry, daily_net
from scoring.items import score_sum
from scoring.jgj59 import score_weighted
from scoring.numbers import ZERO
from scoring.result import ScoreResult


class ScoreInputError(ValueError):
    """The entered scores do not fit the kind; the message names the item."""


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ScoreInputError(f"{where}：应为数字，收到 {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ScoreInputError(f"{where}：应为数字，收到 {value!r}") from None
    if not number.is_finite():
        raise ScoreInputError(f"{where}：应为有限数字")
    return number


def _check_places(number: Decimal, places: int, where: str) -> None:
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ScoreInputError(f"{where}：最多保留 {places} 位小数，收到 {number}")


def parse_input(kind: Kind, payload: Any) -> dict[str, Any]:
    """Validate ``payload`` for ``kind``; returns {"items": {...}, "vetoes": [...], "entries": [...]}."""
    if not isinstance(payload, dict):
        raise ScoreInputError('输入应为 JSON 对象，如 {"items": {...}}')
    unknown_keys = set(payload) - {"items", "vetoes", "entries", "subject"}
    if unknown_keys:
        raise ScoreInputError(f"未知字段：{'、'.join(sorted(unknown_keys))}")
    raw_items = payload.get("items", {})
    if not isinstance(raw_items, dict):
        raise ScoreInputError('items 应为对象：{"项目代码": 分数}')
    method = kind.scoring["method"]
    if method == "catalogue":
        return {"entries": _parse_entries(kind, raw_items, payload.get("entries", [])), "subject": payload.get("subject", "enterprise")}
    known = {item.code: item for item in kind.items}
    unknown = [code for code in raw_items if code not in known]
    if unknown:
        raise ScoreInputError(f"未知的考核项目代码：{'、'.join(unknown)}（{kind.name} 的项目为：{'、'.join(known)}）")
    items: dict[str, Any] = {}
    for code, value in raw_items.items():
        item = known[code]
        where = f"{item.name}（{code}）"
        if value is None:
            items[code] = None
        elif method == "weighted_categories":
            values = value if isinstance(value, list) else [value]
            if not values or len(values) > len(item.subtables):
                raise ScoreInputError(f"{where}：应填 1 至 {len(item.subtables)} 个分项检查评分表得分")
            full = kind.scoring["result_max"]
            numbers = [_number(v, where) for v in values]
            for number in numbers:
                if not ZERO <= number <= full:
                    raise ScoreInputError(f"{where}：分项表得分应在 0 到 {full} 之间，收到 {number}")
            items[code] = numbers
        else:
            number = _number(value, where)
            if not ZERO <= number <= item.max:
                raise ScoreInputError(f"{where}：得分应在 0 到 {item.max} 之间，收到 {number}")
            _check_places(number, kind.scoring["score_places"], where)
            items[code] = number
    missing = [code for code in known if code not in raw_items]
    if missing:
        raise ScoreInputError(f"缺少考核项目：{'、'.join(known[c].name + '（' + c + '）' for c in missing)}；不涉及的项目请填 null")
    if all(v is None for v in items.values()):
        raise ScoreInputError("至少需要一个适用的考核项目")
    vetoes = payload.get("vetoes", [])
    declared = {v["code"] for v in kind.vetoes}
    if not isinstance(vetoes, list) or any(v not in declared for v in vetoes):
        raise ScoreInputError(f"vetoes 应为否决项代码列表，可选：{'、'.join(sorted(declared)) or '（本类考核无否决项）'}")
    return {"items": items, "vetoes": vetoes}


def _parse_entries(kind: Kind, counts: dict[str, Any], listed: Any) -> list[DailyEntry]:
    catalogue = {e["code"]: e for e in kind.catalogue}
    entries: list[DailyEntry] = []
    pairs = [(code, {"code": code, "count": count}) for code, count in counts.items()]
    if not isinstance(listed, list):
        raise ScoreInputError("entries 应为列表")
    pairs += [(entry.get("code") if isinstance(entry, dict) else None, entry) for entry in listed]
    for code, entry in pairs:
        if code not in catalogue:
            raise ScoreInputError(f"未知的日常考核事项代码：{code}")
        count = entry.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ScoreInputError(f"{catalogue[code]['name']}（{code}）：次数应为非负整数，收到 {count!r}")
        entries.append(DailyEntry(code, count, entry.get("project")))
    return entries


def score_kind(pack: Pack, kind_code: str, payload: Any) -> ScoreResult:
    """Validate and score one assessment of ``kind_code`` in ``pack``."""
    if kind_code not in pack.kinds:
        raise ScoreInputError(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）")
    kind = pack.kinds[kind_code]
    if kind.rated:
        labels = pack.band_labels(kind)
        raise ScoreInputError(
            f"{kind.name}不计算得分：由审核人评定为" + "、".join(label for code, label in labels.items() if code in kind.rating_bands)
        )
    parsed = parse_input(kind, payload)
    method = kind.scoring["method"]
    if method == "catalogue":
        return daily_net(kind, parsed["entries"], parsed["subject"])
    scale = pack.scales[kind.grade_scale]
    if method == "weighted_categories":
        return score_weighted(kind, scale, parsed["items"])
    return score_sum(kind, scale, parsed["items"], parsed["vetoes"])
