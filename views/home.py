"""The landing page after login."""

from __future__ import annotations

from flask import current_app, g
from flask_appbuilder import IndexView, expose

from models.criteria_versions import active_version
from views.scope import current_scope


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        version = active_version() if g.get("user") is not None and g.user.is_authenticated else None
        pack = version.pack if version else current_app.extensions["criteria_pack"]
        user = getattr(g, "user", None)
        roles = [r.name for r in user.roles] if user is not None and user.is_authenticated else []
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            pack=pack,
            roles=roles,
            scope=current_scope(),
            version_number=version.number if version else None,
        )
