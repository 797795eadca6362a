"""A list page's rows drawn in Python: Flask-AppBuilder's list widget draws each row's buttons and cells
through template macros, filters and ``url_for`` calls, about 60 % of a 20-row page's time. The
same markup is built here with each button's address and title made once per page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import quote

from flask import current_app, url_for
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

PK = "__pk__"  # stands for a row's key in an address built once per page


def address_of(endpoint: str, key: str = "pk", **values: Any) -> Callable[[Any], str] | None:
    """The address of ``endpoint`` for a row's key (given as ``key``), or None when there is no
    such route."""
    try:
        before, after = url_for(endpoint, **values, **{key: PK}).split(PK, 1)
    except BuildError:  # as FAB's safe_url_for: a missing route draws no button
        return None
    return lambda pk: f"{before}{quote(str(pk), safe='')}{after}"


def _linked_filters(filters: Any) -> str:
    """The related-view filters FAB's ``set_link_filters`` adds to the show and edit addresses."""
    return "".join(f"&_flt_0_{flt.column_name}={value}" for flt, value in filters.get_filters_values() if flt.is_related_view)


def _with(address: str, linked: str) -> str:
    return address + (linked if "?" in address else linked.replace("&", "?", 1)) if linked else address


def _button(href: str, icon: str, title: str, label: str) -> str:
    return (
        f'<a href="{escape(href)}" class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" title="{escape(title)}">'
        f'<span class="sr-only">{escape(label)}</span><i class="fa {icon}"></i></a>'
    )


def _delete_button(href: str, question: str) -> str:
    nonce = current_app.jinja_env.globals.get("csp_nonce")  # as FAB's baselib.get_nonce: empty without one
    nonce_attribute = f' nonce="{escape(nonce()) if callable(nonce) else ""}"'
    element = escape(f"btn-delete-{href}")
    return (
        f'<a id="{element}" href="#" class="btn btn-sm btn-default confirm" rel="tooltip" title="{escape(gettext("Delete record"))}">'
        f'<span class="sr-only">{escape(gettext("Delete"))}</span><i class="fa fa-trash"></i></a>'
        f'<script{nonce_attribute}>document.getElementById("{element}").addEventListener("click", function () {{'
        f" const adminAction = new AdminActions();"
        f" return adminAction.execute_single_delete('{escape(href)}','{escape(question)}'); }})</script>"
    )


def crud_buttons(args: dict[str, Any], can_show: bool, can_edit: bool, can_delete: bool) -> Callable[[Any, bool], Markup]:
    """A row's show, edit and delete buttons as FAB's ``lib.btn_crud`` draws them, for the page's
    widget arguments and the buttons the user may use; ``changeable`` false leaves out edit and
    delete (a record its state keeps)."""
    name, linked = args["modelview_name"], _linked_filters(args["filters"])
    show = address_of(f"{name}.show") if can_show else None
    edit = address_of(f"{name}.edit") if can_edit else None
    delete = address_of(f"{name}.delete") if can_delete else None
    show_text, edit_text = (gettext("Show record"), gettext("Show")), (gettext("Edit record"), gettext("Edit"))
    question = gettext("Are you sure you want to delete this item?") if delete else ""

    def buttons(pk: Any, changeable: bool = True) -> Markup:
        drawn = []
        if show:
            drawn.append(_button(_with(show(pk), linked), "fa-search", *show_text))
        if edit and changeable:
            drawn.append(_button(_with(edit(pk), linked), "fa-edit", *edit_text))
        if delete and changeable:
            drawn.append(_delete_button(delete(pk), question))
        return Markup(f'<div class="btn-group btn-group-xs" style="display: flex;">{"".join(drawn)}</div>')

    return buttons


def cells(item: dict[str, Any], columns: list[str], formatters: dict[str, Callable[[Any], Any]]) -> Iterator[str]:
    """A row's cells, each through its column's formatter when it has one (escaped unless markup)."""
    for column in columns:
        formatter = formatters.get(column)
        yield f"<td>{escape(formatter(item[column]) if formatter else item[column])}</td>"


def plain_rows(args: dict[str, Any], can_show: bool, can_edit: bool, can_delete: bool, actions: Any) -> Markup:
    """The rows of FAB's list widget: the selection box (with ``actions``, those the user may run),
    the buttons the user may use, the cells."""
    buttons = crud_buttons(args, can_show, can_edit, can_delete)
    with_buttons = can_show or can_edit or can_delete
    columns, formatters = args["include_columns"], args["formatters_columns"]
    drawn = []
    for pk, item in zip(args["pks"], args["value_columns"], strict=True):
        row = ["<tr>"]
        if actions:
            row.append(f'<td><input id="{escape(pk)}" class="action_check" name="rowid" value="{escape(pk)}" type="checkbox"></td>')
        if with_buttons:
            row.append(f"<td><center>{buttons(pk)}</center></td>")
        row += cells(item, columns, formatters)
        row.append("</tr>")
        drawn.append("".join(row))
    return Markup("\n".join(drawn))


class RowsListWidget(ListWidget):
    """FAB's list widget with its rows drawn by ``plain_rows`` (its template decides, as FAB's does,
    which buttons and actions the user may use)."""

    template = "list_rows_widget.html"

    def __call__(self, **kwargs: Any) -> Any:
        return super().__call__(rows=partial(plain_rows, {**self.template_args, **kwargs}), **kwargs)
