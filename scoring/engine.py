"""Check the entered scores of one assessment against its kind, then score it by the kind's method.

Input (as ``flask --app app criteria score KIND`` reads it):
``{"items": {"<item code>": <number> | [<number>, ...] | null}, "vetoes": ["<veto code>", ...]}``;
a list gives several sub-table results of one category, null marks the item not applicable.
Daily (catalogue) kinds take ``{"items": {"<entry code>": <count>}}`` or
``{"entries": [{"code": ..., "count": 1, "project": "..."}]}``. What each method accepts and how
it scores is the method's own (``scoring/methods``).
"""

from __future__ import annotations

from typing import Any

from criteria.pack import Pack
from scoring.inputs import ScoreInputError
from scoring.result import ScoreResult

PAYLOAD_KEYS = frozenset({"items", "vetoes", "entries", "subject"})


def score_kind(pack: Pack, kind_code: str, payload: Any) -> ScoreResult:
    """Validate and score one assessment of ``kind_code`` in ``pack``."""
    if kind_code not in pack.kinds:
        raise ScoreInputError(f"未知的考核类别：{kind_code}（可选：{'、'.join(pack.kinds)}）")
    kind = pack.kinds[kind_code]
    if not isinstance(payload, dict):
        raise ScoreInputError('输入应为 JSON 对象，如 {"items": {...}}')
    unknown_keys = set(payload) - PAYLOAD_KEYS
    if unknown_keys:
        raise ScoreInputError(f"未知字段：{'、'.join(sorted(unknown_keys))}")
    if not isinstance(payload.get("items", {}), dict):
        raise ScoreInputError('items 应为对象：{"项目代码": 分数}')
    return kind.scoring.score(pack, kind, kind.scoring.parse(pack, kind, payload))
