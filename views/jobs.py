"""任务: the background jobs the user started (print a period's forms into one ZIP, import a registry
file; a period's recompute starts from 考核年度), their progress while they run and their result."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import func, select

from jobs.start import start_import, start_print
from models import District, Job, db
from models.jobs import DONE
from services import periods
from services.errors import Invalid
from storage import job_store
from views.list_export import EXPORT_TYPES
from views.permissions import may_import_registry
from views.scope import current_scope, job_clause
from views.stored_files import send_stored

PAGE_SIZE = 20
MENU = "任务"


def _visible(query: Any) -> Any:
    clause = job_clause()
    return query if clause is None else query.where(clause)


def _job(job_id: int) -> Job:
    """The job, when the user sees it; 404 otherwise (the same answer as for a job that does not exist)."""
    job = db.session.scalar(_visible(select(Job).where(Job.id == job_id)))
    if job is None:
        abort(404)
    return job


def result_label(job: Job) -> str:
    """下载 ZIP（3.4 MB）: what the button gives, and how large it is."""
    kind = (job.result_name or "").rpartition(".")[2].upper()
    size = job.result_size or 0
    shown = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"
    return f"下载 {kind}（{shown}）"


def status(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state,
        "state_label": job.state_label,
        "percent": job.percent,
        "done": job.done,
        "total": job.total,
        "current": job.current,
        "message": job.message,
        "result": url_for("JobsView.result", job_id=job.id) if job.state == DONE and job.result_key else None,
        "result_name": job.result_name,
        "result_label": result_label(job),
        "finished": job.finished_on.strftime("%Y-%m-%d %H:%M:%S") if job.finished_on else "—",
    }


class JobsView(BaseView):
    route_base = "/jobs"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        page = max(1, request.args.get("page", 1, type=int))
        count = db.session.scalar(_visible(select(func.count(Job.id))))
        rows = db.session.scalars(_visible(select(Job)).order_by(Job.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        shown = request.args.get("job", type=int)
        started = next((job for job in rows if job.id == shown and job.kind == "print_forms"), None)
        return self.render_template(
            "jobs.html",
            rows=rows,
            page=page,
            pages=max(1, -(-count // PAGE_SIZE)),
            count=count,
            kinds=self._kinds(),
            districts=self._districts(),
            periods=[row.period for row in periods.periods()],
            may_import=may_import_registry(g.user, current_app.extensions["criteria_pack"]),
            shown=shown,
            chosen=started.params if started else {},  # the choices just made stay chosen
            result_label=result_label,
        )

    def _kinds(self) -> list[Any]:
        reached = current_scope().kinds
        return [kind for code, kind in current_app.extensions["criteria_pack"].kinds.items() if reached is None or code in reached]

    def _districts(self) -> list[District]:
        scope = current_scope()
        query = select(District).order_by(District.id)
        if scope.kind == "district":
            query = query.where(District.id.in_(scope.district_ids))
        return list(db.session.scalars(query))

    def _started(self, begin: Any) -> Any:
        try:
            job = begin()
        except Invalid as problem:
            db.session.rollback()
            flash(problem.message, "danger")
            return redirect(url_for("JobsView.index"))
        flash(f"已开始“{job.title}”，可在下表查看进度，完成后下载结果。", "success")
        return redirect(url_for("JobsView.index", job=job.id))

    @expose("/print", methods=["POST"])
    @has_access
    def print_forms(self) -> Any:
        form = request.form
        return self._started(
            lambda: start_print(current_scope(), g.user.id, form.get("kind", ""), form.get("period", ""), form.get("district", ""))
        )

    @expose("/import", methods=["POST"])
    @has_access
    def import_registry(self) -> Any:
        if not may_import_registry(g.user, current_app.extensions["criteria_pack"]):
            abort(403)
        return self._started(lambda: start_import(g.user.id, request.files.get("file")))

    @expose("/<int:job_id>/status")
    @has_access
    def job_status(self, job_id: int) -> Any:
        return jsonify(status(_job(job_id)))

    @expose("/<int:job_id>/result")
    @has_access
    def result(self, job_id: int) -> Any:
        job = _job(job_id)
        if job.state != DONE or not job.result_key:
            abort(404)
        media = {"zip": "application/zip", **EXPORT_TYPES}.get(job.result_key.rpartition(".")[2], "application/octet-stream")
        return send_stored(job_store(current_app.config), job.result_key, job.result_name or "结果", media, True)
