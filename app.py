"""create_app(): Flask, Flask-AppBuilder, the criteria pack and the CLI wired together."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, session
from flask_appbuilder import AppBuilder
from flask_migrate import Migrate
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

import views
from accounts import password_policy
from criteria import load_pack
from i18n import compile_admin_catalogue, compile_catalogues
from models import audit, db, evidence_gc
from models.assessments import layout_of
from models.criteria_versions import PackVersions
from models.guide import read_guide
from reloading import GuideWatch
from reports.values import display, total_text
from settings import MIN_SECRET_KEY_BYTES, ROOT, SECRET_KEY_FILE, default_config
from storage import FileStore, evidence_store
from views import criteria_admin, errors, export_job, hardening, login, menu_cache, throttling
from views.api_query import guard_query
from views.csrf import protect
from views.masking import shown_id_number
from views.permissions import role_definitions
from workflow.deadlines import deadline_zh

log = logging.getLogger(__name__)
# FAB warns in English on every start until the first account exists; the demo command creates it.
logging.getLogger("flask_appbuilder.security.manager").addFilter(lambda record: "No user yet created" not in record.getMessage())
MIGRATIONS = ROOT / "migrations"
EDITOR_MENU = "考核标准维护"  # a menu link only the administrator role holds (FAB grants it every permission)


def _evidence_store() -> FileStore | None:
    """The evidence store of the app at work (files no row names any more are removed from it)."""
    return evidence_store(current_app.config) if has_app_context() else None


def check_secret_key(app: Flask) -> None:
    """Sessions, CSRF and API tokens are signed with SECRET_KEY: never a key from the source code.

    Production refuses to start without a key of at least MIN_SECRET_KEY_BYTES bytes. In development a
    missing key (no SECRET_KEY, no instance/secret_key: start.sh writes one) becomes a random key for
    this process only, so a command-line run works and no session outlives it."""
    key = app.config.get("SECRET_KEY") or ""
    if app.config["PLATFORM_PRODUCTION"]:
        if len(str(key).encode()) < MIN_SECRET_KEY_BYTES:
            raise RuntimeError(
                f"生产环境必须设置 SECRET_KEY（至少 {MIN_SECRET_KEY_BYTES} 字节的随机字符串，例如 "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))' 的输出），未启动"
            )
        return
    if not key:
        log.warning("未设置 SECRET_KEY，也没有 %s：本进程使用临时随机密钥（运行 scripts/start.sh 会生成密钥文件）", SECRET_KEY_FILE)
        app.config["SECRET_KEY"] = secrets.token_urlsafe(48)


# One app is built at a time in a process: a worker rebuilding itself in a request thread and another
# thread building too would use Python's ast module at once (Werkzeug compiles URL rules with it),
# which CPython 3.11 does not allow ("AST constructor recursion depth mismatch").
_BUILDING = threading.RLock()


def create_app(overrides: dict[str, Any] | None = None, watch: bool = True) -> Flask:
    """The platform on the guide its database holds. ``watch``: the app follows structural revisions
    of the guide by building itself again (``reloading``); the apps it builds do not watch."""
    with _BUILDING:
        return _create_app(overrides, watch)


def _create_app(overrides: dict[str, Any] | None, watch: bool) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.config.update(default_config())
    app.config.update(overrides or {})
    check_secret_key(app)

    password_policy.policy_from(app.config)  # a misspelt character class fails at start, not at first use
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_policy.fab_validator)

    # The database holds the guide: the process is built on its newest version (the folder seeds an
    # empty database) and maps the header fields of every stored version.
    guide = read_guide(app.config["SQLALCHEMY_DATABASE_URI"], load_pack(app.config["CRITERIA_PACK"]))
    pack = guide.active
    app.extensions["guide"] = guide
    app.extensions["criteria_pack"] = pack  # what the screens and permissions are built from
    app.extensions["criteria_versions"] = PackVersions(pack, guide.loaded())  # the pack of every stored version
    app.extensions["assessment_layout"] = layout_of(list(guide.kinds.values()))  # the mapped classes
    app.extensions["kind_models"] = app.extensions["assessment_layout"].kinds
    resources = app.extensions["resources"] = views.all_resources(pack, app.extensions["kind_models"], guide.kinds)
    app.config["AUTH_ROLE_ADMIN"] = pack.admin_role.label
    app.config["FAB_ROLES"] = role_definitions(pack, resources)
    translations = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])  # FAB prepends its own folder later
    compile_catalogues(translations)
    compile_admin_catalogue(translations)

    db.init_app(app)
    audit.install(Session)
    evidence_gc.install(Session, _evidence_store)
    Migrate(app, db, directory=str(MIGRATIONS), compare_type=True)
    with app.app_context():
        # Assembly only: permissions, roles, districts, the criteria version and the pack's tables are
        # written by `flask platform sync` (start.sh and deployment run it), never by starting.
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        views.register(appbuilder, resources)
        criteria_admin.install(app, translations)
        export_job.install(app)
        menu_cache.install(app)
        appbuilder.add_link(EDITOR_MENU, href=f"{criteria_admin.URL}/", category="Security", category_label="系统管理")
        protect(app)
        login.install(app)
        guard_query(app)
        hardening.install(app)
        errors.install(app)
        throttling.install(app)

    if app.config["TRUSTED_PROXIES"]:  # the client address the throttling counts is the one the proxies saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=app.config["TRUSTED_PROXIES"])
    if watch:
        app.wsgi_app = GuideWatch(app, lambda: create_app(overrides, watch=False), app.config["GUIDE_CHECK_SECONDS"])
    app.add_template_filter(display, "num")
    app.add_template_filter(total_text, "total")
    app.add_template_filter(shown_id_number, "id_number")
    app.add_template_filter(deadline_zh, "deadline")
    app.add_template_global(lambda key: app.extensions["criteria_pack"].term(key), "term")

    @app.before_request
    def _idle_timeout() -> None:
        session.permanent = True  # the cookie expires PERMANENT_SESSION_LIFETIME after the last request

    from cli import register_commands

    register_commands(app)
    return app
