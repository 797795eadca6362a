"""The home page: the login form's landing, and after login what waits for the user (首页待办)."""

from __future__ import annotations

import datetime

from flask import current_app, g
from flask_appbuilder import IndexView, expose

from models import db
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
        sections = worklist(db.session, pack, codes, current_scope(), datetime.date.today()) if signed_in else []
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            pack=pack,
            roles=[r.name for r in user.roles] if signed_in else [],
            sections=sections,
            version_number=version.number if version else None,
        )
