"""The home page: the login form for a visitor; after login what waits for the user (首页待办) and,
for the city-wide roles, the latest period's progress per district."""

from __future__ import annotations

import datetime

from flask import current_app, g, redirect, url_for
from flask_appbuilder import IndexView, expose

from models import db
from models.assessments import class_name
from models.criteria_versions import active_version
from views.progress import GROUPS, district_progress, latest_period
from views.scope import current_scope
from views.worklist import worklist


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        if user is None or not user.is_authenticated:  # the landing page is the login form
            return redirect(self.appbuilder.get_url_for_login)
        version = active_version()
        pack = version.pack if version else current_app.extensions["criteria_pack"]
        roles = [pack.role_by_label(r.name) for r in user.roles]
        codes = frozenset(role.code for role in roles if role is not None)
        scope = current_scope()
        endpoints = {kind.code: f"{class_name(kind.code)}AssessmentView.list" for kind in pack.kinds.values()}
        reached = [kind for kind in pack.kinds.values() if scope.kinds is None or kind.code in scope.kinds]
        period = latest_period(db.session) if scope.kind == "all" else None
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            pack=pack,
            roles=[r.name for r in user.roles],
            sections=worklist(db.session, pack, codes, scope, datetime.date.today()),
            lists=[(kind, url_for(endpoints[kind.code])) for kind in reached if endpoints[kind.code] in current_app.view_functions],
            period=period,
            progress=district_progress(db.session, pack, period) if period else [],
            progress_groups=GROUPS,
            version_number=version.number if version else None,
        )
