"""The base of every generated REST API: the scoped data layer, a fixed number of queries per list,
refusals answered in Chinese, 身份证号 masked for roles that do not read them.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import ModelRestApi
from flask_babel import get_locale

from models.criteria_versions import VersionUnloadable
from views.api_fields import StrictSchemaConverter, chinese_messages
from views.masking import MaskedApi
from views.scope import ScopeViolation
from views.scoped_data import AtLeast, FieldProblem, Refused, listed_relations


class ScopedApi(MaskedApi, ModelRestApi):
    """A ModelRestApi on the scoped interface; refusals answer with a clear Chinese message; 身份证号
    masked for roles that do not read them (views.masking)."""

    allow_browser_login = True
    page_size = 20
    list_reads: tuple[str, ...] = ()  # relations the listed properties read (see listed_relations)
    list_reads_when: tuple[tuple[str, ...], Any] | None = None  # read of some rows only (ScopedInterface.eager_for)
    model2schemaconverter = StrictSchemaConverter

    def _init_properties(self) -> None:
        """A list reads its page in a fixed number of queries, not one or two per row.

        FAB selects only the listed columns. A listed relation also needs its key column (else
        every row reads its key, then its related record, on its own), and a listed Python
        property may read any column (``item_name`` reads ``item_code``), so it selects them all.
        """
        super()._init_properties()
        related = listed_relations(self)
        self.datamodel.eager = related
        self.datamodel.eager_for = self.list_reads_when
        mapper = self.datamodel.obj.__mapper__
        if any(self.datamodel.is_property_or_function(c) for c in self.list_columns):
            needed = [attribute.key for attribute in mapper.column_attrs]
        else:
            needed = [key.key for column in related for key in mapper.relationships[column].local_columns]
        self.list_select_columns = list(dict.fromkeys([*self.list_select_columns, *needed]))

    def _translated(self, which: str, cols: list[str] | None) -> dict[str, Any]:
        """The labels or descriptions a response carries, translated once per locale and set of
        columns: they cannot change while the API lives (a revision builds a new app)."""
        key = (which, str(get_locale()), tuple(cols or ()))
        kept: dict[tuple, dict[str, Any]] = self.__dict__.setdefault("_kept_texts", {})
        if key not in kept:
            kept[key] = getattr(super(), f"_{which}_columns_json")(cols)
        return dict(kept[key])

    def _label_columns_json(self, cols: list[str] | None = None) -> dict[str, Any]:
        return self._translated("label", cols)

    def _description_columns_json(self, cols: list[str] | None = None) -> dict[str, Any]:
        return self._translated("description", cols)

    def pre_get_list(self, data: dict[str, Any]) -> None:
        """A count that stopped at LIST_COUNT_LIMIT says so: the list has at least that many rows."""
        super().pre_get_list(data)
        if isinstance(data.get("count"), AtLeast):
            data["count"], data["count_at_least"] = int(data["count"]), True

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            chinese_messages(schema, self.label_columns)

    def _guarded(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except (ScopeViolation, Refused) as refused:
            self.datamodel.session.rollback()
            return self.response(403, message=str(refused))
        except FieldProblem as problem:
            return self.response_422(message={problem.field or "_schema": [problem.message]})
        except VersionUnloadable as unloadable:  # a record's stored criteria version no longer loads
            self.datamodel.session.rollback()
            return self.response(500, message=str(unloadable))

    def get_headless(self, pk: Any, **kwargs: Any) -> Any:
        return self._guarded(super().get_headless, pk, **kwargs)

    def get_list_headless(self, **kwargs: Any) -> Any:
        return self._guarded(super().get_list_headless, **kwargs)

    def post_headless(self) -> Any:
        return self._guarded(super().post_headless)

    def put_headless(self, pk: Any) -> Any:
        return self._guarded(super().put_headless, pk)

    def delete_headless(self, pk: Any) -> Any:
        return self._guarded(super().delete_headless, pk)
