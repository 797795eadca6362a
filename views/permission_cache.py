"""Permission checks answered from one query per request.

Flask-AppBuilder asks the database whether the user's roles hold a permission for every menu entry
and button it draws (about 35 queries on a list page). Within one request the answer cannot change:
the permissions of the roles are read once, on the first check, and kept on ``flask.g``. The same
holds for the public role, which every protected view and API asks about first; and the user of
the request is loaded with their roles and groups in one query instead of three.

The pack's roles are Flask-AppBuilder's built-in roles (``FAB_ROLES``): their permissions are
patterns that FAB matches one by one on every check (some 2,500 regular-expression matches a page).
What a role may do cannot change while its app lives (a revision that changes the roles builds a new
app), so each answer is kept by the security manager of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, has_request_context
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload


class PermissionCacheMixin:
    def _role_permissions(self, roles: Any) -> set[tuple[str, str]]:
        """(view, permission) pairs held by the roles ``roles`` selects (a condition on ab_role)."""
        sm = self  # a Flask-AppBuilder SecurityManager
        view, permission, pv = sm.viewmenu_model, sm.permission_model, sm.permissionview_model  # type: ignore[attr-defined]
        role = sm.role_model  # type: ignore[attr-defined]
        query = (
            select(view.name, permission.name)
            .select_from(pv)
            .join(assoc_permissionview_role, pv.id == assoc_permissionview_role.c.permission_view_id)
            .join(role, role.id == assoc_permissionview_role.c.role_id)
            .join(permission, pv.permission_id == permission.id)
            .join(view, pv.view_menu_id == view.id)
            .where(roles)
        )
        return {tuple(row) for row in sm.session.execute(query)}  # type: ignore[attr-defined]

    def _cached(self, key: Any, roles: Callable[[], Any]) -> set[tuple[str, str]]:
        cache: dict[Any, set[tuple[str, str]]] = g.setdefault("_role_permissions", {})
        if key not in cache:
            cache[key] = self._role_permissions(roles())
        return cache[key]

    def _has_access_builtin_roles(self, role: Any, permission_name: str, view_name: str) -> bool:
        answers: dict[tuple[str, str, str], bool] = self.__dict__.setdefault("_builtin_answers", {})
        key = (role.name, permission_name, view_name)
        found = answers.get(key)
        if found is None:
            found = answers[key] = super()._has_access_builtin_roles(role, permission_name, view_name)  # type: ignore[misc]
        return found

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """Answered once per request for each permission, view and user: a list page asks again for
        every row's buttons (twenty rows: some twenty walks through FAB's checks)."""
        if not has_request_context():
            return super().has_access(permission_name, view_name)  # type: ignore[misc]
        # the user of the moment: a login within the request changes the answers, and so does a
        # token verified after a first refusal (FAB's protect then sets g.user to the token's user)
        key = (permission_name, view_name, id(g.get("user")), id(current_user._get_current_object()))
        answers: dict[tuple, bool] = g.setdefault("_access_answers", {})
        if key not in answers:
            answers[key] = super().has_access(permission_name, view_name)  # type: ignore[misc]
        return answers[key]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids: list[int]) -> bool:
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)  # type: ignore[misc]
        key = tuple(sorted(role_ids))
        return (view_name, permission_name) in self._cached(key, lambda: self.role_model.id.in_(key))  # type: ignore[attr-defined]

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        if not has_request_context():
            return super().is_item_public(permission_name, view_name)  # type: ignore[misc]
        public = self.auth_role_public  # type: ignore[attr-defined]
        return (view_name, permission_name) in self._cached(("public", public), lambda: self.role_model.name == public)  # type: ignore[attr-defined]

    def get_user_by_id(self, pk: Any) -> Any:
        """The request's user (Flask-Login's loader), with the roles and groups every check reads.
        ``pk`` may come from a URL or the session as text."""
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return None
        user = self.user_model  # type: ignore[attr-defined]
        return (
            self.session.execute(  # type: ignore[attr-defined]
                select(user).where(user.id == key).options(joinedload(user.roles), joinedload(user.groups))
            )
            .unique()
            .scalar_one_or_none()
        )
