"""Read one YAML file into plain data, remembering the line of every path.

PyYAML silently keeps the last of duplicate keys and loses positions after loading; composing
the node tree first lets errors name the line and reject duplicate keys.

A pack file is edited in the browser by an administrator and read by every process, so what it may
be is bounded: at most ``MAX_TEXT`` characters, no anchors or aliases (``&a`` / ``*a``: nested
aliases grow a document tenfold per level), and never a symbolic link (it could point anywhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from criteria.errors import Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it
MAX_TEXT = 512 * 1024


class SafeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Dates stay strings: a schema field parses them, so a bad one (2026-13-01) is a problem with
    its path and line instead of an exception from the YAML library."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


@dataclass
class YamlFile:
    """The data of one file and the line (1-based) of each path in it."""

    name: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    text: str = ""

    @property
    def hashed(self) -> list[str]:
        """The texts what the file says depends on (one kind file extending another: both)."""
        return [self.text]

    def where(self, path: str) -> tuple[str, int | None]:
        """The file and line a problem at ``path`` is reported at."""
        return self.name, self.line_of(path)

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def join_path(base: str, key: str | int) -> str:
    """``items`` + 3 -> ``items[3]``; ``items[3]`` + ``max`` -> ``items[3].max``."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else str(key)


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], name: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(Problem(name, join_path(path, key), "duplicate key", key_node.start_mark.line + 1))
            seen.add(key)
            child = join_path(path, key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, problems, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, join_path(path, index), lines, problems, name)


def read_yaml(path: Path, name: str) -> tuple[YamlFile | None, list[Problem]]:
    """Parse ``path``; ``name`` is how problems refer to the file."""
    if path.is_symlink():
        return None, [Problem(name, "", "is a symbolic link, not a file of the pack folder")]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "", "file not found")]
    except IsADirectoryError:
        return None, [Problem(name, "", "is a directory, not a file")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    return parse_yaml(text, name)


def _first_alias(text: str) -> int | None:
    """The line of the first anchor or alias, if the text has one (syntax errors are left to the parser)."""
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return event.start_mark.line + 1
    except yaml.YAMLError:
        return None
    return None


def normalise(text: str) -> str:
    """Line endings as stored and hashed: a browser textarea submits CRLF, files may have CR."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, name: str) -> tuple[YamlFile | None, list[Problem]]:
    """Parse the text of one file; ``name`` is how problems refer to the file."""
    text = normalise(text)
    if len(text) > MAX_TEXT:
        return None, [Problem(name, "", f"the file is longer than {MAX_TEXT} characters")]
    alias = _first_alias(text)
    if alias is not None:
        return None, [Problem(name, "", "YAML anchors and aliases (&name, *name) are not allowed", alias)]
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        message = f"YAML syntax error at line {line}{column}: {exc.problem or exc.context}"
        return None, [Problem(name, "", message)]
    except yaml.YAMLError as exc:
        return None, [Problem(name, "", f"YAML syntax error: {exc}")]
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, "", lines, problems, name)
    return YamlFile(name, data, lines, text), problems
