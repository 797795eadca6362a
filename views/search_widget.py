"""A list's search form with its fields drawn once for each set of choices.

Flask-AppBuilder's search widget draws every search field on each list page (the templates the
page's script copies when a filter is added): a fifth of a 20-row page. What they draw depends only
on the language, the choices of the pick lists and the values of the other fields (blank, or a
column's default), which are read on each page as before: any change draws the fields again.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from weakref import WeakKeyDictionary

from flask_appbuilder._compat import as_unicode
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale

KEPT_PER_VIEW = 64  # drawn forms kept per list: a few languages and scopes, each with its choices

Drawn = tuple[dict[str, str], dict[str, Any], dict[str, list[str]]]  # labels, fields, filter names
_drawn: WeakKeyDictionary[Any, OrderedDict[tuple, Drawn]] = WeakKeyDictionary()


def _state(field: Any) -> tuple:
    """What a field draws besides its definition: its value (blank, or a column's default such as the
    time of the moment) and a pick list's choices (keys and labels)."""
    choices = (
        tuple((pk, str(field.get_label(item))) for pk, item in field._get_object_list()) if isinstance(field, QuerySelectField) else None
    )
    return repr(field.data), choices


class KeptSearchWidget(SearchWidget):
    """FAB's ``SearchWidget``, its labels, fields and filter names kept per list (its filters), language,
    pick-list choices and field values."""

    def __call__(self, **kwargs: Any) -> Any:
        form, columns, filters = self.template_args["form"], self.template_args["include_cols"], self.filters
        if form.is_submitted():  # a bound form draws what was posted: never kept
            return super().__call__(**kwargs)
        key = (str(get_locale()), tuple(columns), tuple(_state(form[column]) for column in columns))
        kept = _drawn.setdefault(filters, OrderedDict())
        drawn = kept.get(key)
        if drawn is None:
            by_column = filters.get_search_filters()
            drawn = (
                {column: as_unicode(form[column].label.text) for column in columns},
                {column: form[column]() for column in columns},
                {column: [as_unicode(flt.name) for flt in by_column[column]] for column in columns},
            )
            kept[key] = drawn
            while len(kept) > KEPT_PER_VIEW:
                kept.popitem(last=False)
        labels, fields, names = drawn
        arguments = {"label_columns": labels, "form_fields": fields, "search_filters": names}
        return RenderTemplateWidget.__call__(self, **arguments, active_filters=filters.get_filters_values_tojson(), **kwargs)
