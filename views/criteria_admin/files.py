"""The files of the running pack, listed by Flask-Admin's FileAdmin; YAML files open in an editor
that validates the whole pack before it saves (models.criteria_edits)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.fileadmin import FileAdmin
from flask_login import current_user
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired

from criteria.structure import fits
from criteria.yaml_source import normalise
from models import db
from models.criteria_edits import EditRefused, replace_files, text_hash
from models.schema_sync import plan
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
    base = HiddenField()


class ActionForm(EditorForm):
    """Flask-Admin's list page posts its (switched off) bulk actions with this form."""

    action = HiddenField()
    url = HiddenField()


def after_save_lines(pack_dir: Path, pack: Any) -> list[str]:
    """What the admin must still do after a save: schema changes, a restart."""
    lines = []
    running = current_app.extensions["criteria_pack"]
    with db.engine.connect() as connection:
        needed = plan(connection, pack)
    if not needed.empty:
        lines.append(f"数据库需要 {len(needed.steps)} 项结构变更，请在“结构变更”页查看并执行。")
    if not fits(running, pack):
        lines.append(
            "本次修改改变了考核类别、表头字段、角色、区（市）、流程或最终等次的设置：执行结构变更并重启平台后生效，"
            "在此之前新建的考核仍使用平台启动时的版本。"
        )
    return lines


class PackFilesView(AdminOnly, FileAdmin):
    """The pack folder: list, download and edit YAML; nothing is uploaded, renamed or deleted here."""

    can_upload = False
    can_delete = False
    can_delete_dirs = False
    can_mkdir = False
    can_rename = False
    can_download = True
    editable_extensions = ("yaml", "yml")
    form_base_class = EditorForm
    list_template = "criteria_admin/files.html"
    edit_template = "criteria_admin/edit.html"
    column_labels = {"name": "文件名", "size": "大小", "date": "修改时间"}  # noqa: RUF012

    def __init__(self, pack_dir: Path, **kwargs: Any) -> None:
        super().__init__(str(pack_dir), **kwargs)
        self.pack_dir = pack_dir

    def get_action_form(self) -> type[EditorForm]:
        return ActionForm

    def is_action_allowed(self, name: str) -> bool:
        return False  # no bulk actions: each file opens on its own

    def timestamp_format(self, timestamp: float) -> str:
        return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")

    def _name(self) -> str | None:
        """The edited file: a plain YAML file of the pack folder (never a path into another folder)."""
        name = request.args.get("path", "")
        if not name or "/" in name or "\\" in name or name.startswith(".") or not self.is_file_editable(name):
            return None
        return name if (self.pack_dir / name).is_file() else None

    # -- switched off: the pack's files are edited, never uploaded, renamed or deleted here ---------

    def _switched_off(self) -> Any:
        flash("考核标准文件不能在此上传、重命名、删除或新建文件夹，未做任何修改。", "error")
        return redirect(self.get_url(".index_view"))

    @expose("/upload/", methods=("GET", "POST"))
    @expose("/upload/<path:path>", methods=("GET", "POST"))
    def upload(self, path: str | None = None) -> Any:
        return self._switched_off()

    @expose("/mkdir/", methods=("GET", "POST"))
    @expose("/mkdir/<path:path>", methods=("GET", "POST"))
    def mkdir(self, path: str | None = None) -> Any:
        return self._switched_off()

    @expose("/rename/", methods=("GET", "POST"))
    def rename(self) -> Any:
        return self._switched_off()

    @expose("/delete/", methods=("POST",))
    def delete(self) -> Any:
        return self._switched_off()

    @expose("/action/", methods=("POST",))
    def action_view(self) -> Any:
        return self._switched_off()

    @expose("/")
    @expose("/b/<path:path>")
    def index_view(self, path: str | None = None) -> Any:
        """The pack is one flat folder: only its top level is listed."""
        if path:
            return redirect(self.get_url(".index_view"))
        return super().index_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self) -> Any:
        name = self._name()
        if name is None:
            flash("只能编辑考核标准目录中的 YAML 文件。", "error")
            return redirect(self.get_url(".index_view"))
        form = EditForm()
        problems: list[str] = []
        if request.method == "POST" and form.validate_on_submit():
            try:
                saved = replace_files(
                    db.session, self.pack_dir, {name: form.content.data}, "editor", form.note.data, current_user.id, {name: form.base.data}
                )
            except EditRefused as refused:
                flash(refused.summary, "error")
                problems = refused.problems
            else:
                flash(f"已保存 {name}，记录为考核标准第 {saved.version.number} 版。", "success")
                for line in after_save_lines(self.pack_dir, saved.pack):
                    flash(line, "warning")
                return redirect(self.get_url(".index_view"))
        elif request.method == "POST":
            for field_errors in form.errors.values():
                for message in field_errors:
                    flash(f"未保存：{message}", "error")
        else:
            text = normalise((self.pack_dir / name).read_text(encoding="utf-8"))
            form.content.data, form.base.data = text, text_hash(text)
        return self.render(
            self.edit_template, form=form, path=name, problems=problems, dir_url=self.get_url(".index_view"), header_text=f"编辑 {name}"
        )
