"""The materials checklist and personnel lists on the 办理 page: upload and remove materials, add,
correct and remove people, and open the PDFs a record shows.

Every route reaches the record through the scoped data layer (404 outside the user's scope, or for a
kind the role does not reach) and changes something only while the record's filler may: everything
in an editable state, only 整改材料 in a rectification state. Materials are stored per enterprise,
period and code, so the general-conditions self-assessment of the same period shows the same files.
Each POST is one transaction; a refused upload stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from itsdangerous import BadSignature, URLSafeTimedSerializer

from criteria.pack import Kind
from models import EnterpriseMaterial, Person, db
from models.criteria_versions import pack_for
from models.evidence import read_pdf, safe_name, store
from services.dossier_materials import remove_material, upload_material
from services.errors import Invalid, Refused, ServiceError
from services.register_person import Scan, register_person, remove_person
from storage import evidence_key
from views.assessment_access import load, work_of
from views.scope import ScopeViolation
from views.scoped_data import ScopedInterface
from views.stored_files import evidence, send_evidence
from views.workflow import render_page
from workflow import dossier

PERSON_FIELDS = ("person_name", "id_number", "role", "certificate_no", "certificate_valid_until")
SCAN_KEPT_SECONDS = 24 * 3600  # how long a refused entry's scan may be reused without choosing it again


def _scan_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="dossier-person-scan")


class DossierView(BaseView):
    route_base = "/assessment"
    class_permission_name = "AssessmentWorkflow"  # every role; the handlers decide per record
    method_permission_name: ClassVar[dict[str, str]] = {
        name: "access" for name in ("material", "material_remove", "person", "person_remove", "file")
    }

    def _record(self, kind_code: str, pk: int) -> tuple[Kind, Any]:
        kind, record = load(kind_code, pk)
        if pack_for(record).dossier_kind(kind) is None:
            abort(404)
        return kind, record

    def _back(self, kind: Kind, record: Any, anchor: str) -> Any:
        return redirect(url_for("AssessmentWorkflowView.page", kind_code=kind.code, pk=record.id) + f"#{anchor}")

    def _act(self, kind: Kind, record: Any, anchor: str, action: Callable[[], str]) -> Any:
        """Run the service and come back to the part of the page it changed, with its answer."""
        try:
            flash(action(), "success")
        except (ServiceError, ScopeViolation) as refused:
            db.session.rollback()
            flash(getattr(refused, "message", str(refused)), "danger")
        return self._back(kind, record, anchor)

    # -- materials ------------------------------------------------------------------------------

    @expose("/<kind_code>/<int:pk>/material", methods=["POST"])
    @has_access
    def material(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        code = request.form.get("material_code", "")
        config = current_app.config

        posted = request.files.get("file")
        known = code in {m.code for m in dossier.shown_materials(pack_for(record), kind, record)}
        try:
            work = work_of(kind, record)
            message = upload_material(work, code, posted, evidence(), config["EVIDENCE_MAX_PAGES"], request.form)
        except Invalid as refused:  # the page again, with what was typed in its fields
            db.session.rollback()
            flash(refused.message, "danger")
            return render_page(self, kind, record, refused.errors, dict(request.form)), 422
        except (ServiceError, ScopeViolation) as refused:
            db.session.rollback()
            flash(getattr(refused, "message", str(refused)), "danger")
            return self._back(kind, record, "materials")
        flash(message, "success")
        return self._back(kind, record, f"material-{code}" if known else "materials")

    @expose("/<kind_code>/<int:pk>/material/remove", methods=["POST"])
    @has_access
    def material_remove(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        file_id = request.form.get("file_id", "")
        row = ScopedInterface(EnterpriseMaterial).get(file_id) if file_id.isdigit() else None
        anchor = f"material-{row.material_code}" if row is not None else "materials"
        return self._act(kind, record, anchor, lambda: remove_material(work_of(kind, record), row))

    # -- people ---------------------------------------------------------------------------------

    def _person_of(self, record: Any) -> Person | None:
        person_id = request.form.get("person_id", "")
        person = ScopedInterface(Person).get(person_id) if person_id.isdigit() else None
        return person if person is not None and person.enterprise_id == record.enterprise_id else None

    def _carried(self) -> Scan | None:
        """The certificate scan a refused entry of this user kept, from the form's signed token; None
        without one, or when it is no longer valid."""
        token = request.form.get("scan_token", "")
        if not token:
            return None
        try:
            kept = _scan_signer().loads(token, max_age=SCAN_KEPT_SECONDS)
        except BadSignature:
            return None
        if kept.get("user") != g.user.id or evidence().size(evidence_key(kept["hash"])) is None:
            return None
        return Scan(kept["name"], kept["hash"], kept["size"])

    def _refused_person(self, kind: Kind, record: Any, refused: Invalid, scan: Scan | None) -> Any:
        """The page again with what was typed and each problem beside its field; a scan that passed
        its check is kept (stored by hash, carried in a signed token) so it need not be chosen again."""
        db.session.rollback()
        kept = scan if scan is not None and "scan" not in refused.errors else None
        if kept is not None and kept.data is not None:
            store(evidence(), kept.data)
        token = _scan_signer().dumps({"hash": kept.content_hash, "name": kept.name, "size": kept.size, "user": g.user.id}) if kept else ""
        flash(refused.message, "danger")
        entry = {
            "list_code": request.form.get("list_code", ""),
            "person_id": request.form.get("person_id", ""),
            "values": {k: request.form.get(k, "") for k in PERSON_FIELDS},
            "errors": refused.errors,
            "scan_name": kept.name if kept else "",
            "scan_token": token,
        }
        return render_page(self, kind, record, person_entry=entry), 422

    @expose("/<kind_code>/<int:pk>/person", methods=["POST"])
    @has_access
    def person(self, kind_code: str, pk: int) -> Any:
        """Add a person to a list (certificate scan required) or correct one (a new scan optional)."""
        kind, record = self._record(kind_code, pk)
        editing = bool(request.form.get("person_id"))
        person = self._person_of(record) if editing else None
        if editing and person is None:
            flash("要修改的人员不存在或不属于本企业", "danger")
            return self._back(kind, record, "personnel")
        posted = request.files.get("scan")
        scan, problem = None, None
        if posted is not None and posted.filename:
            data, name, problem = read_pdf(posted, current_app.config["EVIDENCE_MAX_PAGES"])
            scan = None if problem else Scan.uploaded(data, name)
        else:
            scan = self._carried()
            if scan is None and person is None and request.form.get("scan_token"):
                problem = "之前选择的证书扫描件已失效，请重新选择（PDF）"
        work = work_of(kind, record)
        try:
            message, list_code = register_person(work, request.form, person, scan, problem, evidence())
        except Invalid as refused:
            return self._refused_person(kind, record, refused, scan)
        except (Refused, ScopeViolation) as refused:
            db.session.rollback()
            flash(getattr(refused, "message", str(refused)), "danger")
            return self._back(kind, record, "personnel")
        flash(message, "success")
        return self._back(kind, record, f"list-{list_code}")

    @expose("/<kind_code>/<int:pk>/person/remove", methods=["POST"])
    @has_access
    def person_remove(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        person = self._person_of(record)
        anchor = f"list-{person.list_code}" if person is not None else "personnel"
        return self._act(kind, record, anchor, lambda: remove_person(work_of(kind, record), person)[0])

    # -- files ----------------------------------------------------------------------------------

    @expose("/<kind_code>/<int:pk>/dossier/<content_hash>")
    @has_access
    def file(self, kind_code: str, pk: int, content_hash: str) -> Any:
        """A material or certificate scan the record shows (live or as submitted), inline or
        ?download=1; a hash the record does not show is not found."""
        kind, record = self._record(kind_code, pk)
        if content_hash not in dossier.file_hashes(db.session, pack_for(record), kind, record):
            abort(404)
        name = request.args.get("name") or "材料.pdf"
        return send_evidence(content_hash, safe_name(name), request.args.get("download") == "1")
