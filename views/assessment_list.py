"""The list and forms of an assessment kind: what a row offers in its state, bulk delete of drafts,
and the red * on the header fields that submitting requires.

Drafts and returned records (the kind's ``editable`` states) may be edited and deleted; every other
record is refused through each door: the row shows no edit or delete button and no selection box,
the edit form is not opened, the bulk action (``services.delete_drafts``) deletes nothing when one
selected record is kept, and ``refuse_unless_editable`` guards the saves and single deletes of the
screens and the REST API.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.widgets import ListWidget
from wtforms.fields.core import UnboundField

from criteria.pack import Kind
from models.criteria_versions import kind_for
from services.delete_drafts import delete_drafts
from services.errors import ServiceError

DELETE_CONFIRMATION = "确定删除所选记录吗？只有草稿和已退回的记录可以删除，删除后不能恢复。"


def editable_states(kind: Kind) -> tuple[str, ...]:
    return tuple(s.code for s in kind.workflow.states if s.editable)


class AssessmentListWidget(ListWidget):
    template = "assessment_list_widget.html"


class RequiredToSubmit:
    """Marks a header field required (the form's red *) without making the browser insist on it:
    a draft may be saved incomplete; submitting checks the field (workflow ``complete``)."""

    field_flags = {"required": True}  # noqa: RUF012  (WTForms reads this class attribute)

    def __call__(self, form: Any, field: Any) -> None:
        return None


class AssessmentListHooks:
    """Views only (the REST API has no lists, forms or actions of its own)."""

    kind: Kind
    list_widget = AssessmentListWidget

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        widgets = super()._get_list_widget(*args, **kwargs)
        widgets["list"].template_args["editable_states"] = editable_states(self.kind)
        return widgets

    def _init_forms(self) -> None:
        super()._init_forms()
        required = {f.code for f in self.kind.header_fields if f.required}
        for form in (self.add_form, self.edit_form):
            for name in required:
                unbound = getattr(form, name, None)
                if isinstance(unbound, UnboundField):
                    unbound.kwargs["validators"] = [*unbound.kwargs.get("validators", []), RequiredToSubmit()]
                    unbound.kwargs["render_kw"] = {**(unbound.kwargs.get("render_kw") or {}), "required": False}

    def _edit(self, pk: Any) -> Any:
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None and item.state not in editable_states(kind_for(item)):
            label = kind_for(item).state_labels.get(item.state, item.state)
            flash(f"该考核当前为“{label}”状态，不能修改或删除；只有草稿和已退回的记录可以修改", "danger")
            abort(redirect(url_for(f"{type(self).__name__}.list")))  # the widget-returning _edit cannot redirect
        return super()._edit(pk)

    @action("delete_selected", "删除所选", DELETE_CONFIRMATION, "fa-trash", multiple=True, single=False)
    def delete_selected(self, items: Any) -> Any:
        """Delete the selected drafts and returned records in one transaction, or none of them."""
        try:
            flash(delete_drafts(self.datamodel.session, items if isinstance(items, list) else [items]), "success")
        except ServiceError as refused:
            flash(refused.message, "danger")
        return redirect(url_for(f"{type(self).__name__}.list"))
