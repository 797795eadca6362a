"""Screens and APIs generated for every assessment kind of the pack."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import Any

from flask import g, redirect, url_for
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from sqlalchemy import inspect
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from criteria.pack import Kind, Pack
from models import KindModels
from models.criteria_versions import active_version, kind_for, pin
from models.record_scores import final_states
from scoring.inputs import self_score_problem
from views.assessment_columns import catalogue_columns, catalogue_points, item_name, results_shown, shown_result, unsettled, work_link
from views.assessment_list import AssessmentListHooks
from views.checks import choice_check, year_problem
from views.factory import Resource
from views.filters import ASSESSMENT_FILTERS
from views.scope import current_scope
from views.scoped_data import FieldProblem, Refused
from views.version_fields import OwnVersionFields
from workflow.entries import subtable_names
from workflow.header import field_choices, phone_problem
from workflow.records import reopen_if_changed
from workflow.rules import editable

CATEGORY = "考核管理"

ASSESSMENT_LABELS = {
    "enterprise": "施工企业",
    "project": "工程项目",
    "period": "考核年度",
    "state": "状态",
    "criteria_pack": "考核标准",
    "criteria_version": "考核标准版本",
    "total": "总分",
    "grade": "等次",
    "rectification_due": "整改期限",
    "created_on": "创建时间",
    "changed_on": "修改时间",
}
ITEM_LABELS = {
    "assessment": "所属考核",
    "item_code": "考核项目代码",
    "item_name": "考核项目",
    "not_applicable": "不涉及（缺项）",
    "self_score": "自评分",
    "assessed_score": "考核得分",
    "results": "分项检查评分表得分",
    "opinion": "审核意见",
    "review_status": "审核状态",
}


def field_help(kind: Kind) -> dict[str, str]:
    """Help under a header field: its own help text, and whether submitting requires it."""
    found = {}
    for field in kind.header_fields:
        parts = [field.help] if field.help else []
        if field.required:
            parts.append("提交时必填，草稿可暂不填写")
        if parts:
            found[field.code] = "；".join(parts)
    return found


def refuse_unless_editable(kind: Kind, record: Any) -> None:
    """Only the editable states (draft, returned) may be changed or deleted, whatever the client sends."""
    state = inspect(record).committed_state.get("state", record.state) if record.id else record.state
    if record.id is not None and not editable(kind, state):
        raise Refused(f"该考核当前为“{kind.state_labels.get(state, state)}”状态，不能修改或删除")


# Project columns a header field of a project kind may be named after (besides a district choice):
# such a field is prefilled from the project's registry data when the assessment is created.
PROJECT_REGISTRY_COLUMNS = ("name", "permit_no", "project_manager", "building_area", "address")


def prefill_from_project(kind: Kind, item: Any) -> None:
    """Empty header fields the registry knows take the project's values; they stay editable
    (the registry can be wrong or empty). A ``choices_from: districts`` field takes the project's
    district, a field named like a registry column (``building_area``) takes that column."""
    project = item.project
    if kind.subject != "project" or project is None:
        return
    for field in kind.header_fields:
        if getattr(item, field.code) not in (None, ""):
            continue
        if field.type == "choice" and field.choices_from == "districts":
            setattr(item, field.code, project.district.code if project.district is not None else None)
        elif field.code in PROJECT_REGISTRY_COLUMNS:
            setattr(item, field.code, getattr(project, field.code))


class RegistryValue(StringField):
    """Shown read-only on a form and never written back: the value belongs to the registry."""

    def __init__(self, label: str, description: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"readonly": True})
        super().__init__(label, widget=BS3TextFieldWidget(), description=description, **kwargs)

    def populate_obj(self, obj: Any, name: str) -> None:
        """Nothing to write: the record keeps the value it was created with."""


class AssessmentHooks(OwnVersionFields, AssessmentListHooks):
    """Filled in on every create and update, whichever door it comes through."""

    kind: Kind
    pack: Pack

    def _complete(self, item: Any) -> None:
        if self.kind.subject == "project" and item.project is not None:
            item.enterprise = item.project.enterprise
        scope = current_scope()
        if item.enterprise_id is None and item.enterprise is None and scope.enterprise_id:
            item.enterprise_id = scope.enterprise_id

    def _keep_project(self, item: Any) -> None:
        """The project (and with it the enterprise) of a project assessment is fixed once created."""
        if self.kind.subject != "project" or item.id is None:
            return
        before = inspect(item).committed_state.get("project_id", item.project_id)
        now = item.project.id if item.project is not None else item.project_id
        if before is not None and now != before:
            raise Refused("工程项目来自项目登记，考核创建后不能更换；如选错了项目，请删除该草稿后重新提报")

    def _init_forms(self) -> None:
        """Views only: on the edit form of a project kind the project is shown, not chosen."""
        if self.kind.subject == "project" and "project" in getattr(self, "edit_columns", []):
            self.edit_form_extra_fields = {
                **(self.edit_form_extra_fields or {}),
                "project": RegistryValue(ASSESSMENT_LABELS["project"], "来自项目登记，创建后不能修改"),
            }
        super()._init_forms()

    def pre_add(self, item: Any) -> None:
        """A new assessment is filed under the active criteria version, with its items."""
        version = active_version()
        kind = version.pack.kinds[self.kind.code]
        self._complete(item)
        prefill_from_project(kind, item)
        item.state = kind.workflow.initial
        pin(item, version, kind)
        self._refuse_foreign_fields(item)
        item_model = type(item).items.property.mapper.class_
        item.items = [item_model(item_code=i.code, review_status=kind.workflow.item_statuses[0].code) for i in kind.items]

    def pre_update(self, item: Any) -> None:
        refuse_unless_editable(kind_for(item), item)
        self._refuse_foreign_fields(item)
        self._keep_project(item)
        self._complete(item)

    def pre_delete(self, item: Any) -> None:
        refuse_unless_editable(kind_for(item), item)

    def post_add(self, item: Any) -> None:
        super().post_add(item)
        if self.kind.subject == "project":
            g.opened_assessment = item.id

    def post_add_redirect(self) -> Any:
        """Views only: a new project assessment (提报) opens its 办理 page to enter the results."""
        opened = g.pop("opened_assessment", None)
        if opened is None:
            return super().post_add_redirect()
        return redirect(url_for("AssessmentWorkflowView.page", kind_code=self.kind.code, pk=opened))


class ItemHooks:
    """Checks on an item row, whichever door the score comes through."""

    kind: Kind

    def pre_update(self, row: Any) -> None:
        kind = kind_for(row.assessment)
        refuse_unless_editable(kind, row.assessment)
        if row.self_score is not None:
            score = Decimal(str(row.self_score))
            problem = self_score_problem(kind.item(row.item_code), score, kind.scoring.places)
            if problem:
                raise FieldProblem("self_score", problem)
        reopen_if_changed(kind, row, _stored_fill(row))


def _stored_fill(row: Any) -> tuple[Any, ...]:
    """What the item row held before this change (``workflow.records.filled`` of the stored row)."""
    state = inspect(row)

    def stored(name: str) -> Any:
        changed = state.attrs[name].history
        return changed.deleted[0] if changed.deleted else getattr(row, name)

    return (bool(stored("not_applicable")), stored("self_score"), stored("results"))


def kind_resources(kind: Kind, models: KindModels, pack: Pack, layout_kind: Kind | None = None, retired: bool = False) -> list[Resource]:
    """The item-row resource (for kinds with items) and the assessment resource of one kind.

    ``kind`` is the running version's; ``layout_kind`` has the header fields of every stored version
    (a record shows those of its own version). A ``retired`` kind (the active version no longer
    declares it) is listed and shown, never added to or edited."""
    layout_kind = layout_kind or kind
    headers = {f.code: f.label for f in layout_kind.header_fields}
    subject = ["project"] if kind.subject == "project" else ["enterprise"]
    checks: dict[str, list] = {"period": [year_problem]}
    form_fields: dict[str, Any] = {}
    formatters: dict[str, Any] = {
        "state": lambda code, labels=kind.state_labels: labels.get(code, code),
        "id": partial(work_link, kind.code, "查看" if retired else "办理"),
    }
    own = {f.code for f in kind.header_fields}
    for field in layout_kind.header_fields:
        if field.type == "phone":
            checks[field.code] = [phone_problem]
        if field.type == "choice":
            choices = field_choices(field, kind if field.code in own else layout_kind, pack)
            checks[field.code] = [choice_check(choices, field.label)]
            formatters[field.code] = lambda code, labels=choices: labels.get(code, code or "")
            options = [SelectChoice("", "请选择"), *(SelectChoice(c, label) for c, label in choices.items())]
            form_fields[field.code] = SelectField(
                field.label, choices=options, widget=Select2Widget(), description=field_help(kind).get(field.code, "")
            )
    statuses = kind.item_status_labels
    models.item.item_name = property(item_name)
    models.assessment.total_shown = property(lambda record: shown_result(record)[0])
    models.assessment.grade_shown = property(lambda record: shown_result(record)[1])
    item_resource = Resource(
        name=f"{models.assessment.__name__}Item",
        model=models.item,
        title=f"{kind.short_name}评分项",
        category=CATEGORY,
        access=("kind", kind.code),
        kind=kind,
        api_resource=f"{models.assessment.__tablename__}_item",
        labels=ITEM_LABELS,
        list_columns=["item_name", "not_applicable", "self_score", "assessed_score", "review_status"],
        list_reads=("assessment",),  # item_name reads the assessment's criteria version
        show_columns=["assessment", "item_name", "not_applicable", "self_score", "assessed_score", "results", "opinion", "review_status"],
        # assessed scores and opinions belong to the review
        search_columns=["assessment", "item_code", "review_status"],
        formatters={"review_status": lambda code: statuses.get(code, code), "results": partial(results_shown, subtable_names(kind))},
        mixin=type(f"{models.item.__name__}Hooks", (ItemHooks,), {"kind": kind}),
        edit_columns=[] if retired else ["not_applicable", "self_score"],
        menu=False,
        base_order=("id", "asc"),  # an assessment's items together, in the guide's order
        of_kind=kind.code,
    )

    header_codes = list(headers)
    typed_codes = [f.code for f in kind.header_fields if f.type != "project"]  # a project is picked on the 办理 page
    writable = [] if retired else [*subject, "period", *typed_codes]
    results = ["grade", "rectification_due"] if kind.rated else ["total", "grade"]
    if kind.scoring.catalogued:  # one entry per record: what happened, where, when, and its points
        results = catalogue_columns(kind)
        models.assessment.points_shown = property(catalogue_points)
    mixin = type(
        f"{models.assessment.__name__}Hooks", (AssessmentHooks,), {"kind": kind, "pack": pack, "layout_fields": layout_kind.header_fields}
    )
    assessment_resource = Resource(
        name=models.assessment.__name__,
        model=models.assessment,
        title=f"{kind.short_name}（已停用）" if retired else kind.short_name,
        category=CATEGORY,
        access=("kind", kind.code),
        kind=kind,
        api_resource=models.assessment.__tablename__,
        labels={**ASSESSMENT_LABELS, "id": "办理", **({"grade": "考核结果"} if kind.rated else {}), **headers, "points_shown": "分值"},
        descriptions=field_help(kind),
        list_columns=["id", *subject, "period", "state", *results, "changed_on"],
        action_columns=("id",),  # the 办理 / 审核 button
        show_columns=[
            "enterprise",
            *(["project"] if kind.subject == "project" else []),
            "period",
            "state",
            *header_codes,
            *results,
            "criteria_version",
            "created_on",
            "changed_on",
        ],
        add_columns=writable,
        edit_columns=writable,
        search_columns=list(dict.fromkeys(["enterprise", *subject, "period", "state"])),
        search_filters=ASSESSMENT_FILTERS,
        checks=checks,
        formatters=formatters,
        form_fields=form_fields,
        base_order=("changed_on", "desc"),
        screen_columns={"total": "total_shown", "grade": "grade_shown"} if kind.items and not kind.rated else {},
        # the provisional result of a record without a stored one reads its items and recorded vetoes
        list_reads_when=(("items", "recorded_vetoes"), unsettled) if kind.items and not kind.rated else None,
        mixin=mixin,
        related=[item_resource.view_name] if kind.items else [],
        extra_permissions=() if retired else ("delete_selected",),  # the list's bulk delete of drafts and returned records
    )
    queues = [
        replace(
            queue(assessment_resource, "Pending", f"{kind.short_name}待审核", review_states(kind)),
            review_of=kind,
            formatters={**formatters, "id": partial(work_link, kind.code, "审核")},
            labels={**assessment_resource.labels, "id": "审核"},
        ),
        replace(  # settled results: sorted by the stored columns
            queue(assessment_resource, "Records", f"{kind.short_name}记录", tuple(sorted(final_states(kind)))),
            screen_columns={},
            list_reads=(),
        ),
    ]
    main = [item_resource, assessment_resource] if kind.items else [assessment_resource]
    return main + [q for q in queues if q.states]


def review_states(kind: Kind) -> tuple[str, ...]:
    """States in which a reviewer acts: the sources of transitions that need a review."""
    return tuple(dict.fromkeys(s for t in kind.workflow.transitions if not t.self_review for s in t.from_states))


def queue(base: Resource, suffix: str, title: str, states: tuple[str, ...]) -> Resource:
    """A read-only list over the same table, limited to some workflow states."""
    return replace(
        base,
        name=f"{base.name}{suffix}",
        title=title,
        states=states,
        api=False,
        add_columns=[],
        edit_columns=[],
        related=[],
        mixin=None,
        extra_permissions=(),
    )
