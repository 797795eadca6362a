"""Who reaches the criteria editor: logged in (else the login page) with the admin role (else 403).

Flask-Admin lets everyone in by default; every view of the editor, its index included, mixes this
in. Its forms share the platform's CSRF token (Flask-WTF's ``CSRFProtect`` checks every POST of
the app): Flask-Admin's own ``SecureForm`` signs tokens differently and the app-wide check would
refuse them, so the editor's forms derive from Flask-WTF's ``FlaskForm`` instead.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, request
from flask_login import current_user
from flask_wtf import FlaskForm


def is_admin(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    label = current_app.extensions["criteria_pack"].admin_role.label
    return any(role.name == label for role in user.roles)


class AdminOnly:
    """Mixed into every Flask-Admin view of the editor."""

    def is_accessible(self) -> bool:
        return is_admin(current_user)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            login = current_app.appbuilder.get_url_for_login
            return redirect(f"{login}?next={request.full_path if request.query_string else request.path}")
        abort(403)

    def is_visible(self) -> bool:
        return True


class EditorForm(FlaskForm):
    """Base form of the editor: carries and checks the platform's CSRF token."""
