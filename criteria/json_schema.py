"""The shape of each pack file as JSON Schema (draft 2020-12), every key described in Chinese.

Written from the marshmallow schemas the loader validates with, so it cannot drift from them; the
descriptions come from ``criteria.key_help`` and each scoring method's ``key_help``. The criteria
editor uses it for completion and hover help; ``criteria schema`` writes it out for other editors.
Checks that span entries or files (sums, references) are not in it: saving still runs them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml
from marshmallow import Schema, fields, validate

from criteria.fields import CODE_RE, FILE_RE, Code, Date, FileName, Flag, Integer, Number, OneOfSchemas
from criteria.key_help import KEY_HELP
from criteria.kind_extends import REFERENCE
from criteria.methods import scoring_methods
from criteria.schema import DistrictsSchema, GradingSchema, KindSchema, PackSchema, RolesSchema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXTENDS_HELP = "所基于的另一考核标准的考核类别文件（如 qingdao/general.yaml）：本文件只写与之不同的内容，映射逐键合并，列表和取值整体替换"
# The file roles of a pack: pack.yaml names the other files.
FILES: dict[str, tuple[type[Schema], str]] = {
    "pack": (PackSchema, "考核标准总文件 pack.yaml"),
    "districts": (DistrictsSchema, "辖区清单"),
    "roles": (RolesSchema, "角色清单"),
    "grading": (GradingSchema, "等次与综合评价规则"),
    "kind": (KindSchema, "考核类别"),
}


class MissingHelp(ValueError):
    """A key without a Chinese description (``criteria.key_help`` or a method's ``key_help``)."""


def _help() -> dict[str, dict[str, str]]:
    found = {name: dict(keys) for name, keys in KEY_HELP.items()}
    for method in scoring_methods().values():
        for name, keys in getattr(method, "key_help", {}).items():
            found.setdefault(name, {}).update(keys)
    return found


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


class _Writer:
    def __init__(self) -> None:
        self.help = _help()
        self.defs: dict[str, dict[str, Any]] = {}
        self.missing: list[str] = []

    def ref(self, schema: type[Schema], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        name = schema.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved before the properties: nested schemas refer back by name
            self.defs[name] = self.object(schema, extra)
        return {"$ref": f"#/$defs/{name}"}

    def object(self, schema: type[Schema], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        keys = self.help.get(schema.__name__, {})
        properties: dict[str, Any] = {}
        required: list[str] = []
        for attr, field in schema._declared_fields.items():
            key = field.data_key or attr
            described = self.field(field)
            if key in keys:
                described["description"] = keys[key]
            else:
                self.missing.append(f"{schema.__name__}.{key}")
            properties[key] = {**described, **(extra or {}).get(key, {})}
            if field.required:
                required.append(key)
        found: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            found["required"] = required
        return found

    def field(self, field: fields.Field) -> dict[str, Any]:
        found = self.kind_of(field)
        for rule in field.validators:
            found.update(self.rule(rule, found.get("type")))
        default = field.load_default
        if default is not fields.missing_ and not callable(default):
            found["default"] = _number(default)
        return found

    def kind_of(self, field: fields.Field) -> dict[str, Any]:
        if isinstance(field, fields.Nested):
            return self.ref(field.nested)
        if isinstance(field, fields.List):
            return {"type": "array", "items": self.field(field.inner)}
        if isinstance(field, OneOfSchemas):
            return self.one_of(field)
        if isinstance(field, Flag):
            return {"type": "boolean"}
        if isinstance(field, Integer):
            return {"type": "integer"}
        if isinstance(field, Number):
            return {"type": "number"}
        if isinstance(field, Date):
            return {"type": "string", "format": "date"}
        if isinstance(field, FileName):
            return {"type": "string", "pattern": FILE_RE.pattern}
        if isinstance(field, Code):
            return {"type": "string", "pattern": CODE_RE.pattern}
        return {"type": "string", "minLength": 1}

    def one_of(self, field: OneOfSchemas) -> dict[str, Any]:
        choices = field.schemas()
        variants = [self.ref(schema, {field.key: {"const": code}}) for code, schema in choices.items()]
        return {"type": "object", "required": [field.key], "oneOf": variants}

    @staticmethod
    def rule(rule: Any, kind: str | None) -> dict[str, Any]:
        if isinstance(rule, validate.OneOf):
            return {"enum": list(rule.choices)}
        if isinstance(rule, validate.Length) and kind == "array" and rule.min:
            return {"minItems": rule.min}
        if isinstance(rule, validate.Range):
            found: dict[str, Any] = {}
            if rule.min is not None:
                found["minimum" if rule.min_inclusive else "exclusiveMinimum"] = rule.min
            if rule.max is not None:
                found["maximum" if rule.max_inclusive else "exclusiveMaximum"] = rule.max
            return found
        return {}


def file_schema(role: str) -> dict[str, Any]:
    """The JSON Schema of one pack file role (a key of FILES); MissingHelp names any key without a
    description."""
    schema, title = FILES[role]
    writer = _Writer()
    root = writer.object(schema)
    if writer.missing:
        raise MissingHelp("以下键没有中文说明：" + "、".join(sorted(set(writer.missing))))
    if role == "kind":  # a kind file may take another pack's kind and state only what differs
        extends = {"type": "string", "pattern": REFERENCE.pattern, "description": EXTENDS_HELP}
        root["properties"] = {"extends": extends, **root["properties"]}
    return {"$schema": DIALECT, "title": title, **root, "$defs": writer.defs}


def role_of(files: Mapping[str, str], name: str) -> str | None:
    """Which role file ``name`` plays in the pack whose files are ``files`` (from its pack.yaml)."""
    if name == "pack.yaml":
        return "pack"
    try:
        pack = yaml.safe_load(files.get("pack.yaml", "")) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(pack, dict):
        return None
    for role in ("districts", "roles", "grading"):
        if pack.get(role) == name:
            return role
    kinds = pack.get("kinds")
    return "kind" if isinstance(kinds, list) and name in kinds else None
