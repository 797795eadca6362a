"""The base of every generated screen: scoped lists that export what was searched, forms that keep the
user's input on a refused save, and action routes that answer like every other route.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash, g, redirect, request, stream_with_context, url_for
from flask_appbuilder import ModelView, expose, has_access, permission_name
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from wtforms import StringField
from wtforms.fields.core import UnboundField

from jobs.start import start_export
from reports.values import display
from services.errors import Invalid
from views.filters import BooleanIs, RelatedIdIs, text_filter
from views.list_export import EXPORT_TYPES, NUMBER_HEADING, csv_lines, pdf_body, xlsx_body
from views.list_rows import RowsListWidget
from views.scope import ScopeViolation
from views.scoped_data import FieldProblem, Refused, listed_relations, plain_cell
from views.search_widget import KeptSearchWidget

EXPORT_BATCH = 500  # rows read from the database at a time by an export
LOCAL_TABS = {"y": "本地企业", "n": "外地企业"}  # the tabs of a list that has them (scoped_list.html)


class GuardedActions:
    """Action routes of a ModelView that answer like every other route.

    Flask-AppBuilder's file-field download serves any name under UPLOAD_FOLDER (a server error
    here, where that is unset); no table has a file field, so it is not found. Its action routes
    carry no @has_access: an unknown action name fails with a
    server error and a record outside the scope reaches the action as None. Here an unknown
    action or a record outside the scope is not found, and a role without the action's
    permission is refused (anonymous users are sent to the login page).
    """

    def _permitted_action(self, name: str) -> Any:
        found = self.actions.get(name)
        if found is None:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name), self.class_permission_name):
            if g.user is None or not g.user.is_authenticated:
                abort(redirect(url_for(f"{type(self.appbuilder.sm.auth_view).__name__}.login", next=request.url)))
            abort(403)
        return found

    @expose("/download/<string:filename>")
    def download(self, filename: str) -> Any:
        """No table here has a file field (evidence is served by the 办理 page, inside the scope)."""
        abort(404)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name: str, pk: Any) -> Any:
        if request.method != "POST":  # a change never runs on GET (CSRF protects the POST)
            abort(405)
        found = self._permitted_action(name)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return found.func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        found = self._permitted_action(request.form.get("action", ""))
        items = [self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) for pk in request.form.getlist("rowid")]
        if not items or any(item is None for item in items):
            abort(404)
        return found.func(items)


class ReadableBlanks:
    """Optional pickers offer a readable empty choice (FAB leaves it blank, select2 shows '__None')."""

    def _init_forms(self) -> None:
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            for name in dir(form):
                unbound = getattr(form, name, None)
                if isinstance(unbound, UnboundField) and unbound.kwargs.get("allow_blank"):
                    unbound.kwargs["blank_text"] = "（不选）"


class ScopedModelView(ReadableBlanks, GuardedActions, ModelView):
    """A ModelView whose failed saves keep the form and the user's input, with the reason shown,
    and whose list (as searched) can be exported."""

    page_size = 20
    list_reads: tuple[str, ...] = ()  # relations the listed properties read (see listed_relations)
    list_reads_when: tuple[tuple[str, ...], Any] | None = None  # read of some rows only (ScopedInterface.eager_for)
    list_template = "scoped_list.html"
    list_widget = RowsListWidget
    search_widget = KeptSearchWidget
    search_filters: dict[str, list] | None = None  # extra filters by column (FAB's API has these; views do not)
    action_columns: tuple[str, ...] = ()  # list columns that hold buttons, not data: left out of exports

    def _text_searched(self) -> dict[str, type]:
        """Search columns that relate to a large table, with their text filter: searched by typing,
        since a pick list would load every enterprise or project on each list page."""
        found = {}
        for column in self.search_columns:
            if self.datamodel.is_relation(column):
                matcher = text_filter(self.datamodel.get_related_model(column))
                if matcher is not None:
                    found[column] = matcher
        return found

    def _init_properties(self) -> None:
        super()._init_properties()
        self.datamodel.eager = listed_relations(self)
        self.datamodel.eager_for = self.list_reads_when
        text = self._text_searched()
        if self.search_filters or text:
            extras = self.search_filters or {}
            self._filters = self.datamodel.get_filters(self.search_columns)
            for column in self.search_columns:
                if column in text:
                    found = [text[column], *extras.get(column, []), RelatedIdIs]
                elif column in extras:
                    found = [*self._filters._all_filters.get(column, []), *extras[column]]
                else:
                    continue
                # The search box lists _search_filters; URLs look filters up by index in _all_filters.
                instances = [f if not isinstance(f, type) else f(column, self.datamodel) for f in found]
                self._filters._search_filters[column] = instances
                self._filters._all_filters[column] = instances
        for column in self.search_columns:  # yes/no columns: both answers filter (see BooleanIs)
            if self.datamodel.is_boolean(column):
                for found in (self._filters._all_filters, self._filters._search_filters):
                    found[column] = [BooleanIs(column, self.datamodel) if type(f) is FilterEqual else f for f in found.get(column, [])]
        if text:
            self.search_form_extra_fields = {
                **(self.search_form_extra_fields or {}),
                **{column: StringField(self.label_columns.get(column, column), widget=BS3TextFieldWidget()) for column in text},
            }

    def _cell(self, row: Any, column: str) -> Any:
        value = getattr(row, column)
        formatter = self.formatters_columns.get(column)
        if formatter in (None, display) and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return value  # a number stays a number in the export (with its places: 77.50)
        return plain_cell(formatter(value) if formatter else value)

    def export_parts(self) -> tuple[list[str], int, Iterator[list[Any]]]:
        """The list as on screen, every page: its fixed filters, the search and the order, with 序号
        in front and without the button columns. Returns the headings, how many rows there are, and
        the rows, read from the database in batches (memory stays flat however long the list)."""
        get_filter_args(self._filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined = self._filters.get_joined_filters(self._base_filters)
        model = self.datamodel
        count = model.query_count(model.session.query(model.obj), joined, exact=True)
        query = model.apply_all(model.session.query(model.obj), joined, order_column, order_direction).options(*model.eager_for_all())
        columns = [c for c in self.list_columns if c not in self.action_columns]

        def rows() -> Iterator[list[Any]]:
            for number, row in enumerate(query.yield_per(EXPORT_BATCH), start=1):
                yield [number, *(self._cell(row, c) for c in columns)]

        return [NUMBER_HEADING, *(str(self.label_columns.get(c, c)) for c in columns)], count, rows()

    def _export(self, suffix: str) -> Response:
        """A list longer than EXPORT_SYNC_ROWS becomes a job for a user who has the 任务 page (the
        others reach only their own enterprise's rows); a shorter one is written now."""
        headings, count, rows = self.export_parts()
        limit = current_app.config["EXPORT_SYNC_ROWS"]
        if count > limit and current_app.appbuilder.sm.has_access("can_index", "JobsView"):
            args = [[key, value] for key, value in request.args.items(multi=True)]
            try:
                job = start_export(type(self).__name__, args, suffix, f"导出{self.list_title}（{count} 行，{suffix.upper()}）", g.user.id)
            except Invalid as problem:
                flash(problem.message, "danger")
                return redirect(request.referrer or url_for(f"{type(self).__name__}.list"))
            flash(f"共 {count} 行，超过 {limit} 行，已转为后台任务“{job.title}”：完成后在本页下载。", "info")
            return redirect(url_for("JobsView.index", job=job.id))
        mimetype = EXPORT_TYPES[suffix]
        if suffix == "csv":  # streamed as it is read
            body: Any = stream_with_context(csv_lines(headings, rows))
        elif suffix == "xlsx":
            body = xlsx_body(str(self.list_title), headings, rows)
        else:
            body = pdf_body(str(self.list_title), headings, rows, subtitle=self.print_subtitle())
        return self._download(body, mimetype, suffix)

    def print_subtitle(self) -> str:
        tab = LOCAL_TABS.get(request.args.get("_flt_0_is_local", "")) if (self.extra_args or {}).get("local_tabs") else None
        return "　".join(filter(None, (tab, f"打印日期：{datetime.date.today().isoformat()}")))

    def _download(self, body: Any, mimetype: str, suffix: str) -> Response:
        name = quote(f"{self.list_title}.{suffix}")
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})

    @expose("/export/")
    @has_access
    @permission_name("list")
    def export(self) -> Response:
        """The list as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
        return self._export("csv")

    @expose("/export.pdf")
    @has_access
    @permission_name("list")
    def export_pdf(self) -> Response:
        """The list as a printable PDF with the same rows and columns, dated."""
        return self._export("pdf")

    @expose("/export.xlsx")
    @has_access
    @permission_name("list")
    def export_xlsx(self) -> Response:
        """The list as an Excel workbook."""
        return self._export("xlsx")

    def _save(self, form: Any, item: Any, is_created: bool) -> bool:
        try:
            form.populate_obj(item)
            if is_created:
                self.pre_add(item)
                self.datamodel.add(item)
                self.post_add(item)
                flash(str(self.add_row_message), "success")
            else:
                self.pre_update(item)
                self.datamodel.edit(item)
                self.post_update(item)
                flash(str(self.edit_row_message), "success")
            return True
        except FieldProblem as problem:
            self.datamodel.session.rollback()
            if problem.field and problem.field in form:
                form[problem.field].errors = [*form[problem.field].errors, problem.message]
            else:
                flash(problem.message, "danger")
        except (ScopeViolation, Refused) as refused:
            self.datamodel.session.rollback()
            flash(str(refused), "danger")
        return False

    def _add(self) -> Any:
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                if self._save(form, self.datamodel.obj(), is_created=True):
                    return None
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk: Any) -> Any:
        pages, page_sizes, orders = get_page_args(), get_page_size_args(), get_order_args()
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                if self._save(form, item, is_created=False):
                    return None
                item = self.datamodel.get(pk, self._base_filters)
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        return self._get_related_views_widgets(item, filters={}, orders=orders, pages=pages, page_sizes=page_sizes, widgets=widgets)
