"""The packs the database holds, one per city: the running one and any other city's, each downloadable
whole as a folder (zip) for a deployment; a new city's pack started from an existing one
(``services.guide_revision.start_pack``), all in the browser, no server files touched."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Response, abort, current_app, flash, redirect
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy.orm import undefer
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from models import CriteriaVersion, db
from models.criteria_edits import EditRefused
from models.criteria_versions import VersionUnloadable, latest
from services.guide_revision import pack_codes, start_pack
from views.criteria_admin.access import AdminOnly, EditorForm


class StartForm(EditorForm):
    base = SelectField("基于", description="新的考核标准从它的当前版本复制全部文件，以后它的修改不影响新的考核标准")
    code = StringField(
        "考核标准代码",
        validators=[DataRequired(message="请填写考核标准代码"), Length(max=40, message="考核标准代码最多 40 个字符")],
        description="小写字母、数字和下划线，以字母开头（如 yantai）；部署时作为考核标准目录名",
        render_kw={"maxlength": 40, "autocomplete": "off"},
    )
    name = StringField("考核标准名称", validators=[DataRequired(message="请填写考核标准名称")], render_kw={"maxlength": 200})
    region = StringField("适用地区", validators=[DataRequired(message="请填写适用地区")], render_kw={"maxlength": 100})
    note = StringField(
        "变更说明", validators=[DataRequired(message="请填写变更说明")], description="依据什么文件新建", render_kw={"maxlength": 500}
    )


def _newest(code: str) -> CriteriaVersion:
    found = latest(db.session, code)
    if found is None:
        abort(404)
    return db.session.get(CriteriaVersion, found.id, options=[undefer(CriteriaVersion.files)])


class PacksView(AdminOnly, BaseView):
    def _rows(self) -> list[dict[str, Any]]:
        versions = current_app.extensions["criteria_versions"]
        rows = []
        for code in pack_codes():
            version = latest(db.session, code)
            try:
                pack = versions.pack(db.session, version.id)
            except VersionUnloadable:
                pack = None
            rows.append({"code": code, "version": version, "pack": pack})
        return rows

    @expose("/", methods=("GET",))
    def index(self) -> Any:
        return self._page(self._form())

    def _form(self) -> StartForm:
        form = StartForm()
        form.base.choices = [(code, code) for code in pack_codes()]
        return form

    def _page(self, form: StartForm, problems: list[str] | None = None) -> Any:
        rows = self._rows()
        names = {row["code"]: f"{row['pack'].name}（{row['code']}）" for row in rows if row["pack"] is not None}
        form.base.choices = [(code, names.get(code, code)) for code, _label in form.base.choices]
        running = current_app.extensions["criteria_pack"].code
        return self.render("criteria_admin/packs.html", rows=rows, form=form, running=running, problems=problems or [])

    @expose("/start", methods=("POST",))
    def start(self) -> Any:
        form = self._form()
        if not form.validate_on_submit():
            return self._page(form, [message for errors in form.errors.values() for message in errors])
        try:
            saved = start_pack(form.code.data, form.name.data, form.region.data, form.base.data, form.note.data, current_user.id)
        except EditRefused as refused:  # the page lists the reasons above the form
            return self._page(form, refused.problems)
        flash(f"已新建考核标准“{saved.pack.name}”（{saved.pack.code}），基于 {form.base.data} 的当前版本，记录为其第 1 版。", "success")
        return redirect(self.get_url("criteria_files.index_view", pack=saved.pack.code))

    @expose("/download/<code>")
    def download(self, code: str) -> Any:
        if code not in pack_codes():
            abort(404)
        version = _newest(code)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in sorted(version.files.items()):
                archive.writestr(f"{code}/{name}", text)
        return Response(
            buffer.getvalue(),
            mimetype="application/zip",
            headers={"Content-Disposition": f"attachment; filename={code}-v{version.number}.zip"},
        )
