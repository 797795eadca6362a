"""考核年度 (考核评价): the city station opens, recomputes (after a preview), closes and publishes the
assessment periods (``services/periods.py`` checks and writes)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from jobs.start import start_recompute
from services import periods
from services.errors import Invalid


class PeriodsView(BaseView):
    route_base = "/periods"
    default_view = "index"

    def _back(self) -> Any:
        return redirect(url_for("PeriodsView.index"))

    def _run(self, step: Any, done: str) -> Any:
        try:
            result = step()
        except Invalid as problem:
            flash(problem.message, "danger")
        else:
            flash(done.format(result=result), "success")
        return self._back()

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template("periods.html", rows=periods.periods())

    @expose("/open", methods=["POST"])
    @has_access
    def open(self) -> Any:
        return self._run(lambda: periods.open_period(request.form.get("period", "")), "已开启 {result} 年度。")

    @expose("/<period>/close", methods=["POST"])
    @has_access
    def close(self, period: str) -> Any:
        return self._run(lambda: periods.close(period, current_user.id), f"{period} 年度已关闭，{{result}} 项最终等次已冻结。")

    @expose("/<period>/reopen", methods=["POST"])
    @has_access
    def reopen(self, period: str) -> Any:
        return self._run(lambda: periods.reopen(period), f"{period} 年度已重新开启，最终等次随审核和调整重新计算。")

    @expose("/<period>/publish", methods=["POST"])
    @has_access
    def publish(self, period: str) -> Any:
        return self._run(lambda: periods.publish(period, current_user.id), f"{period} 年度的最终等次已发布。")

    @expose("/<period>/recompute", methods=["GET", "POST"])
    @has_access
    def recompute(self, period: str) -> Any:
        """GET: every grade whose label or score would change; POST: apply exactly those."""
        if request.method == "POST":  # a job: at province scale a recompute outlasts a request
            try:
                job = start_recompute(current_user.id, period, request.form.get("shown", ""))
            except Invalid as problem:
                flash(problem.message, "danger")
                return self._back()
            flash(f"已开始“{job.title}”，完成后最终等次随即更新；进度见本页。", "success")
            return redirect(url_for("JobsView.index", job=job.id))
        try:
            periods.checked_period(period)
        except Invalid as problem:
            flash(problem.message, "danger")
            return self._back()
        lines = periods.planned(period)
        return self.render_template("periods_recompute.html", period=period, lines=lines, shown=periods.fingerprint(lines))
