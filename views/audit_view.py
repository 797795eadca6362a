"""The administrator's audit log screen: readable changes, and filters by user, table, record and date.

The log itself is written by ``models.audit``; this module only presents it. Only the admin role
has any permission on it (``access=("admin",)``), and its rows are ``scope_admin_only``.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import current_app, flash
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false
from sqlalchemy.orm import Query

from models import AppUser, AuditLog
from views.audit_labels import column_label, table_labels, value_label
from views.factory import Resource
from views.filters import _text

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
EMPTY = "（空）"


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def dossier_summary(kept: dict[str, Any]) -> str:
    """A record's kept checklist (``workflow.dossier.snapshot``) as a reader counts it."""
    files = sum(len(entries) for entries in (kept.get("materials") or {}).values())
    people = sum(len(entries) for entries in (kept.get("personnel") or {}).values())
    taken = f"，{kept['taken_on']} 留存" if kept.get("taken_on") else ""
    return f"申报材料 {files} 个文件、人员名单 {people} 人{taken}"


def describe(detail: Any, table: str | None = None) -> str:
    """``{"state": {"from": "draft", "to": "submitted"}}`` of an assessment table -> ``状态：草稿 → 待审核``
    (each column and coded value by its label, ``views.audit_labels``)."""
    if not isinstance(detail, dict):
        return "" if detail is None else str(detail)
    labels = table_labels(table) if table else None

    def shown(column: str, value: Any) -> str:
        if column == "dossier" and isinstance(value, dict):
            return dossier_summary(value)
        return _value(value_label(labels, column, value))

    parts = []
    for column, change in detail.items():
        name = column_label(labels, column)
        if isinstance(change, dict) and ("from" in change or "to" in change):
            if "from" in change and "to" in change:
                parts.append(f"{name}：{shown(column, change['from'])} → {shown(column, change['to'])}")
            else:
                parts.append(f"{name}：{shown(column, change.get('from', change.get('to')))}")
        else:  # rows written before changes carried their old value
            parts.append(f"{name}：{shown(column, change)}")
    return "；".join(parts)


def describe_change(change: tuple[str, Any]) -> str:
    """The screen's column: ``AuditLog.change`` is (table, detail)."""
    table, detail = change
    return describe(detail, table)


def table_title(table: str) -> str:
    """``assessment_general`` -> ``企业一般安全生产条件（assessment_general）`` when the table has a screen."""
    titles = current_app.extensions.get("audit_table_titles")
    if titles is None:
        resources = current_app.extensions["resources"]
        titles = {"ab_user": "用户"}
        for resource in resources:
            titles.setdefault(resource.model.__tablename__, resource.title)
        current_app.extensions["audit_table_titles"] = titles
    return f"{titles[table]}（{table}）" if table in titles else table


def _day(value: Any, label: str) -> datetime.datetime | None:
    text = _text(value)
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        flash(f"{label}应为“年-月-日”格式的日期（例如 2026-05-01），填写的是“{text}”，未按该条件筛选出任何记录。", "danger")
        return None


class DateFrom(BaseFilter):
    name = "日期从（含当天）"
    arg_name = "date_from"

    def apply(self, query: Query, value: Any) -> Query:
        day = _day(value, "起始日期")
        return query.filter(false()) if day is None else query.filter(AuditLog.created_on >= day)


class DateTo(BaseFilter):
    name = "日期至（含当天）"
    arg_name = "date_to"

    def apply(self, query: Query, value: Any) -> Query:
        day = _day(value, "截止日期")
        if day is None:
            return query.filter(false())
        return query.filter(AuditLog.created_on < day + datetime.timedelta(days=1))


class UsernameIs(BaseFilter):
    name = "用户名为"
    arg_name = "username"

    def apply(self, query: Query, value: Any) -> Query:
        return query.filter(AuditLog.user.has(AppUser.username == _text(value)))


class ActionIs(BaseFilter):
    """新增 / 修改 / 删除 (or insert / update / delete)."""

    name = "操作为（新增、修改、删除）"
    arg_name = "action_is"

    def apply(self, query: Query, value: Any) -> Query:
        wanted = _text(value)
        codes = [code for code, label in ACTIONS.items() if wanted in (code, label)]
        return query.filter(AuditLog.action.in_(codes))


class AuditLogScreen:
    """The action column is searched by its Chinese name only: FAB's ten text filters would push
    ours past the single-digit filter index its URLs allow."""

    def _init_properties(self) -> None:
        if hasattr(self, "list_template"):  # the screen (not the API) shows the detail with labels
            self.list_columns = ["change" if c == "detail" else c for c in self.list_columns]
            self.show_columns = ["change" if c == "detail" else c for c in self.show_columns]
            self.label_columns = {**self.label_columns, "change": self.label_columns.get("detail", "变更内容")}
            self.formatters_columns = {**self.formatters_columns, "change": describe_change}
        super()._init_properties()
        filters = getattr(self, "_filters", None)
        if filters is not None and hasattr(filters, "_all_filters"):
            filters._all_filters["action"] = [ActionIs("action", self.datamodel)]


def audit_resource() -> Resource:
    return Resource(
        name="AuditLog",
        model=AuditLog,
        title="审计日志",
        category="记录查询",
        access=("admin",),
        api_resource="audit_log",
        labels={
            "user": "用户",
            "action": "操作",
            "table_name": "数据表",
            "record_id": "记录编号",
            "detail": "变更内容（原值 → 新值）",
            "created_on": "时间",
        },
        descriptions={"detail": "新增记录列出填写的值，删除记录列出删除前的值，修改列出原值和新值"},
        list_columns=["created_on", "user", "action", "table_name", "record_id", "detail"],
        show_columns=["created_on", "user", "action", "table_name", "record_id", "detail"],
        search_columns=["created_on", "user", "action", "table_name", "record_id"],
        search_filters={"created_on": [DateFrom, DateTo], "user": [UsernameIs]},
        formatters={"action": action_label, "detail": describe, "table_name": table_title},
        base_order=("created_on", "desc"),
        mixin=AuditLogScreen,
    )
