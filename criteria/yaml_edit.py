"""Changing single values of a pack file in its own text, keeping every comment, quote style and
line that is not changed (the criteria editor's forms write the YAML underneath this way).

A value is found by its path (``items[3].max``, ``scales[0].bands[1].min``) on the line the parser
reports for it, in block style (``    max: 10   # note``) or inside a one-line flow mapping
(``{code: pass, label: 合格, min: 85, max: 100}``). Strings are written double-quoted. After every
change the text is parsed again and the value at the path must be the new one; a shape this does not
handle (a multi-line text block, a value spread over lines) is refused with the path named.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from criteria.yaml_source import parse_yaml


class EditShapeError(ValueError):
    """The value at a path is written in a shape this module does not rewrite."""


def _value_at(data: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]
    return data


def rendered(value: Any) -> str:
    """A value as YAML: numbers plain, text double-quoted (JSON's escapes are YAML's), a list of
    them as a one-line flow list."""
    if isinstance(value, list):
        return "[" + ", ".join(rendered(entry) for entry in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _end_of_flow_list(line: str, start: int) -> int:
    """Where the one-line flow list of scalars opening at ``start`` ends (after its ``]``)."""
    index = start + 1
    while index < len(line):
        if line[index] in "\"'":
            index = _end_of_value(line, index, True)
            continue
        if line[index] in "[{":
            break
        if line[index] == "]":
            return index + 1
        index += 1
    raise EditShapeError("列表不在同一行内，或含有嵌套的内容")


def _end_of_value(line: str, start: int, in_flow: bool) -> int:
    """Where the scalar starting at ``start`` ends: after its closing quote, or before a comment, a
    flow separator or the line's end (trailing spaces left out)."""
    if start < len(line) and line[start] in "\"'":
        quote, index = line[start], start + 1
        while index < len(line):
            if quote == '"' and line[index] == "\\":
                index += 2
                continue
            if line[index] == quote:
                if quote == "'" and index + 1 < len(line) and line[index + 1] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        raise EditShapeError("引号未在同一行内闭合")
    stops = [m.start() for m in re.finditer(r"\s#", line[start:])]
    end = start + stops[0] if stops else len(line)
    if in_flow:
        separator = re.search(r"[,}]", line[start:end])
        end = start + separator.start() if separator else end
    return len(line[:end].rstrip())


def _set_one(text: str, path: str, value: Any) -> str:
    source, problems = parse_yaml(text, "edit")
    if source is None or problems:
        raise EditShapeError("文件本身无法解析")
    number = source.lines.get(path)
    key = path.rsplit(".", 1)[-1]
    if number is None or "[" in key:
        raise EditShapeError(f"找不到 {path}")
    lines = text.split("\n")
    line = lines[number - 1]
    found = re.search(rf"(?:(?<=[{{,\s])|^){re.escape(key)}:[ \t]*", line)
    if found is None:
        raise EditShapeError(f"{path} 不在第 {number} 行")
    start = found.end()
    if isinstance(value, list) and line[start : start + 1] == "[":
        try:
            end = _end_of_flow_list(line, start)
        except EditShapeError:
            raise EditShapeError(f"{path} 的列表写在多行上，请在文件编辑器中修改") from None
    elif start >= len(line) or line[start] in "|>[{" or line[start:].lstrip().startswith("#"):
        raise EditShapeError(f"{path} 是多行文本或列表，请在文件编辑器中修改")
    else:
        end = _end_of_value(line, start, "{" in line[: found.start()])
    lines[number - 1] = line[:start] + rendered(value) + line[end:]
    changed = "\n".join(lines)
    again, problems = parse_yaml(changed, "edit")
    if again is None or problems or _value_at(again.data, path) != _expected(value):
        raise EditShapeError(f"{path} 的写法无法自动修改，请在文件编辑器中修改")
    return changed


def _expected(value: Any) -> Any:
    """What the parser reads back for ``value`` (a Decimal is read as a number)."""
    if isinstance(value, list):
        return [_expected(entry) for entry in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def set_values(text: str, changes: dict[str, Any]) -> str:
    """``text`` with the value at each path replaced (EditShapeError names a path it cannot change)."""
    for path, value in changes.items():
        text = _set_one(text, path, value)
    return text


def derived_pack_file(text: str, code: str, name: str, region: str, base_code: str) -> str:
    """pack.yaml of a pack started from the one ``text`` belongs to: its code, name and region
    replaced, and ``extends:`` naming the pack it was started from (after the code)."""
    changes: dict[str, Any] = {"code": code, "name": name, "region": region}
    source, _problems = parse_yaml(text, "pack.yaml")
    if source is not None and isinstance(source.data, dict) and "extends" in source.data:
        changes["extends"] = base_code
    text = set_values(text, changes)
    if "extends" in changes:
        return text
    lines = text.split("\n")
    at = source.lines["code"] if source is not None else 0
    return "\n".join([*lines[:at], f"extends: {base_code}", *lines[at:]])
