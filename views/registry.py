"""Screens and APIs of the core tables: districts, enterprises, projects, people, records."""

from __future__ import annotations

import datetime
from typing import Any

from flask_appbuilder.fieldwidgets import Select2Widget
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from criteria.pack import Pack
from criteria.rules import NEUTRAL_TERMS
from models import Attachment, District, Enterprise, Person, Project, ReviewHistory, assessment_table, db
from models.id_number import id_number_problem
from views.audit_labels import shared_label
from views.audit_view import audit_resource
from views.checks import choice_check, optional_credit_code_problem
from views.factory import Resource
from views.intake import ProjectRowLinks
from views.scoped_data import Refused
from workflow.header import phone_problem
from workflow.people import PERSON_LABELS

BASIC = "基础信息"
RECORDS = "记录查询"
STAMPS = {"created_on": "创建时间", "changed_on": "修改时间"}
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "district",
    "is_local",
    "licence_no",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "address",
)


class KeepsAssessments:
    """An enterprise or project that has assessment records is never deleted: the records (kept for
    years, submitted and approved ones never deleted) would lose what they assess."""

    subject_column = "enterprise_id"

    def pre_delete(self, item: Any) -> None:
        found = db.session.execute(
            select(func.count()).select_from(assessment_table).where(assessment_table.c[self.subject_column] == item.id)
        ).scalar_one()
        if found:
            raise Refused(f"“{item}”已有考核记录 {found} 条，不能删除；考核记录须长期保存")
        super().pre_delete(item)


class ProjectHooks(KeepsAssessments, ProjectRowLinks):
    subject_column = "project_id"


def _validity(value: Any) -> Any:
    """A certificate's validity, flagged red once it has passed (it blocks nothing)."""
    if not isinstance(value, datetime.date):
        return ""
    if value < datetime.date.today():
        return Markup('{} <span class="label label-danger">已过期</span>').format(value.isoformat())
    return value.isoformat()


def _optional_id_number(value: object) -> str | None:
    return id_number_problem(str(value)) if value else None


def person_resource(pack: Pack | None) -> Resource:
    lists = {entry.code: entry.name for entry in (pack.personnel_lists if pack else ())}
    options = [SelectChoice("", "（不在名单中）"), *(SelectChoice(code, name) for code, name in lists.items())]
    return Resource(
        name="Person",
        model=Person,
        title="人员证书",
        category=BASIC,
        access=("registry",),
        api_resource="person",
        labels={"enterprise": "所属企业", **PERSON_LABELS, **STAMPS},
        descriptions={"list_code": "企业主要负责人、项目负责人等名单；企业在安许证动态考核的办理页登记并上传证书扫描件"},
        list_columns=["name", "enterprise", "list_code", "role", "certificate_no", "certificate_valid_until"],
        show_columns=["name", "enterprise", "list_code", "id_number", "role", "certificate_no", "certificate_valid_until", "scan_name"],
        add_columns=["enterprise", "name", "list_code", "id_number", "role", "certificate_no", "certificate_valid_until"],
        edit_columns=["enterprise", "name", "list_code", "id_number", "role", "certificate_no", "certificate_valid_until"],
        search_columns=["name", "enterprise", "list_code", "role", "certificate_no"],
        checks={"id_number": [_optional_id_number], "list_code": [choice_check(lists, "人员名单")]},
        formatters={"list_code": lambda code: lists.get(code, code or ""), "certificate_valid_until": _validity},
        form_fields={"list_code": SelectField("人员名单", choices=options, widget=Select2Widget())} if lists else {},
        base_order=("name", "asc"),
    )


def core_resources(pack: Pack | None = None) -> list[Resource]:
    word = pack.term("district") if pack else NEUTRAL_TERMS["district"]  # the pack's word for its districts
    non_local = pack.term("non_local") if pack else NEUTRAL_TERMS["non_local"]
    return [
        Resource(
            name="District",
            model=District,
            title=word,
            category=BASIC,
            access=("lookup",),
            api_resource="district",
            labels={"code": "代码", "name": "名称", "division_code": "行政区划代码", "city_reviewed": "市站直接审核", "sort_order": "排序"},
            list_columns=["name", "division_code", "city_reviewed"],
            show_columns=["name", "division_code", "city_reviewed"],  # the code is the pack's, not a person's
            search_columns=["name", "division_code"],
            base_order=("sort_order", "asc"),
        ),
        Resource(
            name="Enterprise",
            model=Enterprise,
            title="施工企业",
            category=BASIC,
            access=("registry",),
            api_resource="enterprise",
            labels={
                "name": "企业名称",
                "credit_code": "统一社会信用代码",
                "district": f"注册{word}",
                "is_local": "本地企业",
                "licence_no": "安全生产许可证编号",
                "legal_representative": "法定代表人",
                "contact_person": "联系人",
                "contact_phone": "联系电话",
                "address": "企业地址",
                **STAMPS,
            },
            descriptions={
                "credit_code": "18位，按 GB 32100 校验末位校验码",
                "is_local": f"在本市注册的企业为本地企业，{non_local}不勾选",
                "district": f"企业在本市登记所在的{word}",
            },
            list_columns=["name", "credit_code", "district", "is_local", "licence_no", "contact_person"],
            show_columns=[*ENTERPRISE_FIELDS, "created_on", "changed_on"],
            add_columns=[*ENTERPRISE_FIELDS],
            edit_columns=[*ENTERPRISE_FIELDS],
            search_columns=["name", "credit_code", "district", "is_local", "licence_no"],
            checks={"credit_code": [optional_credit_code_problem], "contact_phone": [phone_problem]},
            base_order=("name", "asc"),
            mixin=KeepsAssessments,
        ),
        Resource(
            name="Project",
            model=Project,
            title="工程项目",
            category=BASIC,
            access=("registry",),
            api_resource="project",
            labels={
                "name": "项目名称",
                "permit_no": "施工许可证号",
                "enterprise": "施工企业",
                "project_manager": "项目经理",
                "district": f"所在{word}",
                "building_area": "建筑面积（平方米）",
                "address": "项目地址",
                **STAMPS,
            },
            list_columns=["name", "permit_no", "enterprise", "district", "project_manager", "building_area"],
            show_columns=[
                "name",
                "permit_no",
                "enterprise",
                "project_manager",
                "district",
                "building_area",
                "address",
                "created_on",
                "changed_on",
            ],
            add_columns=["name", "permit_no", "enterprise", "project_manager", "district", "building_area", "address"],
            edit_columns=["name", "permit_no", "enterprise", "project_manager", "district", "building_area", "address"],
            search_columns=["name", "permit_no", "enterprise", "district", "project_manager"],
            base_order=("name", "asc"),
            mixin=ProjectHooks,  # 提报 per row for the roles that fill a project kind; kept while assessed
        ),
        person_resource(pack),
        Resource(
            name="Attachment",
            model=Attachment,
            title="附件",
            category=RECORDS,
            access=("records",),
            api_resource="attachment",
            labels={
                "assessment": "所属考核",
                "assessment_id": "考核编号",
                "file_name": "文件名",
                "item_code": "考核项目",
                "size": "大小（字节）",
                "media_type": "文件类型",
                "content_hash": "内容摘要",
                "created_on": "上传时间",
            },
            list_columns=["file_name", "assessment", "size", "created_on"],
            formatters={"item_code": shared_label("item_code")},
            show_columns=[
                "file_name",
                "assessment",
                "item_code",
                "size",
                "media_type",
                "content_hash",
                "created_on",
            ],
            search_columns=["file_name"],
            list_reads=("assessment",),
            base_order=("created_on", "desc"),
        ),
        Resource(
            name="ReviewHistory",
            model=ReviewHistory,
            title="审核记录",
            category=RECORDS,
            access=("records",),
            api_resource="review_history",
            labels={
                "assessment": "所属考核",
                "assessment_id": "考核编号",
                "action": "操作",
                "from_state": "原状态",
                "to_state": "新状态",
                "opinion": "意见",
                "user": "操作人",
                "created_on": "时间",
            },
            list_columns=["created_on", "assessment", "action", "to_state", "user"],
            show_columns=["created_on", "assessment", "action", "from_state", "to_state", "opinion"],
            formatters={column: shared_label(column) for column in ("action", "from_state", "to_state")},
            search_columns=["action"],
            base_order=("created_on", "desc"),
        ),
        audit_resource(),
    ]
