"""What the REST API says about a bad value, and how it reads a reference to another record.

Flask-AppBuilder builds the API's marshmallow schemas from the models. Two things of that default
are not good enough for the platform:

- a reference to another record (``"enterprise": 7``) goes through marshmallow-sqlalchemy's
  ``Related``, which *creates* a new related row when the id does not exist, and crashes on an
  object with unknown keys. ``ExistingRecord`` only ever loads an existing row by its id;
- the messages are marshmallow's English. ``chinese_messages`` gives every field of a write
  schema Simplified-Chinese messages that name the field by its label.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_appbuilder.api.convert import Model2SchemaConverter, TreeNode
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import User
from marshmallow import Schema, ValidationError, fields, validate
from marshmallow_sqlalchemy.fields import Related

ID_TEXT = re.compile(r"\d{1,18}", re.ASCII)
LARGEST_ID = 2**63 - 1  # what a BIGINT key holds; a larger number cannot name any record


def plausible_id(value: Any) -> bool:
    """Whether ``value`` (an int, or its digits as text) can be the id of a stored record."""
    if isinstance(value, str) and ID_TEXT.fullmatch(value):
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_ID


class ExistingRecord(Related):
    """A many-to-one reference by id: an existing record or a clear refusal, never a new row."""

    default_error_messages = {  # noqa: RUF012  (marshmallow merges these per class)
        "invalid": "应为记录编号（正整数）",
        "not_found": "编号为 {value} 的记录不存在",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"id"}:
            value = value["id"]
        if not plausible_id(value):
            raise self.make_error("invalid")
        value = int(value)
        record = self.session.get(self.related_model, value)
        if record is None:
            raise self.make_error("not_found", value=value)
        return record


def shown_name(record: Any) -> str:
    """How a related record reads in an answer: a user by its display name (never its account
    columns), anything else by its own ``__str__``."""
    if isinstance(record, User):
        return record.get_full_name()
    return str(record)


class RelatedName(fields.Field):
    """A related record in a read answer: ``{"id", "name"}``, or a user's display name alone.

    FAB nests a listed relation with every column of the related table; for ``user`` that was the
    whole account (password hash, email, login counters). An answer names related records instead.
    """

    def __init__(self, many: bool = False, **kwargs: Any):
        super().__init__(dump_only=True, **kwargs)
        self.many = many

    def _one(self, record: Any) -> Any:
        if record is None:
            return None
        if isinstance(record, User):
            return shown_name(record)
        return {"id": record.id, "name": shown_name(record)}

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if self.many:
            return [self._one(record) for record in value or ()]
        return self._one(value)


class StrictSchemaConverter(Model2SchemaConverter):
    """FAB's converter, with references of the write schemas loaded by ``ExistingRecord`` and
    related records of the read schemas named by ``RelatedName`` (never nested whole)."""

    def _column2relation(
        self, datamodel: SQLAInterface, column: TreeNode, nested: bool = False, parent_schema_name: str | None = None
    ) -> fields.Field:
        if nested:
            many = datamodel.is_relation_many_to_many(column.name) or datamodel.is_relation_one_to_many(column.name)
            return RelatedName(many=many)
        field = super()._column2relation(datamodel, column, nested=nested, parent_schema_name=parent_schema_name)
        if isinstance(field, Related) and datamodel.is_relation_many_to_one(column.name):
            strict = ExistingRecord(required=field.required, allow_none=not field.required)
            strict.unique = getattr(field, "unique", False)
            return strict
        return field


def _messages(field: fields.Field, label: str) -> dict[str, str]:
    """Chinese messages for the errors marshmallow raises for this kind of field."""
    found = {
        "required": f"请填写{label}",
        "null": f"{label}不能为空",
        "validator_failed": f"{label}的值无效",
    }
    if isinstance(field, ExistingRecord):
        found.update(invalid=f"{label}应为记录编号（正整数）", not_found=f"{label}：编号为 {{value}} 的记录不存在")
    elif isinstance(field, fields.String):
        found.update(invalid=f"{label}应为文字", invalid_utf8=f"{label}含有无效的字符")
    elif isinstance(field, fields.Integer):
        found.update(invalid=f"{label}应为整数", too_large=f"{label}的数值过大")
    elif isinstance(field, fields.Number):
        found.update(invalid=f"{label}应为数字", too_large=f"{label}的数值过大", special=f"{label}应为有限的数字（不接受 NaN 或无穷大）")
    elif isinstance(field, fields.Boolean):
        found.update(invalid=f"{label}应为 true 或 false")
    elif isinstance(field, fields.DateTime):  # Date is a DateTime in marshmallow
        found.update(invalid=f"{label}应为日期，格式如 2026-01-31", format=f"{label}的日期格式无效", invalid_awareness=f"{label}的时区无效")
    else:
        found.update(invalid=f"{label}的值无效")
    return found


def _at_most(places: int, label: str) -> Any:
    """A validator refusing a number with more decimals than the column keeps (the page's rule)."""

    def check(value: Decimal | None) -> None:
        if value is not None and value != value.quantize(Decimal(1).scaleb(-places)):
            raise ValidationError(f"{label}最多保留 {places} 位小数")

    return check


def chinese_messages(schema: Schema, labels: dict[str, Any]) -> None:
    """Give a write schema (an instance) Chinese messages naming each field by its label."""
    schema.error_messages = {**schema.error_messages, "unknown": "不是可以填写的字段", "type": '请求体应为 JSON 对象，如 {"字段": 值}'}
    for name, field in schema.fields.items():
        label = str(labels.get(name, name))
        field.error_messages = {**field.error_messages, **_messages(field, label)}
        if isinstance(field, fields.Decimal) and field.places is not None:
            field.validators = [*field.validators, _at_most(-field.places.as_tuple().exponent, label)]
            field.places = None  # refused when too precise, never rounded quietly
        for validator in field.validators:
            if isinstance(validator, validate.Length) and validator.max is not None:
                validator.error = f"{label}最多 {validator.max} 个字符"
