"""Search filters of the assessment lists: enterprise name or credit code, and district."""

from __future__ import annotations

from typing import Any

from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import or_, select
from sqlalchemy.orm import Query

from models import District, Enterprise


def _text(value: Any) -> str:
    """The search box value (the list page passes every value given for the argument)."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value).strip()


class EnterpriseText(BaseFilter):
    name = "名称或信用代码包含"
    arg_name = "ent_text"

    def apply(self, query: Query, value: Any) -> Query:
        like = f"%{_text(value)}%"
        return query.filter(self.datamodel.obj.enterprise.has(
            or_(Enterprise.name.like(like), Enterprise.credit_code.like(like))))


class DistrictIs(BaseFilter):
    """The district the record belongs to, by the same path the data scope uses."""

    name = "所在区（市）为"
    arg_name = "district"

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


ASSESSMENT_FILTERS = {"enterprise": [EnterpriseText, DistrictIs]}
