"""Accounts: the user model with its enterprise / districts, and the admin's user screens."""

from __future__ import annotations

from typing import ClassVar

from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from sqlalchemy import inspect

from models import AppUser
from views.base import GuardedActions

SCOPE_LABELS = {"enterprise": "所属企业", "districts": "负责区（市）"}
SCOPE_HELP = {
    "enterprise": "施工企业用户必须选择其企业，只能看到本企业的数据",
    "districts": "区（市）主管部门和监督员用户必须选择负责的区（市），只能看到这些区（市）的数据",
}


class AppUserView(GuardedActions, UserDBModelView):
    """The admin's user screens, with the records a login is attached to."""

    label_columns: ClassVar[dict] = {**UserDBModelView.label_columns, **SCOPE_LABELS}
    description_columns: ClassVar[dict] = {**UserDBModelView.description_columns, **SCOPE_HELP}
    list_columns: ClassVar[list] = ["first_name", "last_name", "username", "email", "active", "roles", "enterprise"]
    show_fieldsets: ClassVar[list] = [
        *UserDBModelView.show_fieldsets,
        ("数据范围", {"fields": ["enterprise", "districts"], "expanded": True}),
    ]
    add_columns: ClassVar[list] = ["first_name", "last_name", "username", "active", "email", "roles", "enterprise", "districts",
                   "password", "conf_password"]
    edit_columns: ClassVar[list] = ["first_name", "last_name", "username", "active", "email", "roles", "enterprise", "districts"]


class AppRoleView(GuardedActions, RoleModelView):
    """Roles come from the criteria pack: listed here, changed only in roles.yaml."""

    list_columns: ClassVar[list[str]] = ["name"]
    show_columns: ClassVar[list[str]] = ["name"]
    search_columns: ClassVar[list[str]] = ["name"]
    base_permissions: ClassVar[list[str]] = ["can_list", "can_show"]


class AppGroupView(GuardedActions, UserGroupModelView):
    label_columns: ClassVar[dict] = {"name": "名称", "label": "显示名称", "description": "说明", "users": "用户",
                                     "roles": "角色"}


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserView
    rolemodelview = AppRoleView
    groupmodelview = AppGroupView
    userstatschartview = None

    def create_db(self) -> None:
        """Create the roles (never the tables: Alembic owns the schema) once the schema exists.

        Runs while FAB starts, before any view registers its permissions, so the admin role is
        there to receive them.
        """
        if inspect(self.session.get_bind()).has_table("ab_permission_view_role"):
            BaseSecurityManager.create_db(self)
