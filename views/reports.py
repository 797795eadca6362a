"""Printed forms: the filled or blank PDF of an assessment, and the public verification page."""

from __future__ import annotations

import io
from typing import Any, ClassVar

from flask import current_app, request, send_file
from flask_appbuilder import BaseView, expose, has_access

from models import FormVerification, db
from models.criteria_versions import kind_for, pack_for
from reports.values import total_text
from services.form_signing import configured_signer
from services.render_form import file_name, render_record, settled
from services.verify_copy import COPY_LIMIT, check_copy
from views.assessment_access import load


class ReportView(BaseView):
    """Filled and blank forms; reachable exactly where the record's 办理 page is."""

    route_base = "/report"
    class_permission_name = "AssessmentWorkflow"
    method_permission_name: ClassVar[dict[str, str]] = {"form": "access"}

    @expose("/<kind_code>/<int:pk>.pdf")
    @has_access
    def form(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        blank = request.args.get("blank") == "1"
        config, running = current_app.config, current_app.extensions["criteria_pack"]
        pdf = render_record(
            db.session, pack_for(record), kind, record, blank, config["PUBLIC_BASE_URL"], configured_signer(config), running
        )
        return send_file(
            io.BytesIO(pdf),
            mimetype="application/pdf",
            as_attachment=request.args.get("download") == "1",
            download_name=file_name(kind, record, blank),
        )


class VerifyView(BaseView):
    """Public: says whether a printed form is genuine, its current result, and whether an uploaded
    copy carries the platform's intact signature and agrees with the record; nothing more."""

    route_base = "/verify"
    default_view = "show"

    @expose("/<code>", methods=["GET", "POST"])
    def show(self, code: str) -> Any:
        found = db.session.query(FormVerification).filter_by(code=code.strip().upper()).one_or_none()
        # Whatever the running pack lists: a retired kind's record loads with its core row.
        record = db.session.get(current_app.extensions["assessment_layout"].base, found.assessment_id) if found else None
        if record is None:
            return self.render_template("verify.html", found=None, code=code), 404
        kind = kind_for(record)
        copy = None
        if request.method == "POST":
            upload = request.files.get("copy")
            data = upload.read(COPY_LIMIT + 1) if upload is not None and upload.filename else None
            copy = check_copy(data, configured_signer(current_app.config), kind, record, found.code)
        return self.render_template(
            "verify.html",
            found=found,
            code=found.code,
            kind=kind,
            record=record,
            state=kind.state_labels.get(record.state, record.state),
            settled=settled(kind, record),
            total=total_text(record.total),
            copy=copy,
        )
