"""The assessment page (办理): fill in scores and evidence, review item by item, take workflow steps.

Every route loads the record through the scoped data layer (404 outside the user's scope); each POST
hands what was posted to one service of ``services/`` (which decides, writes in one transaction, or
refuses with a typed error) and shows its answer. The REST door (``views/workflow_api.py``) calls
the same services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from criteria.pack import Kind
from models import AppUser, Attachment, ReviewHistory, db
from models.assessments import class_name
from models.criteria_versions import pack_for
from services.assessment_work import permissions
from services.errors import Invalid, ServiceError
from services.evidence import delete_evidence, upload_evidence
from services.record_veto import record_veto, withdraw_veto
from services.review_items import review_items
from services.save_entries import save_entries
from services.take_transition import take_transition
from views.assessment_access import load, work_of
from views.assessment_page import dossier_context, header_rows, page_context
from views.scoped_data import ScopedInterface
from views.stored_files import evidence, send_evidence
from workflow import dossier, item_meaning
from workflow.entries import SCORE_FIELDS, read_form, unknown_codes, unknown_message
from workflow.entries import preview as score_preview
from workflow.records import RECORD_EVIDENCE, evidence_of


def page_state(
    kind: Kind, record: Any, evidence: dict[str, list[Attachment]] | None = None, live: dossier.Live | None = None
) -> dict[str, Any]:
    """What the user may do on the record now: fill, rectify, review, and the workflow steps. A record
    of a kind the running pack no longer lists (retired) is read and printed, never changed."""
    work = work_of(kind, record)
    allowed = permissions(work, evidence, live)
    return {
        "actor": work.actor,
        "facts": allowed.facts,
        "can_fill": allowed.can_fill,
        "can_rectify": allowed.can_rectify,
        "can_review": allowed.can_review,
        "can_veto": allowed.can_veto,
        "choices": allowed.choices,
    }


def render_page(
    view: BaseView, kind: Kind, record: Any, errors: dict[str, str] | None = None, values: dict[str, str] | None = None, **extra: Any
) -> Any:
    """The 办理 page (also after a refused entry, with what was typed); each table it shows is read
    once (evidence, materials and people, history)."""
    pack = pack_for(record)
    evidence = evidence_of(db.session, kind, record)
    live = dossier.live(db.session, pack, record) if pack.dossier_kind(kind) is not None else None
    state = page_state(kind, record, evidence, live)
    rows = {row.item_code: row for row in record.items}
    history = db.session.query(ReviewHistory).filter_by(assessment_id=record.id).order_by(ReviewHistory.created_on, ReviewHistory.id).all()
    users = {u.id: u for u in db.session.query(AppUser).filter(AppUser.id.in_({h.user_id for h in history}))}
    return view.render_template(
        AssessmentWorkflowView.template,
        kind=kind,
        record=record,
        rows=rows,
        evidence=evidence,
        history=history,
        users=users,
        errors=errors or {},
        values=values or {},
        statuses=kind.item_status_labels,
        states=kind.state_labels,
        meaning=lambda s: item_meaning(kind, s),
        headers=header_rows(db.session, pack, kind, record),
        returned=_return_step(kind, record, history),
        autosave_ms=current_app.config["AUTOSAVE_DELAY_MS"],
        list_url=_list_url(kind),
        **page_context(pack, kind, record, evidence),
        **dossier_context(db.session, pack, kind, record, state["actor"], live),
        **state,
        **{"person_entry": None, **extra},
    )


def _list_url(kind: Kind) -> str | None:
    """The kind's list (the page's way back), when the running pack still lists the kind."""
    endpoint = f"{class_name(kind.code)}AssessmentView.list"
    return url_for(endpoint) if endpoint in current_app.view_functions else None


def _return_step(kind: Kind, record: Any, history: list[ReviewHistory]) -> ReviewHistory | None:
    """The step that sent the record back to its filler, while it is back (shown at the top of the
    page with its opinion): the latest step into the record's state, when that state is editable and
    not the initial draft."""
    if record.state == kind.workflow.initial or not kind.state_flag(record.state, "editable"):
        return None
    return next((h for h in reversed(history) if h.item_code is None and h.to_state == record.state), None)


class AssessmentWorkflowView(BaseView):
    route_base = "/assessment"
    class_permission_name = "AssessmentWorkflow"
    method_permission_name: ClassVar[dict[str, str]] = {
        name: "access"
        for name in ("page", "scores", "preview", "review", "transition", "upload", "file", "remove", "veto", "withdraw_veto")
    }
    template = "assessment.html"

    # -- reading --------------------------------------------------------------------------------

    def _render(self, kind: Kind, record: Any, errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> Any:
        return render_page(self, kind, record, errors, values)

    @expose("/<kind_code>/<int:pk>")
    @has_access
    def page(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        return self._render(kind, record)

    # -- writing: each POST asks one service and shows its answer -------------------------------

    def _back(self, kind: Kind, record: Any, anchor: str = "") -> Any:
        return redirect(url_for(".page", kind_code=kind.code, pk=record.id) + (f"#{anchor}" if anchor else ""))

    def _act(self, kind: Kind, record: Any, action: Callable[[], str], refused_status: int = 200, anchor: str = "") -> Any:
        """Run the service; a refusal is flashed, and wrong input keeps what was typed on the page.
        ``anchor``: the part of the page to come back to (the row a file was uploaded in)."""
        try:
            message = action()
        except Invalid as problem:
            db.session.rollback()  # the page shows what is stored, and in its fields what was typed
            flash(problem.message, "danger")
            return self._render(kind, record, problem.errors, dict(request.form)), refused_status
        except ServiceError as problem:
            flash(problem.message, "danger")
            return self._back(kind, record)
        flash(message, "success")
        return self._back(kind, record, anchor)

    @expose("/<kind_code>/<int:pk>/scores", methods=["POST"])
    @has_access
    def scores(self, kind_code: str, pk: int) -> Any:
        """The filler saves self scores (or, for weighted categories, sub-table results) and 不涉及 marks;
        any error keeps the input and saves nothing."""
        kind, record = load(kind_code, pk)
        form = request.form
        return self._act(kind, record, lambda: save_entries(work_of(kind, record), form, form.get("lock_version")))

    @expose("/<kind_code>/<int:pk>/preview", methods=["POST"])
    @has_access
    def preview(self, kind_code: str, pk: int) -> Any:
        """The total, grade and reasons of the values in the fill-in table, as the scorer sees them
        (JSON, for the live result next to the table; nothing is saved)."""
        kind, record = load(kind_code, pk)  # the same scope as the page
        unknown = unknown_codes(kind, request.form, SCORE_FIELDS)
        if unknown:
            return jsonify(ok=False, message=unknown_message(kind, unknown)), 422
        entries, errors = read_form(kind, request.form)
        if errors:
            return jsonify(ok=False, message="；".join(errors.values()), errors=errors), 422
        result = score_preview(pack_for(record), kind, entries)
        return jsonify(result), 200 if result["ok"] else 422

    @expose("/<kind_code>/<int:pk>/review", methods=["POST"])
    @has_access
    def review(self, kind_code: str, pk: int) -> Any:
        """A reviewer's decisions on items: √ or × (the reviewer's own score), then 通过 or 驳回."""
        kind, record = load(kind_code, pk)
        form = request.form
        return self._act(kind, record, lambda: review_items(work_of(kind, record), form, form.get("lock_version")))

    @expose("/<kind_code>/<int:pk>/transition", methods=["POST"])
    @has_access
    def transition(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        form = request.form

        def step() -> str:
            work = work_of(kind, record)
            code, opinion = form.get("code", ""), form.get("opinion", "")
            return take_transition(work, code, opinion, form.get("rating"), form.get("lock_version"), table=form)

        return self._act(kind, record, step)

    @expose("/<kind_code>/<int:pk>/veto", methods=["POST"])
    @has_access
    def veto(self, kind_code: str, pk: int) -> Any:
        """The reviewer records one of the kind's vetoes, with an opinion and an evidence PDF."""
        kind, record = load(kind_code, pk)
        form, config = request.form, current_app.config

        def store() -> str:
            code, opinion, upload = form.get("veto_code", ""), form.get("veto_opinion", ""), request.files.get("file")
            pages = config["EVIDENCE_MAX_PAGES"]
            return record_veto(work_of(kind, record), code, opinion, upload, evidence(), pages, form.get("lock_version"))

        return self._act(kind, record, store, refused_status=400, anchor="vetoes")

    @expose("/<kind_code>/<int:pk>/veto/<int:veto_id>/withdraw", methods=["POST"])
    @has_access
    def withdraw_veto(self, kind_code: str, pk: int, veto_id: int) -> Any:
        kind, record = load(kind_code, pk)
        opinion, lock_version = request.form.get("withdraw_opinion", ""), request.form.get("lock_version")
        return self._act(kind, record, lambda: withdraw_veto(work_of(kind, record), veto_id, opinion, lock_version), anchor="vetoes")

    # -- evidence -------------------------------------------------------------------------------

    @expose("/<kind_code>/<int:pk>/evidence", methods=["POST"])
    @has_access
    def upload(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        config, where = current_app.config, request.form.get("item_code", "")

        def store() -> str:  # the page's script adds the fill-in table as typed to the upload's form
            posted = request.files.get("file")
            work = work_of(kind, record)
            return upload_evidence(work, where, posted, evidence(), config["EVIDENCE_MAX_PAGES"], table=request.form)

        row = f"record-evidence-{where.removeprefix(RECORD_EVIDENCE)}" if where.startswith(RECORD_EVIDENCE) else f"item-{where}"
        return self._act(kind, record, store, refused_status=400, anchor=row if where else "")

    def _attachment(self, attachment_id: int) -> tuple[Kind, Any, Attachment]:
        attachment = ScopedInterface(Attachment).get(attachment_id)
        if attachment is None:
            abort(404)
        kind, record = load(attachment.assessment.kind, attachment.assessment_id)
        return kind, record, attachment

    @expose("/file/<int:attachment_id>")
    @has_access
    def file(self, attachment_id: int) -> Any:
        """Inline preview (download with ?download=1), only inside the user's scope."""
        _, _, attachment = self._attachment(attachment_id)
        return send_evidence(attachment.content_hash, attachment.file_name, request.args.get("download") == "1")

    @expose("/file/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def remove(self, attachment_id: int) -> Any:
        kind, record, attachment = self._attachment(attachment_id)
        return self._act(kind, record, lambda: f"已删除“{delete_evidence(work_of(kind, record), attachment)}”")
