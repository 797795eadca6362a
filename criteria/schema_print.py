"""Marshmallow schemas of what printed forms say: pack.yaml ``print`` (who issues a form, its 编号)
and a kind's ``print`` (its layout, ``criteria.print_layout``)."""

from __future__ import annotations

from marshmallow import ValidationError

from criteria.fields import Flag, Items, Nested, Number, Strict, Text, greater_than, not_empty_list, one_of
from criteria.print_layout import ITEM_COLUMNS, LINE_COLUMNS, sheet_title_problem
from criteria.rules import number_pattern_problem


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


class PrintSchema(Strict):
    issuer = Text(required=True)
    number = Text(validate=lambda pattern: _raise_if(number_pattern_problem(pattern)))
    id_numbers = Text(load_default="masked", validate=one_of("masked", "full"))


class ColumnSchema(Strict):
    """A column's heading and share of the width; each table says what its columns may show."""

    label = Text(required=True)
    width = Number(load_default=1, validate=greater_than(0))


class ItemColumnSchema(ColumnSchema):
    show = Text(required=True, validate=one_of(*ITEM_COLUMNS))


class LineColumnSchema(ColumnSchema):
    show = Text(required=True, validate=one_of(*LINE_COLUMNS))


class SignatureSchema(Strict):
    label = Text(required=True)
    stamp = Flag(load_default=False)


class SheetsSchema(Strict):
    title = Text(required=True, validate=lambda title: _raise_if(sheet_title_problem(title)))
    columns = Items(Nested(LineColumnSchema), required=True, validate=not_empty_list())
    guaranteed = Text(required=True)
    general = Text(required=True)
    total = Text(required=True)
    signed = Text()


class LineLabelSchema(Strict):
    line = Text(required=True)
    label = Text(required=True)


class KindPrintSchema(Strict):
    title = Text()
    subtitle = Text()
    header = Items(Text(), validate=not_empty_list())
    labels = Items(Nested(LineLabelSchema))
    columns = Items(Nested(ItemColumnSchema), validate=not_empty_list())
    signatures = Items(Nested(SignatureSchema))
    dossier = Flag()
    working = Text()
    sheets = Nested(SheetsSchema)
