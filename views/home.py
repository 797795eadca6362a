"""The home page: the login form's landing, and after login what waits for the user (首页待办)."""

from __future__ import annotations

import datetime

from flask import current_app, g, url_for
from flask_appbuilder import IndexView, expose

from models import db
from models.assessments import class_name
from models.criteria_versions import active_version
from views.scope import current_scope
from views.worklist import worklist


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        signed_in = user is not None and user.is_authenticated
        version = active_version() if signed_in else None
        pack = version.pack if version else current_app.extensions["criteria_pack"]
        roles = [pack.role_by_label(r.name) for r in user.roles] if signed_in else []
        codes = frozenset(role.code for role in roles if role is not None)
        scope = current_scope()
        sections = worklist(db.session, pack, codes, scope, datetime.date.today()) if signed_in else []
        endpoints = {kind.code: f"{class_name(kind.code)}AssessmentView.list" for kind in pack.kinds.values()}
        reached = [kind for kind in pack.kinds.values() if scope.kinds is None or kind.code in scope.kinds]
        lists = [(kind, url_for(endpoints[kind.code])) for kind in reached if endpoints[kind.code] in current_app.view_functions]
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            pack=pack,
            roles=[r.name for r in user.roles] if signed_in else [],
            sections=sections,
            lists=lists if signed_in else [],
            version_number=version.number if version else None,
        )
