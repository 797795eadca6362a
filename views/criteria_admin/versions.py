"""The stored criteria versions of a pack (the running one, or another city's with ``?pack=``): a
paginated list, one version's files, the difference between any two (criteria.diff), and restoring an
earlier version."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from criteria.diff import diff_packs
from criteria.problems_zh import problem_zh
from models import CriteriaVersion, assessment_table, db
from models.criteria_edits import EditRefused
from models.criteria_versions import VersionUnloadable
from services.guide_revision import restore
from views.criteria_admin.access import AdminOnly, EditorForm
from views.criteria_admin.files import flash_saved, shown_pack_code

PAGE_SIZE = 20


class RestoreForm(EditorForm):
    confirm = BooleanField("我已核对差异，确认以该版本的内容记录一个新版本", validators=[DataRequired(message="请勾选确认后再恢复")])
    note = StringField("变更说明", render_kw={"maxlength": 500})


class CompareForm(EditorForm):
    pass


def assessment_counts() -> dict[int, int]:
    """How many assessments of any kind each version has."""
    table = assessment_table
    return dict(db.session.execute(select(table.c.criteria_version_id, func.count()).group_by(table.c.criteria_version_id)).all())


class VersionsView(AdminOnly, BaseView):
    def _code(self) -> str:
        return shown_pack_code()

    def render(self, template: str, **kwargs: Any) -> Any:
        """Every page keeps to the pack shown: ``pack`` for its links (None for the running one)."""
        code = self._code()
        return super().render(template, pack=None if code == current_app.extensions["criteria_pack"].code else code, **kwargs)

    def _version(self, version_id: int) -> CriteriaVersion:
        found = db.session.get(CriteriaVersion, version_id, options=[undefer(CriteriaVersion.files)])
        if found is None or found.pack_code != self._code():
            abort(404)
        return found

    def _pack(self, version: CriteriaVersion) -> Any:
        return current_app.extensions["criteria_versions"].pack(db.session, version.id)

    @expose("/")
    def index(self) -> Any:
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        query = select(CriteriaVersion).where(CriteriaVersion.pack_code == self._code())
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = db.session.scalars(
            query.options(selectinload(CriteriaVersion.created_by))  # the authors with the page
            .order_by(CriteriaVersion.number.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        versions = current_app.extensions["criteria_versions"]
        runs = self._code() == versions.running.code
        return self.render(
            "criteria_admin/versions.html",
            rows=rows,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            total=total,
            counts=assessment_counts(),
            active=versions.active(db.session) if runs else None,
            running_id=versions.running_id(db.session) if runs else None,
        )

    @expose("/<int:version_id>")
    def show(self, version_id: int) -> Any:
        version = self._version(version_id)
        previous = db.session.scalar(
            select(CriteriaVersion.id)
            .where(CriteriaVersion.pack_code == version.pack_code, CriteriaVersion.number < version.number)
            .order_by(CriteriaVersion.number.desc())
            .limit(1)
        )
        return self.render(
            "criteria_admin/version.html",
            version=version,
            previous=previous,
            form=RestoreForm(),
            count=assessment_counts().get(version.id, 0),
        )

    @expose("/diff")
    def diff(self) -> Any:
        versions = db.session.scalars(
            select(CriteriaVersion).where(CriteriaVersion.pack_code == self._code()).order_by(CriteriaVersion.number.desc())
        ).all()
        if not versions:
            abort(404)
        by_id = {v.id: v for v in versions}
        newer = by_id.get(request.args.get("to", type=int)) or versions[0]
        older_default = next((v for v in versions if v.number < newer.number), newer)
        older = by_id.get(request.args.get("from", type=int)) or older_default
        try:
            result = diff_packs(self._pack(older), self._pack(newer), f"第{older.number}版", f"第{newer.number}版")
        except VersionUnloadable as error:  # a version stored by an older release that today's checks refuse
            flash(f"所选版本无法按当前程序的校验规则载入，只能查看其文件：{problem_zh(error.problems[0])}", "error")
            return redirect(self.get_url(".index", pack=request.args.get("pack")))
        return self.render("criteria_admin/diff.html", versions=versions, older=older, newer=newer, result=result)

    @expose("/<int:version_id>/restore", methods=("POST",))
    def restore(self, version_id: int) -> Any:
        version = self._version(version_id)
        form = RestoreForm()
        back = self.get_url(".show", version_id=version.id, pack=request.args.get("pack"))
        if not form.validate_on_submit():
            for field_errors in form.errors.values():
                for message in field_errors:
                    flash(f"未恢复：{message}", "error")
            return redirect(back)
        try:
            saved = restore(version, form.note.data or "", current_user.id)
        except EditRefused as refused:
            flash(refused.summary, "error")
            for line in refused.problems:
                flash(line, "error")
            return redirect(back)
        flash_saved(saved, f"已恢复为第 {version.number} 版的内容，记录为第 {saved.version.number} 版（修改了 {'、'.join(saved.files)}）。")
        return redirect(self.get_url(".index", pack=request.args.get("pack")))
