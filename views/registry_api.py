"""POST /api/v1/registry/projects: the construction-permit platform pushes project records.

The records use the field names of a JSON export (``registry/reader.py``) and go through the same
upsert and per-row checks as ``flask --app app registry import``: projects by 施工许可证号,
enterprises by 统一社会信用代码; rows with problems are reported and the others still land.
Only the roles ``views.permissions.may_push_registry`` names (and the administrator) may push.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from models import db
from registry import ImportReport, RegistryFileError, import_rows
from registry.reader import json_items, json_rows
from views.permissions import may_push_registry

MAX_RECORDS = 10_000  # per request; larger exports go in several pushes (or through the CLI)
SHAPE = '请求体应为 JSON 对象：{"records": [{"permit_no": ..., "name": ..., ...}, ...]}'


def report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "message": report.summary(),
        "summary": {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
            "enterprises_created": report.enterprises_created,
            "enterprises_renamed": report.enterprises_renamed,
        },
        "rejected": [{"row": r.row, "field": r.field, "reason": r.reason} for r in report.rejections],
    }


class RegistryApi(BaseApi):
    resource_name = "registry"
    allow_browser_login = True  # a session login works too (writes then need the X-CSRFToken header)
    class_permission_name = "RegistryPush"
    method_permission_name: ClassVar[dict[str, str]] = {"push_projects": "post"}
    openapi_spec_tag = "项目登记推送"

    def response_403(self) -> Response:
        pack = current_app.extensions["criteria_pack"]
        allowed = "、".join(role.label for role in pack.roles if may_push_registry(role))
        return self.response(403, message=f"无权推送项目登记数据：仅{allowed}可以推送")

    def response_401(self) -> Response:
        return self.response(401, message="请先登录（会话或 JWT 令牌）后再推送")

    @expose("/projects", methods=["POST"])
    @protect()
    @safe
    def push_projects(self) -> Response:
        """Push project records from the construction-permit platform
        ---
        post:
          summary: 推送项目登记记录（按施工许可证号新建或更新项目，按统一社会信用代码新建或更新企业）
          description: >-
            字段名与 JSON 导出文件相同：permit_no（施工许可证号）、name（项目名称）、enterprise_name（施工单位）、
            credit_code（统一社会信用代码）、district（所在辖区）为必填；project_manager、building_area、address、
            enterprise_district、is_local 可选。有问题的记录逐条报告（row 为记录序号，从 1 开始），其余记录照常导入；
            重复推送相同数据不会改变任何内容。
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    records:
                      type: array
                      items:
                        type: object
          responses:
            200:
              description: 已处理；summary 为新建、更新、未变化、拒绝的条数，rejected 为被拒绝的记录及原因
            400:
              description: '请求体不是有效的 JSON，或不是 {"records": [...]} 的形式'
            401:
              description: 未登录
            403:
              description: 无权推送
            413:
              description: 单次推送的记录过多
            422:
              description: 每条记录都缺少某个必填字段，或没有一条记录被接受
        """
        try:
            data = json.loads(request.get_data(as_text=False).decode("utf-8-sig"))
        except UnicodeDecodeError:
            return self.response_400(message="请求体应为 UTF-8 编码的 JSON")
        except json.JSONDecodeError as error:
            return self.response_400(message=f"JSON 格式错误：第 {error.lineno} 行第 {error.colno} 列：{error.msg}。{SHAPE}")
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            return self.response_400(message=SHAPE)
        items = data["records"]
        if not items:
            return self.response(422, message="records 中没有记录")
        if len(items) > MAX_RECORDS:
            return self.response(413, message=f"单次最多推送 {MAX_RECORDS} 条记录，本次 {len(items)} 条；请分批推送")
        try:
            json_items(items)
        except RegistryFileError as problem:
            return self.response(422, message=f"所有记录都缺少必填字段。{problem}")
        report = import_rows(db.session, current_app.extensions["criteria_pack"], json_rows(items))
        body = report_json(report)
        nothing_landed = report.rejected == report.rows
        return self.response(422 if nothing_landed else 200, **body)
