"""The top menu rendered once per set of roles.

Flask-AppBuilder's ``navbar_menu.html`` asks the security manager about every menu entry on every
page (some forty permission checks and URL builds, a third of a page's template time). Which entries
a user sees depends only on their roles, and the menu itself cannot change while the app lives (a
revision that changes the views builds a new app): the HTML is kept per role set, language and
mount point. ``templates/appbuilder/navbar_menu.html`` shows the kept HTML.
"""

from __future__ import annotations

from pathlib import Path

import flask_appbuilder
from flask import Flask, current_app, g, render_template_string, request
from flask_babel import get_locale
from markupsafe import Markup

FAB_MENU = Path(flask_appbuilder.__file__).parent / "templates" / "appbuilder" / "navbar_menu.html"


def menu_html() -> Markup:
    user = getattr(g, "user", None)
    roles = tuple(sorted(role.id for role in getattr(user, "roles", None) or ())) or ("public",)
    key = (roles, str(get_locale()), request.script_root)
    kept: dict[tuple, Markup] = current_app.extensions["menu_html"]
    if key not in kept:
        source = current_app.extensions["menu_template"]
        kept[key] = Markup(render_template_string(source, menu=current_app.appbuilder.menu))
    return kept[key]


def install(app: Flask) -> None:
    app.extensions["menu_html"] = {}
    app.extensions["menu_template"] = FAB_MENU.read_text(encoding="utf-8")
    app.add_template_global(menu_html, "menu_html")
