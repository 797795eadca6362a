"""Accounts: the user model with its enterprise / districts, the admin's user screens, and login checks."""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.utils import is_null_password
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from flask_appbuilder.validators import PasswordComplexityValidator
from sqlalchemy import inspect
from werkzeug.security import check_password_hash
from wtforms import PasswordField, validators

from accounts import lockout, sessions
from accounts.password_policy import PolicyText
from models import AppUser
from reports.values import display
from views.login import LoginView, ResetMyPasswordView, ResetPasswordView
from views.permission_cache import PermissionCacheMixin
from views.scoped_views import GuardedActions, ReadableBlanks
from views.security_api import TokenApi

SCOPE_LABELS = {"enterprise": "所属企业", "districts": "负责辖区"}
SCOPE_HELP = {
    "enterprise": "施工企业用户必须选择其企业，只能看到本企业的数据",
    "districts": "辖区主管部门和监督人员用户必须选择负责的辖区，只能看到这些辖区的数据",
}
# account columns shown as a person reads them (是/否, times, names; nothing for None)
SHOWN_PLAIN = (
    *("active", "locked_until", "must_change_password", "last_login", "login_count", "fail_login_count"),
    *("created_on", "changed_on", "created_by", "changed_by"),
)
LOGIN_LABELS = {"locked_until": "锁定至", "must_change_password": "须修改密码", "failed_login_since": "首次失败时间"}


class AppUserView(ReadableBlanks, GuardedActions, UserDBModelView):
    """The admin's user screens, with the records a login is attached to and its login state."""

    label_columns: ClassVar[dict] = {**UserDBModelView.label_columns, **SCOPE_LABELS, **LOGIN_LABELS}
    description_columns: ClassVar[dict] = {**UserDBModelView.description_columns, **SCOPE_HELP}
    list_columns: ClassVar[list] = ["first_name", "last_name", "username", "email", "active", "roles", "enterprise", "locked_until"]
    # 是/否, names and times instead of True, [角色] and None
    formatters_columns: ClassVar[dict] = {
        **dict.fromkeys(SHOWN_PLAIN, display),
        "enterprise": lambda enterprise: display(enterprise and str(enterprise)),
        "roles": lambda roles: "、".join(role.name for role in roles or ()),
        "districts": lambda districts: "、".join(district.name for district in districts or ()),
    }
    show_fieldsets: ClassVar[list] = [
        *UserDBModelView.show_fieldsets,
        ("数据范围", {"fields": ["enterprise", "districts"], "expanded": True}),
        ("登录安全", {"fields": ["locked_until", "fail_login_count", "must_change_password"], "expanded": True}),
    ]
    add_columns: ClassVar[list] = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "roles",
        "enterprise",
        "districts",
        "password",
        "conf_password",
    ]
    edit_columns: ClassVar[list] = ["first_name", "last_name", "username", "active", "email", "roles", "enterprise", "districts"]
    add_form_extra_fields: ClassVar[dict] = {
        "password": PasswordField(
            "密码",
            description=PolicyText(),
            validators=[validators.DataRequired(message="请填写密码"), PasswordComplexityValidator()],
            widget=BS3PasswordFieldWidget(),
        ),
        "conf_password": PasswordField(
            "确认密码",
            description="请再次输入密码",
            validators=[validators.DataRequired(message="请再次输入密码"), validators.EqualTo("password", message="两次输入的密码不一致")],
            widget=BS3PasswordFieldWidget(),
        ),
    }

    def pre_add(self, item: Any) -> None:
        """An account opened by an admin gets a password its user must replace at first login."""
        super().pre_add(item)
        item.must_change_password = True

    def pre_update(self, item: Any) -> None:
        """Deactivating an account ends its sessions and tokens at once."""
        super().pre_update(item)
        if not item.active and inspect(item).attrs.active.history.deleted == [True]:
            sessions.end_all(item)

    @action("unlock", "解除锁定", "确定解除所选账号的登录锁定吗？", "fa-unlock", multiple=True)
    def unlock(self, items: Any) -> Any:
        """Clear the lock and the failure count of the chosen accounts (one transaction)."""
        items = [item for item in (items if isinstance(items, list) else [items]) if item is not None]
        for item in items:
            lockout.clear(self.datamodel.session, lockout.account_key(item.username))
            item.locked_until, item.fail_login_count = None, 0
        self.datamodel.session.commit()
        flash(f"已解除 {len(items)} 个账号的登录锁定：" + "、".join(i.username for i in items), "success")
        return redirect(url_for(f"{self.endpoint}.list"))

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk: Any) -> Any:
        # FAB's user show page offers only the password reset; offer the unlock there too.
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        actions = {name: self.actions[name] for name in ("resetpasswords", "unlock") if name in self.actions}
        widgets = self._get_show_widget(pk, item, actions=actions)
        self.update_redirect()
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, appbuilder=self.appbuilder, related_views=self._related_views
        )


class AppRoleView(GuardedActions, RoleModelView):
    """Roles come from the criteria pack: listed here, changed only in roles.yaml."""

    list_columns: ClassVar[list[str]] = ["name"]
    show_columns: ClassVar[list[str]] = ["name"]
    search_columns: ClassVar[list[str]] = ["name"]
    base_permissions: ClassVar[list[str]] = ["can_list", "can_show"]


class AppGroupView(GuardedActions, UserGroupModelView):
    label_columns: ClassVar[dict] = {"name": "名称", "label": "显示名称", "description": "说明", "users": "用户", "roles": "角色"}


class AppSecurityManager(PermissionCacheMixin, SecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserView
    rolemodelview = AppRoleView
    groupmodelview = AppGroupView
    authdbview = LoginView
    security_api = TokenApi
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView
    userstatschartview = None

    def create_db(self) -> None:
        """Nothing while FAB starts: starting the platform never writes (``flask platform sync``
        creates the roles with ``create_roles``; Alembic owns the tables)."""

    def create_roles(self) -> None:
        """The pack's roles, the admin role and the public role (their permissions come from the
        pack on every check; the admin role receives every permission FAB registers)."""
        BaseSecurityManager.create_db(self)

    def authenticate(self, username: str, password: str) -> tuple[AppUser | None, lockout.Refused | None]:
        """Check a login: ``(user, None)`` on success; ``(None, refusal)`` when this client must wait or
        is blocked for this name (accounts.lockout); ``(None, None)`` for a wrong name or password.

        A name without an account is counted like any other, and its password is checked against a
        fake hash, so neither the answer nor its time tells whether the name exists."""
        if not username or is_null_password(password):
            return None, None
        policy = lockout.LockoutPolicy.from_config(current_app.config)
        account, client, at = lockout.account_key(username), client_address(), lockout.now()
        held = lockout.refused(self.session, account, client, policy, at)
        if held is not None:
            self.session.rollback()
            return None, held
        found = self.find_user(username=username) or self.find_user(email=username)
        if found is None or not found.is_active or not found.password:
            check_password_hash(current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"], password)
            right = False
        else:
            right = check_password_hash(found.password, password)
        if right:
            lockout.record_success(self.session, account, client)
            self.update_user_auth_stat(found, True)  # counts the login and commits
            return found, None
        until = lockout.record_failure(self.session, account, client, policy, at)
        if found is not None:
            found.fail_login_count = (found.fail_login_count or 0) + 1
            if until is not None and (found.locked_until is None or found.locked_until < until):
                found.locked_until = until  # shown to the administrator, who can lift it
        self.session.commit()
        return None, (lockout.Refused(until=until) if until is not None else None)

    def auth_user_db(self, username: str, password: str) -> AppUser | None:
        """FAB's own callers: the same checks; an account that still has to replace an admin-set
        password gets nothing until it has done so in the browser."""
        user, _ = self.authenticate(username, password)
        if user is not None and user.must_change_password:
            return None
        return user

    def load_user(self, pk: Any) -> AppUser | None:
        """The user of a browser session, while the session belongs to the account's current
        generation (logging out anywhere, a password change or reset end it)."""
        user = super().load_user(pk)
        if user is not None and not sessions.session_current(user):
            return None
        return user

    def load_user_jwt(self, _jwt_header: Any, jwt_data: dict[str, Any]) -> AppUser | None:
        """The user of an API token, while the token belongs to the account's current generation."""
        user = self.get_user_by_id(jwt_data["sub"])
        if user is None or not user.is_active or not sessions.token_current(user, jwt_data):
            return None
        g.user = user
        return user


def client_address() -> str:
    """The client's address (behind TRUSTED_PROXIES reverse proxies, the one they report)."""
    return (request.remote_addr or "unknown")[:64]
