"""The files of the newest version of a pack (the running one, or another city's with ``?pack=``), as
the database holds them: listed, downloaded and edited. A save validates the whole pack and stores it
as the next version (``services.guide_revision``); nothing is written to the server's pack folder."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, abort, current_app, flash, redirect, request
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy.orm import undefer
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired

from criteria.json_schema import file_schema, role_of
from models import CriteriaVersion, db
from models.criteria_edits import EditRefused, text_hash
from models.criteria_versions import latest
from services.guide_revision import Revision, pack_codes, save_files
from views.criteria_admin.access import AdminOnly, EditorForm


class EditForm(EditorForm):
    content = TextAreaField(
        "文件内容",
        validators=[DataRequired(message="文件内容不能为空")],
        render_kw={"rows": 30, "spellcheck": "false", "style": "font-family: monospace"},
    )
    note = StringField(
        "变更说明",
        validators=[DataRequired(message="请填写变更说明")],
        description="为什么修改、依据什么文件；记入考核标准版本记录",
        render_kw={"maxlength": 500},
    )
    base = HiddenField()  # the hash of the text the form showed
    base_number = HiddenField()  # the number of the version the form was opened on


def after_save_lines(saved: Revision) -> list[str]:
    """What the admin is told after a save besides its number: the tables and columns created, and
    when the screens follow."""
    lines = [f"已为新版本创建数据库结构：{line}" for line in saved.schema]
    if saved.structural:
        lines.append("本次修改改变了考核类别、表头字段、角色、辖区或流程：各工作进程将在几秒内自动重新载入，无需重启平台。")
    return lines


def flash_saved(saved: Revision, text: str) -> None:
    flash(text, "success")
    for line in after_save_lines(saved):
        flash(line, "info")
    reload_now = current_app.extensions.get("reload_now")
    if saved.structural and reload_now is not None:
        reload_now()  # this process at once; the others within seconds


def shown_pack_code() -> str:
    """The pack a page of the editor shows: ``?pack=`` (one the database holds, else 404) or the
    running one."""
    key = "platform.shown_pack_code"  # asked several times a request; the stored packs are read once
    if key not in request.environ:
        running = current_app.extensions["criteria_pack"].code
        code = request.args.get("pack") or running
        if code != running and code not in pack_codes():
            abort(404)
        request.environ[key] = code
    return request.environ[key]


def marks_of(name: str, problems: list[str]) -> list[dict[str, Any]]:
    """The problems of the edited file with their line, for the editor to mark on that line."""
    found = (re.match(rf"{re.escape(name)} 第 (\d+) 行 (.*)$", line) for line in problems)
    return [{"line": int(m.group(1)), "message": m.group(2)} for m in found if m]


class PackFilesView(AdminOnly, BaseView):
    """The files of the newest version: list, download and edit YAML."""

    def _code(self) -> str:
        return shown_pack_code()

    def _newest(self) -> CriteriaVersion | None:
        found = latest(db.session, self._code())
        return db.session.get(CriteriaVersion, found.id, options=[undefer(CriteriaVersion.files)]) if found is not None else None

    def _file(self, version: CriteriaVersion | None) -> str:
        name = request.args.get("path", "")
        if version is None or name not in version.files:
            abort(404)
        return name

    @expose("/")
    def index_view(self) -> Any:
        version = self._newest()
        files = sorted((version.files if version is not None else {}).items())
        return self.render("criteria_admin/files.html", version=version, files=files, **self._pack_args())

    def _pack_args(self) -> dict[str, Any]:
        """What the templates need to keep to the pack shown: ``pack`` for their links (None for the
        running one), and its name when it is another city's."""
        code = self._code()
        running = current_app.extensions["criteria_pack"]
        if code == running.code:
            return {"pack": None, "other_pack": None}
        return {"pack": code, "other_pack": current_app.extensions["criteria_versions"].pack(db.session, latest(db.session, code).id)}

    @expose("/download/")
    def download(self) -> Any:
        version = self._newest()
        name = self._file(version)
        return Response(
            version.files[name].encode("utf-8"),
            mimetype="application/x-yaml",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    @expose("/schema/")
    def schema(self) -> Any:
        """The JSON Schema of one file of the newest version (for an editor of the administrator's own)."""
        version = self._newest()
        name = self._file(version)
        role = role_of(version.files, name)
        if role is None:
            abort(404)
        stem = name.rsplit(".", 1)[0]
        return Response(
            json.dumps(file_schema(role), ensure_ascii=False, indent=2),
            mimetype="application/schema+json",
            headers={"Content-Disposition": f"attachment; filename={stem}.schema.json"},
        )

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self) -> Any:
        version = self._newest()
        name = self._file(version)
        form = EditForm()
        problems: list[str] = []
        if request.method == "POST" and form.validate_on_submit():
            posted = form.base_number.data or ""
            base_number = int(posted) if posted.isdigit() else version.number
            try:
                saved = save_files({name: form.content.data}, form.note.data, current_user.id, base_number, code=self._code())
            except EditRefused as refused:
                flash(refused.summary, "error")
                problems = refused.problems
            else:
                flash_saved(saved, f"已保存 {name}，记录为考核标准第 {saved.version.number} 版。")
                return redirect(self.get_url(".index_view", pack=self._pack_args()["pack"]))
        elif request.method == "POST":
            for field_errors in form.errors.values():
                for message in field_errors:
                    flash(f"未保存：{message}", "error")
        else:
            text = version.files[name]
            form.content.data, form.base.data, form.base_number.data = text, text_hash(text), version.number
        return self.render(
            "criteria_admin/edit.html",
            form=form,
            path=name,
            problems=problems,
            marks=marks_of(name, problems),
            version=version,
            dir_url=self.get_url(".index_view", pack=self._pack_args()["pack"]),
            header_text=f"编辑 {name}",
            schema=file_schema(role) if (role := role_of(version.files, name)) else None,
            **self._pack_args(),
        )
