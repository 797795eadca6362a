"""A record's header fields as its own criteria version declares them, at every generic door.

An app maps the header fields of every stored version (``models.guide``), so a kind's screens and API
know fields that a given record's version does not have (a field added later) or that the running
version dropped. This mixin shows, serves and accepts only the record's own: 查看 leaves the others
out, the edit form hides them, the API leaves them out of a record it serves and refuses a value for
one (the 办理 page reads the record's version itself)."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import inspect

from models.criteria_versions import kind_for
from views.scoped_data import FieldProblem


class OwnVersionFields:
    """Mixed into an assessment kind's view and API (``views.assessments.AssessmentHooks``)."""

    layout_fields: tuple = ()  # the header fields of every stored version (a record has its own version's)

    def _not_in_version(self, item: Any) -> list[Any]:
        """Header fields a stored version declares that the record's own version does not."""
        own = {f.code for f in kind_for(item).header_fields}
        return [f for f in self.layout_fields if f.code not in own]

    def _refuse_foreign_fields(self, item: Any) -> None:
        """A value for a field the record's version does not have is refused (an empty one is dropped)."""
        for field in self._not_in_version(item):
            value = getattr(item, field.code, None)
            if value in (None, ""):
                setattr(item, field.code, None)
            elif inspect(item).attrs[field.code].history.has_changes():
                version = item.criteria_version or ""
                raise FieldProblem(field.code, f"该考核按考核标准 {version} 填报，该版本没有“{field.label}”这一项，不能填写")

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, actions: Any = None, show_fieldsets: Any = None) -> Any:
        """Views only: the record's header fields as its own version declares them."""
        hidden = {f.code for f in self._not_in_version(item)}
        widgets = widgets or {}
        columns = [c for c in self.show_columns if c not in hidden]
        widgets["show"] = self.show_widget(
            pk=pk,
            label_columns=self.label_columns,
            include_columns=columns,
            value_columns=self.datamodel.get_values_item(item, columns),
            formatters_columns=self.formatters_columns,
            actions=actions or self.actions,
            fieldsets=show_fieldsets or self.show_fieldsets,
            modelview_name=self.__class__.__name__,
        )
        return widgets

    def prefill_form(self, form: Any, pk: Any) -> None:
        """Views only: the edit form leaves out fields the record's version does not have."""
        item = self.datamodel.get(pk)
        g.fields_not_in_version = [f.code for f in self._not_in_version(item)] if item is not None else []
        parent = getattr(super(), "prefill_form", None)
        if parent is not None:
            parent(form, pk)

    def _get_edit_widget(self, form: Any, exclude_cols: Any = None, widgets: Any = None) -> Any:
        hidden = [*(exclude_cols or []), *g.pop("fields_not_in_version", [])]
        return super()._get_edit_widget(form, exclude_cols=hidden, widgets=widgets)

    def pre_get(self, data: dict[str, Any]) -> None:
        """API only: a record is served with the header fields of its own version."""
        item = self.datamodel.get(data.get("id"))
        if item is not None:
            for field in self._not_in_version(item):
                data.get("result", {}).pop(field.code, None)
        super().pre_get(data)
