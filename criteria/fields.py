"""Marshmallow fields with strict types and short, uniform error messages."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.ya?ml$")

_BASE = {"required": "is required", "null": "must not be empty"}


def _messages(**extra: str) -> dict[str, str]:
    return {**_BASE, **extra}


class Text(fields.String):
    """A non-empty string (YAML scalars that are not strings are refused)."""

    default_error_messages = _messages(invalid="must be a string")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if not value.strip():
            raise ValidationError("must not be empty")
        return value.strip()


class Code(Text):
    """A lower-case snake_case identifier."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not CODE_RE.match(text):
            raise ValidationError(f"'{text}' is not a valid code (lower-case letters, digits and _)")
        return text


class FileName(Text):
    """The name of a YAML file inside the pack folder (no folders: the pack is one flat folder)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not FILE_RE.match(text):
            raise ValidationError(f"'{text}' is not a file name of the pack folder (letters, digits, _ . -, ending in .yaml)")
        return text


class Number(fields.Field):
    """An int or float from YAML, kept exactly as a Decimal; booleans and strings are refused."""

    default_error_messages = _messages(invalid="must be a number")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return Decimal(str(value))


class Integer(fields.Field):
    default_error_messages = _messages(invalid="must be a whole number")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class Flag(fields.Field):
    default_error_messages = _messages(invalid="must be true or false")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Date(fields.Field):
    """A calendar date: YAML's unquoted 2026-10-01, or the same written as a string."""

    default_error_messages = _messages(invalid="must be a date (YYYY-MM-DD)")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            raise self.make_error("invalid")
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.make_error("invalid")


class Items(fields.List):
    default_error_messages = _messages(invalid="must be a list")


class Nested(fields.Nested):
    default_error_messages = _messages(type="must be a mapping")


class Strict(Schema):
    """Base schema: unknown keys are errors, messages are short."""

    error_messages: ClassVar[dict[str, str]] = {"unknown": "unknown key", "type": "must be a mapping"}


def one_of(*choices: str) -> validate.OneOf:
    return validate.OneOf(choices, error="must be one of: " + ", ".join(choices))


def greater_than(bound: int) -> validate.Range:
    return validate.Range(min=bound, min_inclusive=False, error=f"must be greater than {bound}")


def at_least(bound: int) -> validate.Range:
    return validate.Range(min=bound, error=f"must be at least {bound}")


def between(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error=f"must be between {low} and {high}")


def not_empty_list() -> validate.Length:
    return validate.Length(min=1, error="must list at least one entry")


class OneOfSchemas(fields.Field):
    """A mapping validated by the schema chosen by one of its keys (``method: sum`` ...)."""

    default_error_messages = _messages(invalid="must be a mapping")

    def __init__(self, key: str, schemas: Callable[[], dict[str, type[Schema]]], **kwargs: Any):
        super().__init__(**kwargs)
        self.key = key
        self.schemas = schemas  # called when a value is loaded: the choices may be plugins

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        schemas = self.schemas()
        choice = value.get(self.key)
        if choice not in schemas:
            raise ValidationError({self.key: ["must be one of: " + ", ".join(schemas)]})
        return schemas[choice]().load(value)
