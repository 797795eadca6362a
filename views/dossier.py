"""The materials checklist and personnel lists on the 办理 page: upload and remove materials, add,
correct and remove people, and open the PDFs a record shows.

Every route reaches the record through the scoped data layer (404 outside the user's scope, or for a
kind the role does not reach) and changes something only while the record's filler may: everything
in an editable state, only 整改材料 in a rectification state. Materials are stored per enterprise,
period and code, so the general-conditions self-assessment of the same period shows the same files.
Each POST is one transaction; a refused upload stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from criteria.pack import Kind, Pack
from models import EnterpriseMaterial, Person, db
from models.criteria_versions import pack_for
from models.evidence import commit_with_file, digest, path_of, read_pdf, safe_name, store
from models.uniqueness import clash, keys_for
from views.assessment_access import in_force, load
from views.scope import ScopeViolation, ensure_in_scope
from views.scoped_data import ScopedInterface
from views.workflow import render_page
from workflow import dossier
from workflow.people import PersonEntry, read_person
from workflow.records import actor_of

PERSON_FIELDS = ("person_name", "id_number", "role", "certificate_no", "certificate_valid_until")
SCAN_KEPT_SECONDS = 24 * 3600  # how long a refused entry's scan may be reused without choosing it again


def _scan_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="dossier-person-scan")


def _running() -> Pack:
    """The platform's own pack: the roles a login has."""
    return current_app.extensions["criteria_pack"]


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

    def _filler(self, kind: Kind, record: Any) -> bool:
        """The user fills the record's kind, and the kind is in force (a retired kind's records are read only)."""
        return in_force(record) and kind.filled_by in actor_of(g.user, _running()).roles

    def _commit_with_file(self, data: bytes) -> None:
        commit_with_file(db.session, Path(current_app.config["EVIDENCE_DIR"]), data)

    # -- materials ------------------------------------------------------------------------------

    @expose("/<kind_code>/<int:pk>/material", methods=["POST"])
    @has_access
    def material(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        code = request.form.get("material_code", "")
        names = {m.code: m.name for m in dossier.shown_materials(pack_for(record), kind, record)}
        if not self._filler(kind, record) or code not in dossier.fillable_materials(pack_for(record), kind, record):
            later = {m.code: m.name for m in pack_for(record).dossier_kind(kind).materials if m.rectification}
            if code in later and code not in names:
                flash(f"“{later[code]}”在记录被退回或评定为需整改后才能上传，未上传", "danger")
            elif code not in names:
                flash(f"材料“{code[:60]}”不在本考核的申报材料清单中，未上传", "danger")
            else:
                flash(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能上传该材料", "danger")
            return self._back(kind, record, "materials")
        data, name, problem = read_pdf(request.files.get("file"), current_app.config["EVIDENCE_MAX_PAGES"])
        if problem:
            flash(problem, "danger")
            return self._back(kind, record, f"material-{code}")
        row = EnterpriseMaterial(
            enterprise_id=record.enterprise_id,
            period=record.period,
            material_code=code,
            file_name=name,
            content_hash=digest(data),
            size=len(data),
            media_type="application/pdf",
        )
        db.session.add(row)
        try:
            ensure_in_scope(db.session, row)
            self._commit_with_file(data)
        except ScopeViolation as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return self._back(kind, record, f"material-{code}")
        flash(f"已上传“{name}”（{names[code]}）", "success")
        return self._back(kind, record, f"material-{code}")

    @expose("/<kind_code>/<int:pk>/material/remove", methods=["POST"])
    @has_access
    def material_remove(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        file_id = request.form.get("file_id", "")
        row = ScopedInterface(EnterpriseMaterial).get(file_id) if file_id.isdigit() else None
        if row is None or row.enterprise_id != record.enterprise_id or row.period != record.period:
            flash("要删除的材料文件不存在或不属于本考核", "danger")
            return self._back(kind, record, "materials")
        if not self._filler(kind, record) or row.material_code not in dossier.fillable_materials(pack_for(record), kind, record):
            flash(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能删除该材料", "danger")
            return self._back(kind, record, "materials")
        name = row.file_name
        db.session.delete(row)
        db.session.commit()
        flash(f"已删除“{name}”", "success")
        return self._back(kind, record, f"material-{row.material_code}")

    # -- people ---------------------------------------------------------------------------------

    def _person_of(self, record: Any) -> Person | None:
        person_id = request.form.get("person_id", "")
        person = ScopedInterface(Person).get(person_id) if person_id.isdigit() else None
        return person if person is not None and person.enterprise_id == record.enterprise_id else None

    def _duplicate(self, record: Any, entry: PersonEntry, person: Person | None) -> tuple[str, str] | None:
        """(field, message) when the enterprise has this person on the list already (the key
        ``uq_person_list_id_number`` holds it; the registry's person screen says the same)."""
        values = {"enterprise_id": record.enterprise_id, "list_code": entry.list_code, "id_number": entry.id_number}
        return clash(db.session, keys_for(Person.__table__, values.get), person.id if person is not None else None)

    def _carried(self) -> tuple[str, str, int] | None:
        """The certificate scan a refused entry of this user kept (hash, name, size), from the form's
        signed token; None without one, or when it is no longer valid."""
        token = request.form.get("scan_token", "")
        if not token:
            return None
        try:
            kept = _scan_signer().loads(token, max_age=SCAN_KEPT_SECONDS)
        except BadSignature:
            return None
        directory = Path(current_app.config["EVIDENCE_DIR"])
        if kept.get("user") != g.user.id or not path_of(directory, kept["hash"]).exists():
            return None
        return kept["hash"], kept["name"], kept["size"]

    def _refused_person(
        self, kind: Kind, record: Any, errors: dict[str, str], data: bytes | None, name: str, kept: tuple[str, str, int] | None
    ) -> Any:
        """The page again with what was typed and each problem beside its field; a scan that passed
        its check is kept (stored by hash, carried in a signed token) so it need not be chosen again."""
        db.session.rollback()
        if data is not None and "scan" not in errors:
            content_hash, _ = store(Path(current_app.config["EVIDENCE_DIR"]), data)
            kept = (content_hash, name, len(data))
        token = _scan_signer().dumps({"hash": kept[0], "name": kept[1], "size": kept[2], "user": g.user.id}) if kept else ""
        flash("人员信息有误，未保存：请按各项下方的提示修改" + (f"；{errors['list_code']}" if "list_code" in errors else ""), "danger")
        entry = {
            "list_code": request.form.get("list_code", ""),
            "person_id": request.form.get("person_id", ""),
            "values": {k: request.form.get(k, "") for k in PERSON_FIELDS},
            "errors": errors,
            "scan_name": kept[1] if kept else "",
            "scan_token": token,
        }
        return render_page(self, kind, record, person_entry=entry), 422

    @expose("/<kind_code>/<int:pk>/person", methods=["POST"])
    @has_access
    def person(self, kind_code: str, pk: int) -> Any:
        """Add a person to a list (certificate scan required) or correct one (a new scan optional)."""
        kind, record = self._record(kind_code, pk)
        pack = pack_for(record)
        if not self._filler(kind, record) or not kind.state_flag(record.state, "editable"):
            flash(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能修改人员名单", "danger")
            return self._back(kind, record, "personnel")
        editing = bool(request.form.get("person_id"))
        person = self._person_of(record) if editing else None
        if editing and person is None:
            flash("要修改的人员不存在或不属于本企业", "danger")
            return self._back(kind, record, "personnel")
        entry, errors = read_person(pack.personnel_lists, request.form)
        scan = request.files.get("scan")
        data, name, kept = None, "", None
        if scan is not None and scan.filename:
            data, name, problem = read_pdf(scan, current_app.config["EVIDENCE_MAX_PAGES"])
            if problem:
                errors["scan"] = problem
        else:
            kept = self._carried()
            if kept is None and person is None:
                errors["scan"] = (
                    "之前选择的证书扫描件已失效，请重新选择（PDF）" if request.form.get("scan_token") else "请上传证书扫描件（PDF）"
                )
        taken = self._duplicate(record, entry, person) if not errors else None
        if taken:
            errors[taken[0]] = taken[1]
        if errors:
            return self._refused_person(kind, record, errors, data, name, kept)
        person = person or Person(enterprise_id=record.enterprise_id)
        person.list_code, person.name, person.id_number = entry.list_code, entry.name, entry.id_number
        person.role, person.certificate_no, person.certificate_valid_until = entry.role, entry.certificate_no, entry.valid_until
        if data is not None:
            person.scan_name, person.scan_hash, person.scan_size = name, digest(data), len(data)
        elif kept is not None:
            person.scan_hash, person.scan_name, person.scan_size = kept
        db.session.add(person)
        try:
            ensure_in_scope(db.session, person)  # flushes: the database checks the key here
            if data is not None:
                self._commit_with_file(data)
            else:
                db.session.commit()
        except ScopeViolation as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return self._back(kind, record, f"list-{entry.list_code}")
        except IntegrityError:  # the same person entered at the same moment, after the check above
            db.session.rollback()
            taken = self._duplicate(record, entry, self._person_of(record) if editing else None)
            errors = {taken[0]: taken[1]} if taken else {"id_number": "与已登记的人员重复"}
            return self._refused_person(kind, record, errors, data, name, kept)
        flash(f"已{'修改' if editing else '登记'}“{entry.name}”", "success")
        return self._back(kind, record, f"list-{entry.list_code}")

    @expose("/<kind_code>/<int:pk>/person/remove", methods=["POST"])
    @has_access
    def person_remove(self, kind_code: str, pk: int) -> Any:
        kind, record = self._record(kind_code, pk)
        if not self._filler(kind, record) or not kind.state_flag(record.state, "editable"):
            flash(f"当前状态为“{kind.state_labels.get(record.state, record.state)}”，不能修改人员名单", "danger")
            return self._back(kind, record, "personnel")
        person = self._person_of(record)
        if person is None:
            flash("要移出名单的人员不存在或不属于本企业", "danger")
            return self._back(kind, record, "personnel")
        name, code = person.name, person.list_code
        db.session.delete(person)
        db.session.commit()
        flash(f"已将“{name}”移出名单（已提交的考核仍保留提交时的名单）", "success")
        return self._back(kind, record, f"list-{code}")

    # -- files ----------------------------------------------------------------------------------

    @expose("/<kind_code>/<int:pk>/dossier/<content_hash>")
    @has_access
    def file(self, kind_code: str, pk: int, content_hash: str) -> Any:
        """A material or certificate scan the record shows (live or as submitted), inline or
        ?download=1; a hash the record does not show is not found."""
        kind, record = self._record(kind_code, pk)
        if content_hash not in dossier.file_hashes(db.session, pack_for(record), kind, record):
            abort(404)
        path = path_of(Path(current_app.config["EVIDENCE_DIR"]), content_hash)
        if not path.exists():
            abort(404)
        name = request.args.get("name") or "材料.pdf"
        return send_file(path, mimetype="application/pdf", as_attachment=request.args.get("download") == "1", download_name=safe_name(name))
