"""The scoring methods a pack may name (``scoring.method``), as criteria sees them.

Each method is one module of ``scoring/methods`` (its block's schema and checks, input parsing,
scoring, form reading). The criteria layer sits below scoring, so it does not import those modules:
they are installed plugins of the entry point group ``platform.scoring_methods`` (pyproject.toml),
found here by name. A kind's ``scoring`` block is loaded into its method's class, so the rest of the
platform asks the block (``kind.scoring.rates`` ...) instead of comparing method names.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol

from marshmallow import Schema

Found = tuple[str, str, str]  # (file key, path, message), as criteria.checks yields them
GROUP = "platform.scoring_methods"


class ScoringBlock(Protocol):
    """What the criteria and workflow layers read of a kind's scoring block."""

    code: ClassVar[str]  # the method's name in the pack (``scoring.method``)
    schema: ClassVar[type[Schema]]  # the block's shape
    scores_items: ClassVar[bool]  # the kind's items carry the scores
    rates: ClassVar[bool]  # the reviewer rates the record with a band; nothing is scored
    catalogued: ClassVar[bool]  # a record is one catalogue entry (日常考核)
    uses_subtables: ClassVar[bool]  # items are fed by sub-table results (JGJ 59 categories)
    item_max_label: ClassVar[str]  # what an item's max is called (满分, 权重)
    key_help: ClassVar[dict[str, dict[str, str]]]  # Chinese help of its block's keys, by schema class name

    @classmethod
    def check(cls, file: str, kind: dict[str, Any], bands: set[str] | None) -> Iterator[Found]:
        """Rules of the block against the rest of its (validated) kind; ``bands``: the codes of the
        kind's grade scale, None when it has none."""
        ...

    @classmethod
    def of(cls, data: dict[str, Any]) -> ScoringBlock:
        """The typed block from its validated mapping."""
        ...

    def params(self) -> dict[str, Any]:
        """The block as plain data, ``method`` first (what a revision compares)."""
        ...


class MissingMethods(RuntimeError):
    """No scoring method is installed: the platform was not installed in place."""


@cache
def scoring_methods() -> dict[str, type[ScoringBlock]]:
    """Method name -> its class, from the installed entry points."""
    found = {point.name: point.load() for point in entry_points(group=GROUP)}
    if not found:
        raise MissingMethods(f"未找到任何评分方法（入口点组 {GROUP}）：请先运行 bash scripts/setup.sh 安装平台")
    return found


def method_schemas() -> dict[str, type[Schema]]:
    return {code: method.schema for code, method in scoring_methods().items()}
