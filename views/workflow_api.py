"""The assessment workflow over REST (/api/v1/workflow/...): read a record's state and what the caller
may do, save the fill-in table, decide items, take a step, upload and delete evidence.

A thin door over the same services as the 办理 page (``services/``): the same scope (404 outside it),
the same checks and the same Chinese refusals, as JSON with a 4xx status (403 the role or state does
not allow it, 409 someone changed the record first, 422 the input cannot be stored). Writes carry the
``lock_version`` the caller read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose, protect
from werkzeug.exceptions import NotFound

from criteria.pack import Kind
from models import Attachment, db
from scoring.inputs import shown
from services.assessment_work import permissions
from services.errors import Invalid, ServiceError
from services.evidence import delete_evidence, upload_evidence
from services.review_items import review_items
from services.save_entries import save_entries
from services.take_transition import take_transition
from views.assessment_access import load, work_of
from views.scope import ScopeViolation
from views.scoped_data import ScopedInterface
from views.stored_files import evidence
from workflow.records import evidence_of

NOT_FOUND = "考核记录不存在，或不在您的数据范围内"
WRITE_RESPONSES = """
          responses:
            200:
              description: 已保存；message 为给用户的提示，record 为保存后的记录（同 GET）
            400:
              description: 请求体不是 JSON 对象
            401:
              description: 未登录或令牌无效
            403:
              description: 当前状态或角色不允许此操作（message 说明原因）
            404:
              description: 记录不存在或不在数据范围内
            409:
              description: 记录已被他人修改（lock_version 不是当前版本），未保存
            422:
              description: 填写有误，未保存；errors 按考核项目代码说明问题
"""


RECORD_PARAMETERS = """
          parameters:
          - {in: path, name: kind_code, required: true, schema: {type: string}, description: 考核类型代码}
          - {in: path, name: pk, required: true, schema: {type: integer}, description: 考核记录编号}
"""


def writes(on_record: bool = True) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Append what every write shares to the endpoint's OpenAPI text: the record's path parameters
    (``on_record``) and the answers."""

    def document(function: Callable[..., Response]) -> Callable[..., Response]:
        shared = RECORD_PARAMETERS.rstrip() if on_record else ""
        function.__doc__ = (function.__doc__ or "").rstrip() + shared + WRITE_RESPONSES
        return function

    return document


def _body() -> dict[str, Any]:
    """The JSON object posted, or Invalid."""
    try:
        data = json.loads(request.get_data(as_text=False).decode("utf-8-sig") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ServiceError("请求体应为 JSON 对象")
    return data


def _text(value: Any) -> str:
    """A JSON value as the form would have posted it ('' for null)."""
    return "" if value is None else str(value)


def _item_fields(data: dict[str, Any], read: Callable[[str, dict[str, Any]], dict[str, str]]) -> dict[str, str]:
    """The page's form fields for ``{"items": {"<item code>": {...}}}``; ``read`` names the fields of one item."""
    items = data.get("items", {})
    if not isinstance(items, dict) or not all(isinstance(v, dict) for v in items.values()):
        raise Invalid('items 应为对象：{"考核项目代码": {...}, ...}')
    fields: dict[str, str] = {}
    for code, values in items.items():
        fields.update(read(str(code), values))
    return fields


def _header_fields(data: dict[str, Any]) -> dict[str, str]:
    """``{"header": {"<field code>": value}}`` as the page's ``header_<field>`` fields (true/false for yes/no)."""
    header = data.get("header", {})
    if not isinstance(header, dict):
        raise Invalid('header 应为对象：{"表头项目代码": 值, ...}')
    return {f"header_{code}": ("1" if value else "0") if isinstance(value, bool) else _text(value) for code, value in header.items()}


def _entry_fields(code: str, values: dict[str, Any]) -> dict[str, str]:
    fields = {f"score_{code}": _text(values.get("score"))}
    if values.get("not_applicable"):
        fields[f"na_{code}"] = "1"
    results = values.get("results") or {}
    if not isinstance(results, dict):
        raise Invalid(f'“{code}”的 results 应为对象：{{"分项检查评分表代码": 得分}}')
    fields.update({f"result_{table}": _text(value) for table, value in results.items()})
    return fields


def _review_fields(code: str, values: dict[str, Any]) -> dict[str, str]:
    return {f"{name}_{code}": _text(values.get(name)) for name in ("verdict", "decision", "assessed", "opinion") if name in values}


def _number(value: Any) -> str | None:
    return None if value is None else shown(value)


def record_json(kind: Kind, record: Any) -> dict[str, Any]:
    """The record as the caller may act on it: state, version, steps, missing parts, items, evidence."""
    evidence = evidence_of(db.session, kind, record)
    allowed = permissions(work_of(kind, record), evidence)
    statuses = kind.item_status_labels
    weighted = kind.scoring.uses_subtables
    return {
        "id": record.id,
        "kind": kind.code,
        "kind_name": kind.short_name,
        "period": record.period,
        "state": record.state,
        "state_label": kind.state_labels.get(record.state, record.state),
        "lock_version": record.lock_version,
        "total": _number(record.total),
        "rating": record.rating,
        "grade": record.grade,
        "can_fill": allowed.can_fill,
        "can_review": allowed.can_review,
        "missing": list(allowed.facts.missing),
        "transitions": [
            {
                "code": step.code,
                "label": step.label,
                "opinion_required": step.opinion_required,
                "rates": step.rates,
                "blocked": reason,
            }
            for step, reason in allowed.choices
        ],
        "items": [
            {
                "code": row.item_code,
                "not_applicable": row.not_applicable,
                "self_score": _number(row.self_score),
                "assessed_score": _number(row.assessed_score),
                "results": row.results if weighted else None,
                "review_status": row.review_status,
                "review_label": statuses.get(row.review_status, row.review_status),
                "opinion": row.opinion,
                "score_decision": row.score_decision,
                "changed_since_review": row.changed_since_review,
            }
            for row in record.items
        ],
        "evidence": [
            {"id": f.id, "item_code": f.item_code, "file_name": f.file_name, "size": f.size} for files in evidence.values() for f in files
        ],
        "vetoes": [veto.as_json() for veto in record.recorded_vetoes],
    }


class RecordApi(BaseApi):
    """What the record APIs share: a session works as well as a token (its writes then need the
    X-CSRFToken header), every role reaches them (the services decide per record), and a write
    answers with the record as it is now."""

    allow_browser_login = True
    class_permission_name = "AssessmentWorkflow"

    def response_401(self) -> Response:
        return self.response(401, message="请先登录（会话或 JWT 令牌）")

    def _load(self, kind_code: str, pk: int) -> tuple[Kind, Any]:
        return load(kind_code, pk)

    def _answer(self, kind: Kind, record: Any) -> dict[str, Any]:
        return {"record": record_json(kind, record)}

    def _act(self, kind_code: str, pk: int, action: Callable[[Kind, Any], str]) -> Response:
        """Load the record in scope, run the service, answer with the record as it is now."""
        try:
            kind, record = self._load(kind_code, pk)
        except NotFound:
            return self.response(404, message=NOT_FOUND)
        try:
            message = action(kind, record)
        except (ServiceError, ScopeViolation) as problem:
            db.session.rollback()
            status, errors = (problem.status, problem.errors) if isinstance(problem, ServiceError) else (403, {})
            return self.response(status, message=getattr(problem, "message", str(problem)), errors=errors)
        return self.response(200, message=message, **self._answer(kind, record))


class WorkflowApi(RecordApi):
    resource_name = "workflow"
    method_permission_name: ClassVar[dict[str, str]] = {
        name: "access" for name in ("record", "entries", "review", "transition", "upload", "remove")
    }
    openapi_spec_tag = "考核办理"

    @expose("/<kind_code>/<int:pk>", methods=["GET"])
    @protect()
    def record(self, kind_code: str, pk: int) -> Response:
        """A record's state and what the caller may do with it
        ---
        get:
          summary: 读取考核记录的办理状态：当前状态、版本号、可执行的操作（及不能执行的原因）、缺少的内容、各项得分与审核结论、证明材料
          parameters:
          - {in: path, name: kind_code, required: true, schema: {type: string}, description: 考核类型代码}
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200:
              description: 记录的办理状态（lock_version 用于随后的写操作）
            401:
              description: 未登录或令牌无效
            404:
              description: 记录不存在或不在数据范围内
        """
        try:
            kind, record = load(kind_code, pk)
        except NotFound:
            return self.response(404, message=NOT_FOUND)
        return self.response(200, **record_json(kind, record))

    @expose("/<kind_code>/<int:pk>/entries", methods=["POST"])
    @protect()
    @writes()
    def entries(self, kind_code: str, pk: int) -> Response:
        """Save the fill-in table
        ---
        post:
          summary: 保存填报（草稿）：表头信息、各项自评分（分项检查评分表得分）与“不涉及”，一次保存，有任何错误则都不保存
          description: >-
            header 的键为表头项目代码，只修改给出的项目（空值表示清空）；items 的键为考核项目代码；score 为自评分，
            not_applicable 为 true 表示不涉及；按分项检查评分表评分的考核，results 为 {分项表代码: 得分}，
            未列出的分项表表示现场没有。给出 items 时，未列出的考核项目清空为未填写。
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [lock_version]
                  properties:
                    lock_version: {type: integer}
                    header: {type: object, additionalProperties: true}
                    items:
                      type: object
                      additionalProperties:
                        type: object
                        properties:
                          score: {type: number}
                          not_applicable: {type: boolean}
                          results: {type: object, additionalProperties: {type: number}}
        """

        def save(kind: Kind, record: Any) -> str:
            data = _body()
            fields = {**_header_fields(data), **_item_fields(data, _entry_fields)}
            return save_entries(work_of(kind, record), fields, data.get("lock_version"))

        return self._act(kind_code, pk, save)

    @expose("/<kind_code>/<int:pk>/review", methods=["POST"])
    @protect()
    @writes()
    def review(self, kind_code: str, pk: int) -> Response:
        """Decide items of a submitted record
        ---
        post:
          summary: 逐项审核：每项两个结论：得分（√ 采用自评分 / × 填写考核得分）与审核结论（通过 / 驳回）
          description: >-
            verdict 为 accept（√，默认）或 override（×，须填写考核得分 assessed 和审核意见 opinion，考核得分即为主管部门的分数）；
            decision 为 pass（通过）或 reject（驳回，须填写审核意见）。保存时有任一项驳回，记录即退回企业修改；
            各项均通过后可“审核通过”，总分按考核得分计算。未给出 decision 的项目保持原状。
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [lock_version, items]
                  properties:
                    lock_version: {type: integer}
                    items:
                      type: object
                      additionalProperties:
                        type: object
                        properties:
                          verdict: {type: string, enum: [accept, override]}
                          decision: {type: string, enum: [pass, reject]}
                          assessed: {type: number}
                          opinion: {type: string}
        """

        def decide(kind: Kind, record: Any) -> str:
            data = _body()
            return review_items(work_of(kind, record), _item_fields(data, _review_fields), data.get("lock_version"))

        return self._act(kind_code, pk, decide)

    @expose("/<kind_code>/<int:pk>/transition", methods=["POST"])
    @protect()
    @writes()
    def transition(self, kind_code: str, pk: int) -> Response:
        """Take a workflow step
        ---
        post:
          summary: 办理一步（提交、审核通过、退回、评定等）
          description: code 为 GET 返回的 transitions 中的代码；需要时填写意见 opinion，评定时选择 rating
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [lock_version, code]
                  properties:
                    lock_version: {type: integer}
                    code: {type: string}
                    opinion: {type: string}
                    rating: {type: string}
        """

        def step(kind: Kind, record: Any) -> str:
            data = _body()
            opinion, rating = _text(data.get("opinion")), _text(data.get("rating"))
            return take_transition(work_of(kind, record), _text(data.get("code")), opinion, rating, data.get("lock_version"))

        return self._act(kind_code, pk, step)

    @expose("/<kind_code>/<int:pk>/evidence", methods=["POST"])
    @protect()
    @writes()
    def upload(self, kind_code: str, pk: int) -> Response:
        """Upload an evidence file
        ---
        post:
          summary: 上传证明材料（PDF）：item_code 为考核项目代码、record:<材料代码>，或留空表示整条记录
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [file]
                  properties:
                    file: {type: string, format: binary}
                    item_code: {type: string}
        """

        def store(kind: Kind, record: Any) -> str:
            config = current_app.config
            pages = config["EVIDENCE_MAX_PAGES"]
            posted, where = request.files.get("file"), request.form.get("item_code", "")
            return upload_evidence(work_of(kind, record), where, posted, evidence(), pages)

        return self._act(kind_code, pk, store)

    @expose("/evidence/<int:attachment_id>", methods=["DELETE"])
    @protect()
    @writes(on_record=False)
    def remove(self, attachment_id: int) -> Response:
        """Delete an evidence file
        ---
        delete:
          summary: 删除证明材料（仅在可以修改记录时）
          parameters:
          - {in: path, name: attachment_id, required: true, schema: {type: integer}}
        """
        attachment = ScopedInterface(Attachment).get(attachment_id)
        if attachment is None:
            return self.response(404, message="文件不存在，或不在您的数据范围内")
        owner = attachment.assessment
        return self._act(owner.kind, owner.id, lambda kind, record: f"已删除“{delete_evidence(work_of(kind, record), attachment)}”")
