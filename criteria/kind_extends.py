"""A kind file that takes another pack's kind and states only what differs from it.

Jinan's general conditions are Qingdao's with one label changed, so ``jinan/general.yaml`` says::

    extends: qingdao/general.yaml
    workflow:
      item_statuses:
        - ...

The base (``<pack>/<file>.yaml``, beside this pack's folder, or kept in a stored version under that
name) and the file are merged key by key: a mapping merges into the base's mapping of the same key;
anything else (a list, a text, a number) replaces the base's value whole. The result is validated as
any kind file, and a problem is named in the file its value comes from. A base that itself extends
another is refused: one step keeps what a city changed readable. A stored version keeps the base's
text under its reference, so the version stays complete however the other pack changes later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from criteria.yaml_source import YamlFile

REFERENCE = re.compile(r"^[a-z][a-z0-9_]*/[a-z0-9_][a-z0-9_.-]*\.yaml$")
_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")


def reference(data: Any) -> str | None:
    """What ``extends:`` names in a kind file's data (None: the file stands on its own)."""
    value = data.get("extends") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def merged(base: Any, own: Any) -> Any:
    """``own`` over ``base``: mappings merge key by key, anything else replaces the base's value."""
    if isinstance(base, dict) and isinstance(own, dict):
        return {**base, **{key: merged(base[key], value) if key in base else value for key, value in own.items()}}
    return own


@dataclass
class ExtendedFile(YamlFile):
    """A kind file merged over the kind it extends; its text is the file's own."""

    own: YamlFile | None = None
    base: YamlFile | None = None

    @property
    def hashed(self) -> list[str]:
        return [self.own.text, self.base.text]

    def origin(self, path: str) -> YamlFile:
        """The file the value at ``path`` comes from."""
        node = self.own.data
        for token in _TOKEN.findall(path):
            if not isinstance(node, dict) or token.startswith("["):
                return self.own  # a list or a value of the file replaces the base's whole
            if token not in node:
                return self.base
            node = node[token]
        return self.own

    def where(self, path: str) -> tuple[str, int | None]:
        source = self.origin(path)
        return source.name, source.line_of(path)


def extended(own: YamlFile, base: YamlFile) -> ExtendedFile:
    """``own`` (which names ``base`` in ``extends:``) merged over ``base``."""
    data = merged(base.data, {key: value for key, value in own.data.items() if key != "extends"})
    return ExtendedFile(own.name, data, own.lines, own.text, own=own, base=base)
