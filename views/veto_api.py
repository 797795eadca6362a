"""The same vetoes (否决事项) as the 办理 page, over REST: record one (multipart, with its evidence PDF)
or withdraw one. Both are thin doors over ``services.record_veto``."""

from __future__ import annotations

from typing import Any, ClassVar

from flask import Response, current_app, request
from flask_appbuilder.api import expose, protect

from criteria.pack import Kind
from services.record_veto import record_veto, withdraw_veto
from views.assessment_access import work_of
from views.stored_files import evidence
from views.workflow_api import RecordApi, writes


class VetoApi(RecordApi):
    resource_name = "veto"
    method_permission_name: ClassVar[dict[str, str]] = {name: "access" for name in ("record", "withdraw")}
    openapi_spec_tag = "考核办理"

    @expose("/<kind_code>/<int:pk>", methods=["POST"])
    @protect()
    @writes()
    def record(self, kind_code: str, pk: int) -> Response:
        """Record a veto on an assessment
        ---
        post:
          summary: 记录否决事项（审核人）：veto_code 为考核类别声明的否决项代码，须填写意见并上传证明材料（PDF）
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [lock_version, veto_code, opinion, file]
                  properties:
                    lock_version: {type: integer}
                    veto_code: {type: string}
                    opinion: {type: string}
                    file: {type: string, format: binary}
        """

        def store(kind: Kind, record: Any) -> str:
            form, config = request.form, current_app.config
            pages = config["EVIDENCE_MAX_PAGES"]
            code, opinion, upload = form.get("veto_code", ""), form.get("opinion", ""), request.files.get("file")
            return record_veto(work_of(kind, record), code, opinion, upload, evidence(), pages, form.get("lock_version"))

        return self._act(kind_code, pk, store)

    @expose("/<kind_code>/<int:pk>/<int:veto_id>/withdraw", methods=["POST"])
    @protect()
    @writes()
    def withdraw(self, kind_code: str, pk: int, veto_id: int) -> Response:
        """Withdraw a recorded veto
        ---
        post:
          summary: 撤销否决事项（审核人），须填写撤销理由；撤销的记录保留
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [lock_version, opinion]
                  properties:
                    lock_version: {type: integer}
                    opinion: {type: string}
        """

        def take_back(kind: Kind, record: Any) -> str:
            data = request.get_json(silent=True) or {}
            opinion = str(data.get("opinion") or "")
            return withdraw_veto(work_of(kind, record), veto_id, opinion, data.get("lock_version"))

        return self._act(kind_code, pk, take_back)
