"""Accounts: the user model with its enterprise / districts, and the admin's user screens."""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView

from models import AppUser

SCOPE_LABELS = {"enterprise": "所属企业", "districts": "负责区（市）"}
SCOPE_HELP = {
    "enterprise": "施工企业用户必须选择其企业，只能看到本企业的数据",
    "districts": "区（市）主管部门和监督员用户必须选择负责的区（市），只能看到这些区（市）的数据",
}


class AppUserView(UserDBModelView):
    """The admin's user screens, with the records a login is attached to."""

    label_columns = {**UserDBModelView.label_columns, **SCOPE_LABELS}
    description_columns = {**UserDBModelView.description_columns, **SCOPE_HELP}
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "enterprise"]
    show_fieldsets = [
        *UserDBModelView.show_fieldsets,
        ("数据范围", {"fields": ["enterprise", "districts"], "expanded": True}),
    ]
    add_columns = ["first_name", "last_name", "username", "active", "email", "roles", "enterprise", "districts",
                   "password", "conf_password"]
    edit_columns = ["first_name", "last_name", "username", "active", "email", "roles", "enterprise", "districts"]


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserView
