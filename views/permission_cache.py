"""Permission checks answered from one query per request.

Flask-AppBuilder asks the database whether the user's roles hold a permission for every menu entry
and button it draws (about 35 queries on a list page). Within one request the answer cannot change:
the permissions of the roles are read once, on the first check, and kept on ``flask.g``.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from sqlalchemy import select


class PermissionCacheMixin:
    def _role_permissions(self, role_ids: list[int]) -> set[tuple[str, str]]:
        sm = self  # a Flask-AppBuilder SecurityManager
        view, permission, pv = sm.viewmenu_model, sm.permission_model, sm.permissionview_model  # type: ignore[attr-defined]
        query = (select(view.name, permission.name)
                 .select_from(pv)
                 .join(assoc_permissionview_role, pv.id == assoc_permissionview_role.c.permission_view_id)
                 .join(permission, pv.permission_id == permission.id)
                 .join(view, pv.view_menu_id == view.id)
                 .where(assoc_permissionview_role.c.role_id.in_(role_ids)))
        return {tuple(row) for row in sm.session.execute(query)}  # type: ignore[attr-defined]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids: list[int]) -> bool:
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)  # type: ignore[misc]
        cache: dict[tuple[int, ...], set[tuple[str, str]]] = g.setdefault("_role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = self._role_permissions(list(key))
        return (view_name, permission_name) in cache[key]
