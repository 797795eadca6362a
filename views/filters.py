"""Search filters: related enterprises and projects by name or code (a text box, not a pick list of
thousands), and the district a record belongs to."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterRelationOneToManyEqual, get_field_setup_query
from sqlalchemy import false, or_, select
from sqlalchemy.orm import Query

from models import District, Enterprise, Project


def _text(value: Any) -> str:
    """The search box value (the list page passes every value given for the argument)."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value).strip()


# What a relation's search box matches on the related record; tables not listed here are small
# enough (districts) for Flask-AppBuilder's own pick list.
TEXT_SEARCH = {
    Enterprise: (("name", "credit_code"), "名称或信用代码包含"),
    Project: (("name", "permit_no"), "名称或施工许可证号包含"),
}


@cache
def text_filter(target: type) -> type[BaseFilter] | None:
    """A filter matching the related record's text columns, for a relation to ``target`` (one class
    per target, so a filter can be found by its class)."""
    if target not in TEXT_SEARCH:
        return None
    columns, label = TEXT_SEARCH[target]

    class RelatedText(BaseFilter):
        name = label
        arg_name = "rel_text"

        def apply(self, query: Query, value: Any) -> Query:
            like = f"%{_text(value)}%"
            return query.filter(
                getattr(self.datamodel.obj, self.column_name).has(or_(*(getattr(target, column).like(like) for column in columns)))
            )

    return RelatedText


class RelatedIdIs(FilterRelationOneToManyEqual):
    """The related record by number: what related views and the 提报 link put in the URL.

    A value that is not a number matches nothing (Flask-AppBuilder's filter would send it to the
    database as a key)."""

    name = "编号为"

    def apply(self, query: Query, value: Any) -> Query:
        if not _text(value).isdigit():
            return query.filter(false())
        return super().apply(query, _text(value))


class DistrictIs(BaseFilter):
    """The district the record belongs to, by the same path the data scope uses."""

    arg_name = "district"

    @property
    def name(self) -> str:  # type: ignore[override]
        """“所在…为”, in the running pack's word for its districts."""
        try:
            return f"所在{current_app.extensions['criteria_pack'].term('district')}为"
        except (RuntimeError, KeyError):
            return "所在辖区为"

    def apply(self, query: Query, value: Any) -> Query:
        model = self.datamodel.obj
        wanted = _text(value)
        ids = select(District.id).where(or_(District.name == wanted, District.code == wanted))
        relation, _, column = model.scope_district.partition(".")
        if not column:  # the model holds the district itself
            return query.filter(getattr(model, relation).in_(ids))
        attribute = getattr(model, relation)
        target = attribute.property.mapper.class_
        return query.filter(attribute.has(getattr(target, column).in_(ids)))


ASSESSMENT_FILTERS = {"enterprise": [DistrictIs]}


class BooleanIs(FilterEqual):
    """是/否 on a yes/no column. Flask-AppBuilder's equal filter turns "y" into True but leaves "n" a
    string: the 外地企业 tab found nothing on SQLite and failed on PostgreSQL (boolean = varchar)."""

    def apply(self, query: Query, value: Any) -> Query:
        answer = _text(value).lower()
        if answer not in YES | NO:
            return query.filter(false())
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field == (answer in YES))


YES, NO = frozenset({"y", "1", "true", "是"}), frozenset({"n", "0", "false", "否"})
