"""Build a ModelView and a ModelRestApi for one table from a plain description.

Core tables and generated assessment tables go through the same factory, so every screen and
endpoint shares the scoped data layer, Chinese titles, search, export-friendly lists and
column descriptions in the API (FAB otherwise repeats a catalogue header there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_appbuilder.models.sqla.filters import FilterEqual, FilterInFunction

from reports.values import display, is_id_number
from views.checks import ApiCheck, Check, FormCheck
from views.masking import shown_id_number
from views.scoped_api import ScopedApi
from views.scoped_data import ScopedInterface
from views.scoped_views import LOCAL_TABS, ScopedModelView
from views.worklist import WaitingForReview

# Labels of the columns most tables share; a resource's own labels take precedence.
COMMON_LABELS = {
    "id": "编号",
    "created_on": "创建时间",
    "changed_on": "修改时间",
    "created_by_fk": "创建人编号",
    "changed_by_fk": "修改人编号",
    "enterprise_id": "施工企业编号",
    "project_id": "工程项目编号",
    "district_id": "辖区编号",
    "assessment_id": "所属考核编号",
    "user_id": "用户编号",
    "items": "评分项",
}


READ_VIEW = ("can_list", "can_show")
READ_API = ("can_get", "can_info")
WRITE_VIEW = {"add": "can_add", "edit": "can_edit", "delete": "can_delete"}
WRITE_API = {"add": "can_post", "edit": "can_put", "delete": "can_delete"}


@dataclass
class Resource:
    """One table as the users see it: titles, columns, checks and who may do what."""

    name: str  # class name stem, e.g. "Enterprise" -> EnterpriseView, EnterpriseApi
    model: type
    title: str  # Chinese, e.g. 施工企业
    category: str  # menu category, Chinese
    access: tuple[str, ...]  # ("registry",) | ("kind", code) | ("records",) | ("admin",)
    labels: dict[str, str]
    list_columns: list[str]
    show_columns: list[str]
    add_columns: list[str] = field(default_factory=list)
    edit_columns: list[str] = field(default_factory=list)
    search_columns: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    checks: dict[str, list[Check]] = field(default_factory=dict)
    formatters: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    form_fields: dict[str, Any] = field(default_factory=dict)  # extra/replaced WTForms fields
    api_resource: str = ""
    order_columns: list[str] = field(default_factory=list)
    base_order: tuple[str, str] | None = None
    mixin: type | None = None  # pre_add / pre_update hooks shared by view and API
    related: list[type | str] = field(default_factory=list)  # view classes, or view names built earlier
    menu: bool = True
    api: bool = True  # False for extra list screens over a table that already has its API
    states: tuple[str, ...] = ()  # only records in these workflow states (review queue, records list)
    review_of: Any = None  # a review queue of this kind: only what the user may review now
    kind: Any = None  # the assessment kind of a ("kind", code) resource (a retired one too)
    screen_columns: dict[str, str] = field(default_factory=dict)  # column -> the property screens list instead
    action_columns: tuple[str, ...] = ()  # list columns holding buttons: left out of exports
    search_filters: dict[str, list[type]] = field(default_factory=dict)  # extra filters by column
    fixed_filters: tuple[tuple[str, Any], ...] = ()  # (column, value) every row of the screen has
    local_tabs: bool = False  # tabs for local / non-local enterprises (is_local)
    deletable: bool = True
    extra_permissions: tuple[str, ...] = ()  # action permissions granted with write access
    list_reads: tuple[str, ...] = ()  # relations a listed property reads: loaded with the page
    # relations a listed property reads of some rows only, and which rows: loaded for those rows
    list_reads_when: tuple[tuple[str, ...], Callable[[Any], bool]] | None = None
    of_kind: str | None = None  # the item rows of this assessment kind only (one table holds every kind's)

    @property
    def writes(self) -> list[str]:
        """Which of add / edit / delete the table offers at all (roles narrow it further)."""
        found = ["add"] if self.add_columns else []
        found += ["edit"] if self.edit_columns else []
        found += ["delete"] if self.add_columns and self.deletable else []
        return found

    def view_permissions(self, write: bool) -> list[str]:
        return [*READ_VIEW, *(WRITE_VIEW[w] for w in self.writes if write), *(self.extra_permissions if write else ())]

    def api_permissions(self, write: bool) -> list[str]:
        return [*READ_API, *(WRITE_API[w] for w in self.writes if write)]

    @property
    def view_name(self) -> str:
        return f"{self.name}View"

    @property
    def api_name(self) -> str:
        return f"{self.name}Api"


def _bases(resource: Resource, base: type) -> tuple[type, ...]:
    return (resource.mixin, base) if resource.mixin else (base,)


def build_view(resource: Resource) -> type[ScopedModelView]:
    datamodel = ScopedInterface(resource.model, of_kind=resource.of_kind)
    attrs: dict[str, Any] = {
        "datamodel": datamodel,
        "list_title": f"{resource.title}列表",
        "show_title": f"查看{resource.title}",
        "add_title": f"新增{resource.title}",
        "edit_title": f"编辑{resource.title}",
        "label_columns": screen_labels(resource, datamodel),  # FAB fills these dicts in: never share them
        "list_columns": [resource.screen_columns.get(c, c) for c in resource.list_columns],
        "show_columns": resource.show_columns,
        "search_columns": resource.search_columns,
        "description_columns": dict(resource.descriptions),
        "formatters_columns": {
            **{c: shown_id_number if is_id_number(c) else display for c in {*resource.list_columns, *resource.show_columns}},
            **resource.formatters,
        },
        "validators_columns": {c: [FormCheck(*checks)] for c, checks in resource.checks.items()},
        "related_views": resource.related,
        "list_reads": resource.list_reads,
        "list_reads_when": resource.list_reads_when,
        "action_columns": resource.action_columns,
        "base_permissions": resource.view_permissions(write=True),
    }
    if resource.base_order:
        attrs["base_order"] = resource.base_order
    if resource.search_filters:
        attrs["search_filters"] = {column: [f(column, datamodel) for f in filters] for column, filters in resource.search_filters.items()}
    base_filters = [[column, FilterEqual, value] for column, value in resource.fixed_filters]
    if resource.states:
        base_filters.append(["state", FilterInFunction, lambda states=resource.states: list(states)])
    if resource.review_of is not None:
        base_filters.append(["state", WaitingForReview, resource.review_of])
    if base_filters:
        attrs["base_filters"] = base_filters
    if resource.local_tabs:
        attrs["extra_args"] = {"local_tabs": True, "local_tab_labels": LOCAL_TABS}
    if resource.order_columns:
        attrs["order_columns"] = resource.order_columns
    if resource.writes:
        attrs["add_columns"] = resource.add_columns
        attrs["edit_columns"] = resource.edit_columns
        attrs["add_form_extra_fields"] = {k: v for k, v in resource.form_fields.items() if k in resource.add_columns}
        attrs["edit_form_extra_fields"] = {k: v for k, v in resource.form_fields.items() if k in resource.edit_columns}
    return type(resource.view_name, _bases(resource, ScopedModelView), attrs)


def all_labels(resource: Resource, datamodel: ScopedInterface) -> dict[str, str]:
    """A Chinese label for every column and relation of the model (the API lists them all)."""
    labels = {key: COMMON_LABELS.get(key, key) for key in datamodel.list_properties}
    return {**labels, **resource.labels}


def screen_labels(resource: Resource, datamodel: ScopedInterface) -> dict[str, str]:
    """The labels of the screens: a column shown through a property keeps the column's label."""
    labels = all_labels(resource, datamodel)
    return {**labels, **{shown: labels.get(column, column) for column, shown in resource.screen_columns.items()}}


def build_api(resource: Resource) -> type[ScopedApi]:
    datamodel = ScopedInterface(resource.model, of_kind=resource.of_kind)
    labels = all_labels(resource, datamodel)
    descriptions = {c: f"{label}：{resource.descriptions[c]}" if c in resource.descriptions else label for c, label in labels.items()}
    attrs: dict[str, Any] = {
        "datamodel": datamodel,
        "resource_name": resource.api_resource or resource.name.lower(),
        "openapi_spec_tag": resource.title,
        "label_columns": labels,
        "description_columns": descriptions,
        "list_columns": list(dict.fromkeys(["id", *resource.list_columns])),
        "show_columns": list(dict.fromkeys(["id", *resource.show_columns])),
        "search_columns": resource.search_columns,
        "list_reads": resource.list_reads,
        "list_reads_when": resource.list_reads_when,
        "validators_columns": {c: ApiCheck(*checks) for c, checks in resource.checks.items()},
        "base_permissions": resource.api_permissions(write=True),
    }
    if resource.base_order:
        attrs["base_order"] = resource.base_order
    if resource.writes:
        attrs["add_columns"] = resource.add_columns
        attrs["edit_columns"] = resource.edit_columns
    return type(resource.api_name, _bases(resource, ScopedApi), attrs)
