"""Base classes of every generated view and API: scoped data access, safe writes.

``ScopedInterface`` is the single data layer both the HTML views and the REST APIs use, so
the scope in ``views.scope`` and the uniqueness checks apply to every door alike.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access, permission_name
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from markupsafe import Markup
from sqlalchemy import Column, func, inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ColumnProperty, Query, selectinload
from wtforms import StringField
from wtforms.fields.core import UnboundField

from models.aggregate import assessment_table
from models.criteria_versions import VersionUnloadable
from models.uniqueness import Key, clash, keys_of
from views.api_fields import StrictSchemaConverter, chinese_messages, plausible_id
from views.filters import RelatedIdIs, text_filter
from views.masking import MaskedApi
from views.scope import ScopeViolation, current_scope, ensure_in_scope, scope_clause


def _plain_cell(value: Any) -> Any:
    """A cell as text or number: links (Markup) become their text, objects their name."""
    if isinstance(value, Markup):
        return value.striptags()
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


class FieldProblem(Exception):
    """A value of one field cannot be stored (for example it duplicates another record)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Refused(Exception):
    """The record may not be changed now (for example it is no longer a draft)."""


class ScopedInterface(SQLAInterface):
    """SQLAInterface that reads and writes only inside the current user's data scope."""

    def __init__(self, obj: type, session: Any = None, of_kind: str | None = None) -> None:
        super().__init__(obj, session)
        # The records (or item rows) of one kind: a kind's class, or an item view of that kind. On the
        # core table it also lets a list sort by the (kind, changed_on) index instead of every record.
        self.of_kind = of_kind or getattr(obj, "kind_code", None)
        # A SQL expression mapped for loading (the aggregate's discriminator) is no column of a form.
        for key, prop in list(self.list_properties.items()):
            if isinstance(prop, ColumnProperty) and not isinstance(prop.columns[0], Column):
                del self.list_properties[key]
                self.list_columns.pop(key, None)

    def _scoped(self, query: Query) -> Query:
        clause = scope_clause(self.obj, current_scope())
        query = query if clause is None else query.filter(clause)
        if self.of_kind is None:
            return query
        if assessment_table in inspect(self.obj).tables:
            return query.filter(assessment_table.c.kind == self.of_kind)
        return query.filter(self.obj.assessment_id.in_(select(assessment_table.c.id).where(assessment_table.c.kind == self.of_kind)))

    def query_count(self, query: Query, filters: Any = None, select_columns: Any = None) -> int:
        """The number of rows the list pages through. For a kind's records it is counted on the core
        table alone when every filter is on core columns: joining each header row only to count it
        costs a walk of the whole core table's key (PostgreSQL), many times the count itself."""
        query = self._apply_inner_all(self._scoped(query), filters, select_columns=select_columns, aliases_mapping={})
        if self.of_kind is not None and assessment_table in inspect(self.obj).tables:
            core_only = query.with_entities(func.count(assessment_table.c.id))
            if core_only.statement.get_final_froms() == [assessment_table]:
                return core_only.scalar()
        return query.count()

    eager: tuple[str, ...] = ()  # relations a list shows: loaded with the page, not row by row

    def apply_all(self, query: Query, *args: Any, **kwargs: Any) -> Query:
        query = super().apply_all(self._scoped(query), *args, **kwargs)
        return query.options(*(selectinload(getattr(self.obj, name)) for name in self.eager))

    def get(self, id: Any, filters: Any = None, select_columns: Any = None, outer_default_load: bool = False) -> Any:
        """The record with this id inside the scope; None (404) also for an id no key can hold
        (a number past BIGINT would otherwise fail in the database driver)."""
        if not plausible_id(id):
            return None
        return super().get(id, filters, select_columns, outer_default_load)

    def label_of(self, column: str) -> str:
        info = self.list_columns[column].info if column in self.list_columns else {}
        return str(info.get("label", column))

    def check_unique(self, item: Any, keys: list[Key]) -> None:
        """Unique columns and keys are checked across all records, not only the visible ones."""
        table = self.obj.__table__
        found = clash(self.session, keys, item.id)
        if found:
            raise FieldProblem(*found)
        for column in table.columns:
            if not column.unique or column.primary_key:
                continue
            value = getattr(item, column.key, None)
            if value is None:
                continue
            query = select(func.count()).select_from(table).where(column == value)
            if item.id is not None:
                query = query.where(table.c.id != item.id)
            if self.session.execute(query).scalar_one():
                raise FieldProblem(column.key, f"“{value}”已被其他记录使用，{self.label_of(column.key)}不能重复")

    def _write(self, item: Any, commit: bool) -> None:
        with self.session.no_autoflush:
            keys, own_id = keys_of(item), item.id  # kept: a failed commit expires the item
        try:
            with self.session.no_autoflush:
                self.check_unique(item, keys)
            self.session.add(item)
            ensure_in_scope(self.session, item)
            if commit:
                self.session.commit()
        except (ScopeViolation, FieldProblem):
            self.session.rollback()
            raise
        except IntegrityError as exc:  # a write at the same moment took the key after the check
            self.session.rollback()
            found = clash(self.session, keys, own_id)
            if found:
                raise FieldProblem(*found) from exc
            raise FieldProblem("", f"保存失败，数据库拒绝了该记录：{exc.orig}") from exc
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise FieldProblem("", f"保存失败，数据库拒绝了该记录：{exc.orig if hasattr(exc, 'orig') else exc}") from exc

    def add(self, item: Any, commit: bool = True) -> None:
        self._write(item, commit)

    def edit(self, item: Any, commit: bool = True) -> None:
        self._write(item, commit)


def listed_relations(view: Any) -> tuple[str, ...]:
    """The many-to-one relations a list reads for each row: the listed ones, and the ones its
    listed properties read (``list_reads``, e.g. an item row's name comes from its assessment's
    criteria version)."""
    listed = [c for c in view.list_columns if view.datamodel.is_relation_many_to_one(c)]
    return tuple(dict.fromkeys([*listed, *view.list_reads]))


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


class ScopedModelView(GuardedActions, ModelView):
    """A ModelView whose failed saves keep the form and the user's input, with the reason shown,
    and whose list (as searched) can be exported."""

    page_size = 20
    list_reads: tuple[str, ...] = ()  # relations the listed properties read (see listed_relations)
    list_template = "scoped_list.html"
    search_filters: dict[str, list] | None = None  # extra filters by column (FAB's API has these; views do not)

    def _init_forms(self) -> None:
        """Optional pickers offer a readable empty choice (FAB leaves it blank, select2 shows '__None')."""
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            for name in dir(form):
                unbound = getattr(form, name, None)
                if isinstance(unbound, UnboundField) and unbound.kwargs.get("allow_blank"):
                    unbound.kwargs["blank_text"] = "（不选）"

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
        if text:
            self.search_form_extra_fields = {
                **(self.search_form_extra_fields or {}),
                **{column: StringField(self.label_columns.get(column, column), widget=BS3TextFieldWidget()) for column in text},
            }

    def _cell(self, row: Any, column: str) -> Any:
        value = getattr(row, column)
        formatter = self.formatters_columns.get(column)
        return formatter(value) if formatter else value

    def _export_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The list as searched (every page), with its Chinese headings and displayed values."""
        get_filter_args(self._filters)
        order_column, order_direction = self.base_order or ("", "")
        _, rows = self.datamodel.query(self._filters, order_column, order_direction)
        headings = [str(self.label_columns.get(c, c)) for c in self.list_columns]
        return headings, [[_plain_cell(self._cell(row, c)) for c in self.list_columns] for row in rows]

    def _download(self, body: bytes | str, mimetype: str, suffix: str) -> Response:
        name = quote(f"{self.list_title}.{suffix}")
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})

    @expose("/export/")
    @has_access
    @permission_name("list")
    def export(self) -> Response:
        """The current search as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
        headings, rows = self._export_rows()
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(headings)
        writer.writerows(rows)
        return self._download(out.getvalue(), "text/csv", "csv")

    @expose("/export.pdf")
    @has_access
    @permission_name("list")
    def export_pdf(self) -> Response:
        """The current search as a printable PDF list with the same columns."""
        from reports import render_list

        headings, rows = self._export_rows()
        body = render_list(str(self.list_title), headings, [["" if v is None else str(v) for v in row] for row in rows])
        return self._download(body, "application/pdf", "pdf")

    @expose("/export.xlsx")
    @has_access
    @permission_name("list")
    def export_xlsx(self) -> Response:
        """The current search as an Excel workbook."""
        from openpyxl import Workbook

        headings, rows = self._export_rows()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(self.list_title)[:31])
        sheet.append(headings)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return self._download(out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

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


class ScopedApi(MaskedApi, ModelRestApi):
    """A ModelRestApi on the scoped interface; refusals answer with a clear Chinese message; 身份证号
    masked for roles that do not read them (views.masking)."""

    allow_browser_login = True
    page_size = 20
    list_reads: tuple[str, ...] = ()  # relations the listed properties read (see listed_relations)
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
        mapper = self.datamodel.obj.__mapper__
        if any(self.datamodel.is_property_or_function(c) for c in self.list_columns):
            needed = [attribute.key for attribute in mapper.column_attrs]
        else:
            needed = [key.key for column in related for key in mapper.relationships[column].local_columns]
        self.list_select_columns = list(dict.fromkeys([*self.list_select_columns, *needed]))

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
