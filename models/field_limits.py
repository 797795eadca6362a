"""Length limits of posted text fields, checked before anything is stored (pure)."""

from __future__ import annotations

from collections.abc import Mapping


def length_problems(values: Mapping[str, str], limits: Mapping[str, int]) -> dict[str, str]:
    """A Chinese problem for each field of ``values`` longer than its limit in ``limits``."""
    return {
        name: f"最多 {limit} 个字符，当前 {len(values[name])} 个" for name, limit in limits.items() if len(values.get(name) or "") > limit
    }
