"""结构变更: what the database still needs for the guide (every kind and header field of every stored
version), and applying it (the same steps as ``flask --app app criteria plan`` / ``apply``).

A save in the editor creates the tables and columns its version needs, so this page is normally
empty. What it can show: steps a version imported from the command line left waiting, and steps that
drop or alter data, which run only from the command line with the platform stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect
from flask_admin import BaseView, expose
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField
from wtforms.validators import DataRequired

from models import db
from models.schema_sync import ChangeRefused
from services.backup import BackupFailed
from services.schema_change import apply_pack, planned
from views.criteria_admin.access import AdminOnly, EditorForm


class ApplyForm(EditorForm):
    confirm = BooleanField("我已核对以上变更，确认执行", validators=[DataRequired(message="请勾选确认后再执行")])


CLI_ONLY = (
    "以下变更会删除或改动已有数据，在线编辑器不执行，未做任何修改：请停止平台后在服务器上运行 "
    "flask --app app criteria apply --force（执行前自动备份数据库、证明材料和考核标准）"
)


def _active() -> Any:
    return current_app.extensions["criteria_versions"].active(db.session).pack


class SchemaView(AdminOnly, BaseView):
    @expose("/")
    def index(self) -> Any:
        return self.render("criteria_admin/schema.html", found=planned(_active()), form=ApplyForm())

    @expose("/apply", methods=("POST",))
    def apply(self) -> Any:
        form = ApplyForm()
        back = self.get_url(".index")
        if not form.validate_on_submit():
            for field_errors in form.errors.values():
                for message in field_errors:
                    flash(f"未执行：{message}", "error")
            return redirect(back)
        try:
            pack = _active()
            destructive = planned(pack).destructive
            if destructive:
                flash(CLI_ONLY + "：" + "；".join(step.text for step in destructive), "error")
                return redirect(back)
            done, folder = apply_pack(pack, False, Path(current_app.config["BACKUP_DIR"]), lambda _line: None)
        except ChangeRefused as refused:
            flash(str(refused), "error")
            return redirect(back)
        except BackupFailed as failed:
            flash(f"备份失败，未做任何结构变更：{failed.message}", "error")
            return redirect(back)
        except SQLAlchemyError as error:
            flash(f"执行结构变更时数据库报错，全部变更已撤销：{error.__class__.__name__}：{str(error.orig or error)[:300]}", "error")
            return redirect(back)
        if not done:
            flash("数据库结构与考核标准一致，无需变更。", "info")
            return redirect(back)
        flash(f"已完成 {len(done)} 项结构变更：" + "；".join(done), "success")
        if folder:
            flash(f"变更前的备份：{folder}", "info")
        reload_now = current_app.extensions.get("reload_now")
        if reload_now is not None:
            reload_now()
        flash("各工作进程将在几秒内自动重新载入，新的字段和考核类别随即出现在界面中。", "info")
        return redirect(back)
