"""结构变更: what the database needs for the pack as its files are now, and applying it (the same
steps as ``flask --app app criteria plan`` / ``apply``).

Only steps that keep every stored value run from here. A step that drops or alters data runs from
the command line (``flask --app app criteria apply --force``) with the platform stopped: the running
workers map the columns it drops, and the backup it takes should not race their writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect
from flask_admin import BaseView, expose
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField
from wtforms.validators import DataRequired

from criteria import CriteriaError
from criteria.problems_zh import problem_zh
from criteria.structure import fits
from models.schema_sync import ChangeRefused
from services.backup import BackupFailed
from services.schema_change import apply_pack, pack_on_disk, planned
from views.criteria_admin.access import AdminOnly, EditorForm


class ApplyForm(EditorForm):
    confirm = BooleanField("我已核对以上变更，确认执行", validators=[DataRequired(message="请勾选确认后再执行")])


CLI_ONLY = (
    "以下变更会删除或改动已有数据，在线编辑器不执行，未做任何修改：请停止平台后在服务器上运行 "
    "flask --app app criteria apply --force（执行前自动备份数据库、证明材料和考核标准）"
)


class SchemaView(AdminOnly, BaseView):
    def __init__(self, pack_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pack_dir = pack_dir

    @expose("/")
    def index(self) -> Any:
        try:
            pack = pack_on_disk()  # read only: looking at the plan records nothing
        except CriteriaError as error:
            return self.render(
                "criteria_admin/schema.html", problems=[problem_zh(p) for p in error.problems], found=None, form=ApplyForm(), restart=False
            )
        found = planned(pack)
        return self.render(
            "criteria_admin/schema.html",
            problems=[],
            found=found,
            form=ApplyForm(),
            restart=not fits(current_app.extensions["criteria_pack"], pack),
        )

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
            pack = pack_on_disk()
            destructive = planned(pack).destructive
            if destructive:
                flash(CLI_ONLY + "：" + "；".join(step.text for step in destructive), "error")
                return redirect(back)
            done, folder = apply_pack(pack, False, Path(current_app.config["BACKUP_DIR"]), lambda _line: None, source="editor")
        except CriteriaError as error:
            flash(f"考核标准校验未通过（{len(error.problems)} 处问题），未做任何修改。", "error")
            return redirect(back)
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
        flash("重启平台后，新的字段和考核类别出现在界面中。", "warning")
        return redirect(back)
