"""The materials checklist and personnel lists of an assessment over REST (``/api/v1/dossier/``).

The same services as the 办理 page's forms: upload and remove a material (PDF), register, correct and
remove a person with a certificate scan. Every write answers with the record (its ``missing`` list
says what submitting still lacks) and the dossier as the caller sees it: 身份证号 masked for roles that
do not read them. A kind that shows no checklist answers 404, like the page.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from flask import Response, current_app, request
from flask_appbuilder.api import expose, protect
from werkzeug.exceptions import NotFound

from criteria.pack import Kind
from models import EnterpriseMaterial, Person, db
from models.criteria_versions import pack_for
from models.evidence import read_pdf
from services.dossier_materials import remove_material, upload_material
from services.errors import Invalid
from services.register_person import Scan, register_person, remove_person
from views.assessment_access import work_of
from views.masking import shown_id_number
from views.scoped_data import ScopedInterface
from views.stored_files import evidence
from views.workflow_api import RecordApi, writes
from workflow import dossier


def _row(model: type, field: str) -> Any:
    """The row named by the request's ``field`` (form or JSON), if the caller's scope reaches it."""
    value = request.form.get(field) or (request.get_json(silent=True) or {}).get(field)
    return ScopedInterface(model).get(value) if str(value or "").isdigit() else None


class DossierApi(RecordApi):
    resource_name = "dossier"
    method_permission_name: ClassVar[dict[str, str]] = {
        name: "access" for name in ("material", "material_remove", "person", "person_remove")
    }
    openapi_spec_tag = "申报材料与人员名单"

    def _load(self, kind_code: str, pk: int) -> tuple[Kind, Any]:
        kind, record = super()._load(kind_code, pk)
        if pack_for(record).dossier_kind(kind) is None:
            raise NotFound()
        return kind, record

    def _answer(self, kind: Kind, record: Any) -> dict[str, Any]:
        shown, _ = dossier.shown(db.session, pack_for(record), kind, record, datetime.date.today())
        for people in shown.get("personnel", {}).values():
            for person in people:
                person["id_number"] = shown_id_number(person.get("id_number"))
        return {**super()._answer(kind, record), "dossier": shown}

    @expose("/<kind_code>/<int:pk>/material", methods=["POST"])
    @protect()
    @writes()
    def material(self, kind_code: str, pk: int) -> Response:
        """Upload a material of the checklist
        ---
        post:
          summary: 上传申报材料（PDF）：material_code 为申报材料清单中的代码；同一材料可上传多个文件
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [material_code, file]
                  properties:
                    material_code: {type: string}
                    file: {type: string, format: binary}
        """
        config = current_app.config

        def store(kind: Kind, record: Any) -> str:
            code, posted = request.form.get("material_code", ""), request.files.get("file")
            return upload_material(work_of(kind, record), code, posted, evidence(), config["EVIDENCE_MAX_PAGES"])

        return self._act(kind_code, pk, store)

    @expose("/<kind_code>/<int:pk>/material/remove", methods=["POST"])
    @protect()
    @writes()
    def material_remove(self, kind_code: str, pk: int) -> Response:
        """Remove a material file
        ---
        post:
          summary: 删除申报材料文件（file_id 为 dossier.materials 中文件的 id）
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [file_id]
                  properties:
                    file_id: {type: integer}
        """
        return self._act(kind_code, pk, lambda kind, record: remove_material(work_of(kind, record), _row(EnterpriseMaterial, "file_id")))

    @expose("/<kind_code>/<int:pk>/person", methods=["POST"])
    @protect()
    @writes()
    def person(self, kind_code: str, pk: int) -> Response:
        """Register a person on a personnel list, or correct one
        ---
        post:
          summary: 登记人员（须上传证书扫描件 PDF），或修改已登记的人员（给出 person_id，扫描件可不重传）
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [list_code, person_name, id_number, certificate_no, certificate_valid_until]
                  properties:
                    person_id: {type: integer}
                    list_code: {type: string}
                    person_name: {type: string}
                    id_number: {type: string}
                    role: {type: string}
                    certificate_no: {type: string}
                    certificate_valid_until: {type: string, format: date}
                    scan: {type: string, format: binary}
        """

        def register(kind: Kind, record: Any) -> str:
            person = None
            if request.form.get("person_id"):
                person = _row(Person, "person_id")
                if person is None or person.enterprise_id != record.enterprise_id:
                    raise Invalid("要修改的人员不存在或不属于本企业")
            posted, scan, problem = request.files.get("scan"), None, None
            if posted is not None and posted.filename:
                data, name, problem = read_pdf(posted, current_app.config["EVIDENCE_MAX_PAGES"])
                scan = None if problem else Scan.uploaded(data, name)
            return register_person(work_of(kind, record), request.form, person, scan, problem, evidence())[0]

        return self._act(kind_code, pk, register)

    @expose("/<kind_code>/<int:pk>/person/remove", methods=["POST"])
    @protect()
    @writes()
    def person_remove(self, kind_code: str, pk: int) -> Response:
        """Take a person off a personnel list
        ---
        post:
          summary: 将人员移出名单（已提交的考核仍保留提交时的名单）
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [person_id]
                  properties:
                    person_id: {type: integer}
        """

        def remove(kind: Kind, record: Any) -> str:
            person = _row(Person, "person_id")
            owned = person if person is not None and person.enterprise_id == record.enterprise_id else None
            return remove_person(work_of(kind, record), owned)[0]

        return self._act(kind_code, pk, remove)
