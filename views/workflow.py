"""The assessment page (办理): fill in scores and evidence, review item by item, take workflow steps.

Every route loads the record through the scoped data layer (404 outside the user's scope) and asks
``workflow.rules`` before changing anything; each POST is one transaction with its history rows.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, ClassVar

from flask import abort, current_app, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from criteria.pack import Kind
from grading import recompute_enterprise
from models import AppUser, Attachment, ReviewHistory, db
from models.criteria_versions import active_pack, kind_for, pack_for
from models.evidence import commit_with_file, digest, path_of, read_pdf
from models.record_scores import final_states
from views.assessment_page import dossier_context, header_rows, page_context
from views.assessments import editable
from views.base import ScopedInterface
from views.scope import ensure_in_scope
from workflow import Actor, WorkflowRefused, check, choices, dossier, item_meaning
from workflow.entries import (
    REVIEW_FIELDS,
    SCORE_FIELDS,
    assessed_score,
    is_weighted,
    places_of,
    read_form,
    results_json,
    unknown_codes,
    unknown_message,
)
from workflow.entries import preview as score_preview
from workflow.records import (
    actor_of,
    apply_transition,
    decide_item,
    evidence_of,
    facts_of,
    record_evidence_key,
)
from workflow.rules import may_review_items

CONFLICT = "该考核已被他人修改，请刷新页面后重新操作；本次提交未保存。"


def load_record(kind_code: str, pk: int) -> Any:
    """The record of that kind inside the user's scope (404 otherwise); a record of a kind the running
    pack no longer declares loads with its core row."""
    layout = current_app.extensions["assessment_layout"]
    models = layout.kinds.get(kind_code)
    record = ScopedInterface(models.assessment if models else layout.base).get(pk)
    if record is None or record.kind != kind_code:
        abort(404)
    return record


def load(kind_code: str, pk: int) -> tuple[Kind, Any]:
    """The record inside the user's scope, and its kind as the criteria version it was filed under
    defines it: the page, its scores and its steps follow that version, whatever is active now."""
    record = load_record(kind_code, pk)
    return kind_for(record), record


def in_force(record: Any) -> bool:
    """Whether the record's kind is one the running pack lists (a retired kind's records are only
    read, printed and verified)."""
    return record.kind in current_app.extensions["assessment_layout"].kinds


def page_state(
    kind: Kind, record: Any, evidence: dict[str, list[Attachment]] | None = None, live: dossier.Live | None = None
) -> dict[str, Any]:
    """What the user may do on the record now: fill, rectify, review, and the workflow steps. A record
    of a kind the running pack no longer lists (retired) is read and printed, never changed."""
    actor = actor_of(g.user, current_app.extensions["criteria_pack"])  # the roles of this platform
    facts = facts_of(db.session, kind, record, pack_for(record), evidence, live)
    active = in_force(record)
    can_fill = active and editable(kind, record.state) and kind.filled_by in actor.roles
    can_rectify = active and kind.state_flag(record.state, "rectification") and kind.filled_by in actor.roles
    steps = choices(kind, actor, facts) if active else []
    return {
        "actor": actor,
        "facts": facts,
        "can_fill": can_fill,
        "can_rectify": can_rectify,
        "can_review": active and may_review_items(kind, actor, facts),
        "choices": steps,
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
        **page_context(pack, kind, record, evidence),
        **dossier_context(db.session, pack, kind, record, state["actor"], live),
        **state,
        **{"person_entry": None, **extra},
    )


class AssessmentWorkflowView(BaseView):
    route_base = "/assessment"
    class_permission_name = "AssessmentWorkflow"
    method_permission_name: ClassVar[dict[str, str]] = {
        name: "access" for name in ("page", "scores", "preview", "review", "transition", "upload", "file", "remove")
    }
    template = "assessment.html"

    # -- reading --------------------------------------------------------------------------------

    def _state(self, kind: Kind, record: Any) -> dict[str, Any]:
        return page_state(kind, record)

    def _render(self, kind: Kind, record: Any, errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> Any:
        return render_page(self, kind, record, errors, values)

    @expose("/<kind_code>/<int:pk>")
    @has_access
    def page(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        return self._render(kind, record)

    # -- writing --------------------------------------------------------------------------------

    def _back(self, kind: Kind, record: Any) -> Any:
        return redirect(url_for(".page", kind_code=kind.code, pk=record.id))

    def _stale(self, record: Any) -> bool:
        return request.form.get("lock_version", "") != str(record.lock_version)

    def _commit(self, kind: Kind, record: Any, message: str) -> Any:
        """Commit the step; the record's version moves even when only its item rows changed."""
        record.changed_on = datetime.datetime.now()
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            flash(CONFLICT, "danger")
            return self._back(kind, record)
        flash(message, "success")
        return self._back(kind, record)

    @expose("/<kind_code>/<int:pk>/scores", methods=["POST"])
    @has_access
    def scores(self, kind_code: str, pk: int) -> Any:
        """The filler saves self scores (or, for weighted categories, sub-table results) and 不涉及 marks;
        any error keeps the input and saves nothing."""
        kind, record = load(kind_code, pk)
        if not self._state(kind, record)["can_fill"]:
            flash(f"当前状态为“{kind.state_labels.get(record.state)}”，不能修改得分", "danger")
            return self._back(kind, record)
        if self._stale(record):
            flash(CONFLICT, "danger")
            return self._back(kind, record)
        unknown = unknown_codes(kind, request.form, SCORE_FIELDS)
        if unknown:
            flash(unknown_message(kind, unknown), "danger")
            return self._render(kind, record, values=dict(request.form))
        entries, errors = read_form(kind, request.form)
        if errors:
            flash("有得分填写有误，未保存，请按提示修改。", "danger")
            return self._render(kind, record, errors, dict(request.form))
        for item in kind.items:
            row = next(r for r in record.items if r.item_code == item.code)
            entry = entries[item.code]
            row.not_applicable = entry.not_applicable
            if is_weighted(kind):
                row.results = results_json(entry)
            else:
                row.self_score = entry.score
        return self._commit(kind, record, "得分已保存（草稿）")

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
        """A reviewer's decisions: ✓ takes the self score, ✗ needs an assessed score and an opinion."""
        kind, record = load(kind_code, pk)
        state = self._state(kind, record)
        if not state["can_review"]:
            flash("您不能审核此记录", "danger")
            return self._back(kind, record)
        if self._stale(record):
            flash(CONFLICT, "danger")
            return self._back(kind, record)
        unknown = unknown_codes(kind, request.form, REVIEW_FIELDS)
        if unknown:
            flash(unknown_message(kind, unknown), "danger")
            return self._render(kind, record, values=dict(request.form))
        errors: dict[str, str] = {}
        decisions = []
        for item in kind.items:
            row = next(r for r in record.items if r.item_code == item.code)
            decision = request.form.get(f"decision_{item.code}", "")
            if row.not_applicable or not decision:
                continue
            if decision not in ("pass", "reject"):
                errors[item.code] = f"“{item.name}”的审核结论应为“通过”或“不通过”"
                continue
            opinion = request.form.get(f"opinion_{item.code}", "").strip()
            assessed = None
            if decision == "reject" and is_weighted(kind):  # the filler corrects the sub-table results
                if not opinion:
                    errors[item.code] = f"“{item.name}”不通过时须填写审核意见"
                    continue
            elif decision == "reject":
                assessed, problem = assessed_score(item, request.form.get(f"assessed_{item.code}", ""), places_of(kind))
                if problem:
                    errors[item.code] = problem
                    continue
                if not opinion:
                    errors[item.code] = f"“{item.name}”不通过时须填写审核意见"
                    continue
            decisions.append((row, decision == "pass", assessed, opinion))
        if errors:
            flash("有审核项填写不完整，未保存。", "danger")
            return self._render(kind, record, errors, dict(request.form))
        for row, passed, assessed, opinion in decisions:
            decide_item(db.session, kind, record, row, state["actor"], passed, assessed, opinion)
        return self._commit(kind, record, f"已保存 {len(decisions)} 项审核结果")

    @expose("/<kind_code>/<int:pk>/transition", methods=["POST"])
    @has_access
    def transition(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        if self._stale(record):
            flash(CONFLICT, "danger")
            return self._back(kind, record)
        if not in_force(record):
            flash(f"{kind.short_name}已停用：其记录只能查看、打印和验证，不能再办理", "danger")
            return self._back(kind, record)
        pack = pack_for(record)
        actor: Actor = actor_of(g.user, current_app.extensions["criteria_pack"])  # the roles of this platform
        opinion = request.form.get("opinion", "").strip()
        rating = request.form.get("rating", "").strip() or None
        try:
            step = check(
                kind, request.form.get("code", ""), actor, facts_of(db.session, kind, record, pack), opinion, rating, pack.band_labels(kind)
            )
        except WorkflowRefused as refused:
            flash(str(refused), "danger")
            return self._render(kind, record, values=dict(request.form))
        try:
            apply_transition(db.session, pack, kind, record, step, actor, opinion, rating)
            if record.state in final_states(kind):  # the grades it feeds change in the same transaction
                recompute_enterprise(db.session, active_pack(), current_app.extensions["kind_models"], record.enterprise, record.period)
            return self._commit(kind, record, f"已{step['label']}，状态：{kind.state_labels[record.state]}")
        except (StaleDataError, IntegrityError):  # another reviewer's step (or its grades) landed first
            db.session.rollback()
            flash(CONFLICT, "danger")
            return redirect(url_for(".page", kind_code=kind.code, pk=pk))

    # -- evidence -------------------------------------------------------------------------------

    def _evidence_dir(self) -> Path:
        return Path(current_app.config["EVIDENCE_DIR"])

    @expose("/<kind_code>/<int:pk>/evidence", methods=["POST"])
    @has_access
    def upload(self, kind_code: str, pk: int) -> Any:
        kind, record = load(kind_code, pk)
        if not self._state(kind, record)["can_fill"]:
            flash("当前状态不能上传证明材料", "danger")
            return self._back(kind, record)
        item_code = request.form.get("item_code", "")
        allowed = {i.code for i in kind.items} | {record_evidence_key(e.code) for e in kind.record_evidence}
        if item_code and item_code not in allowed:
            flash(f"上传位置“{item_code[:60]}”不属于本考核的考核项目或材料，未上传", "danger")
            return self._render(kind, record), 400
        data, name, problem = read_pdf(request.files.get("file"), current_app.config["EVIDENCE_MAX_PAGES"])
        if problem:
            flash(problem, "danger")
            return self._back(kind, record)
        attachment = Attachment(
            assessment_id=record.id,
            item_code=item_code or None,
            file_name=name,
            content_hash=digest(data),
            size=len(data),
            media_type="application/pdf",
        )
        db.session.add(attachment)
        ensure_in_scope(db.session, attachment)
        commit_with_file(db.session, self._evidence_dir(), data)
        flash(f"已上传“{name}”", "success")
        return self._back(kind, record)

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
        path = path_of(self._evidence_dir(), attachment.content_hash)
        if not path.exists():
            abort(404)
        return send_file(
            path, mimetype="application/pdf", as_attachment=request.args.get("download") == "1", download_name=attachment.file_name
        )

    @expose("/file/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def remove(self, attachment_id: int) -> Any:
        kind, record, attachment = self._attachment(attachment_id)
        if not self._state(kind, record)["can_fill"]:
            flash("当前状态不能删除证明材料", "danger")
            return self._back(kind, record)
        name = attachment.file_name
        db.session.delete(attachment)
        db.session.commit()
        flash(f"已删除“{name}”", "success")
        return self._back(kind, record)
