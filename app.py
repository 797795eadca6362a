"""create_app(): Flask, Flask-AppBuilder, the criteria pack and the CLI wired together."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, flash, redirect, render_template, request, session
from flask_appbuilder import AppBuilder
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session

import views
from accounts import password_policy
from criteria import load_pack
from i18n import compile_admin_catalogue, compile_catalogues
from models import audit, db, pack_layout
from models.criteria_versions import PackVersions, VersionUnloadable
from reports.values import display
from settings import DEV_SECRET_KEY, ROOT, default_config
from views import criteria_admin, login
from views.api_query import guard_query
from views.csrf import protect
from views.permissions import role_definitions

log = logging.getLogger(__name__)
# FAB warns in English on every start until the first account exists; the demo command creates it.
logging.getLogger("flask_appbuilder.security.manager").addFilter(lambda record: "No user yet created" not in record.getMessage())
MIGRATIONS = ROOT / "migrations"
EDITOR_MENU = "考核标准维护"  # a menu link only the administrator role holds (FAB grants it every permission)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.config.update(default_config())
    app.config.update(overrides or {})
    if app.config["PLATFORM_PRODUCTION"] and app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise RuntimeError("生产环境必须设置 SECRET_KEY 环境变量（足够长的随机字符串），不能为空或使用默认值")

    password_policy.policy_from(app.config)  # a misspelt character class fails at start, not at first use
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_policy.fab_validator)

    pack = load_pack(app.config["CRITERIA_PACK"])
    app.extensions["criteria_pack"] = pack  # what the tables, screens and permissions are built from
    app.extensions["criteria_versions"] = PackVersions(pack)  # the pack of every stored version
    app.extensions["assessment_layout"] = pack_layout(pack)  # the mapped classes of the assessment aggregate
    app.extensions["kind_models"] = app.extensions["assessment_layout"].kinds
    resources = views.all_resources(pack, app.extensions["kind_models"])
    app.config["AUTH_ROLE_ADMIN"] = pack.admin_role.label
    app.config["FAB_ROLES"] = role_definitions(pack, resources)
    translations = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])  # FAB prepends its own folder later
    compile_catalogues(translations)
    compile_admin_catalogue(translations)

    db.init_app(app)
    audit.install(Session)
    Migrate(app, db, directory=str(MIGRATIONS), compare_type=True)
    with app.app_context():
        # Assembly only: permissions, roles, districts, the criteria version and the pack's tables are
        # written by `flask platform sync` (start.sh and deployment run it), never by starting.
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        views.register(appbuilder, resources)
        criteria_admin.install(app, translations)
        appbuilder.add_link(EDITOR_MENU, href=f"{criteria_admin.URL}/", category="Security", category_label="系统管理")
        protect(app)
        login.install(app)
        guard_query(app)

    app.add_template_filter(display, "num")

    @app.before_request
    def _idle_timeout() -> None:
        session.permanent = True  # the cookie expires PERMANENT_SESSION_LIFETIME after the last request

    def refusal(status: int, message: str, template: str = "refused.html", **page: Any) -> Any:
        """An error as the door expects it: JSON with the message for the REST API, else a page."""
        if request.path.startswith("/api/"):
            return {"message": message}, status
        return render_template(
            template, message=message, base_template=app.appbuilder.base_template, appbuilder=app.appbuilder, **page
        ), status

    @app.errorhandler(404)
    def _not_found(_error: Exception) -> Any:
        return refusal(404, "未找到该记录，或它不在您的数据范围内", "not_found.html")

    @app.errorhandler(CSRFError)
    def _csrf_refused(_error: Exception) -> Any:
        return refusal(400, "页面已过期或来源不明（缺少有效的安全令牌），未做任何修改；请刷新页面后重新提交。")

    @app.errorhandler(403)
    def _forbidden(_error: Exception) -> Any:
        return refusal(403, "无权执行此操作", "forbidden.html")

    @app.errorhandler(VersionUnloadable)
    def _version_unloadable(error: VersionUnloadable) -> Any:
        log.error("%s", error)
        return refusal(500, str(error), title="考核标准版本无法载入")

    @app.errorhandler(413)
    def _too_large(_error: Exception) -> Any:
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        flash(f"文件过大：单个文件不能超过 {limit} MB，未上传任何内容。", "danger")
        return redirect(request.referrer or "/")

    from cli import register_commands

    register_commands(app)
    return app
