"""The criteria editor at /criteria-admin/ (Flask-Admin): the pack's files, its stored versions and
the schema changes a revision needs. Administrators only, on every view (views.criteria_admin.access).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from models import db
from views.criteria_admin.access import AdminOnly
from views.criteria_admin.files import PackFilesView
from views.criteria_admin.forms import CommonEditsView
from views.criteria_admin.packs import PacksView
from views.criteria_admin.schema import SchemaView
from views.criteria_admin.versions import VersionsView

URL = "/criteria-admin"


class EditorHome(AdminOnly, AdminIndexView):
    @expose("/")
    def index(self) -> Any:
        versions = current_app.extensions["criteria_versions"]
        guide = current_app.extensions["guide"]
        return self.render(
            "criteria_admin/index.html",
            running=versions.running,
            active=versions.active(db.session),
            retired=[kind.short_name for code, kind in guide.kinds.items() if code in guide.retired],
        )


def install(app: Flask, translations: Path) -> Admin:
    """Register the editor's views on ``app`` (one Admin per app: every test app builds its own)."""
    admin = Admin(
        app,
        name="考核标准维护",
        url=URL,
        endpoint="criteria_admin",
        index_view=EditorHome(name="概况", url=URL, endpoint="criteria_admin"),
        translations_path=str(translations),  # zh/LC_MESSAGES/admin.mo (i18n.compile_admin_catalogue)
        theme=Bootstrap4Theme(swatch="default", fluid=True),
    )
    admin.add_view(PackFilesView(name="考核标准文件", endpoint="criteria_files", url=f"{URL}/files"))
    admin.add_view(CommonEditsView(name="常用修改", endpoint="criteria_forms", url=f"{URL}/forms"))
    admin.add_view(VersionsView(name="版本记录", endpoint="criteria_versions", url=f"{URL}/versions"))
    admin.add_view(PacksView(name="各地考核标准", endpoint="criteria_packs", url=f"{URL}/packs"))
    admin.add_view(SchemaView(name="结构变更", endpoint="criteria_schema", url=f"{URL}/schema"))
    admin.add_link(MenuLink(name="返回平台", url="/"))
    return admin
