"""The login form (captcha, lockout messages) and the password forms (policy, forced change).

An account opened or reset by an admin carries ``must_change_password``: after login, and on every
page until the user has chosen a new password, it is sent to the change-password form.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, flash, g, jsonify, make_response, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo

from accounts import captcha, lockout, sessions
from accounts.password_policy import PolicyText
from views.registration import pending_message

CAPTCHA_WRONG = "验证码错误或已失效，请按图片重新输入（看不清可点“换一张”）。"
LOGIN_WRONG = "用户名或密码错误，请重新输入。"
MUST_CHANGE = "您的密码由管理员设置，请先修改密码后再使用系统。"
MUST_CHANGE_API = "请先在网页上修改管理员设置的初始密码"


class LoginForm(LoginForm_db):
    username = StringField("用户名", validators=[DataRequired(message="请填写用户名")])
    password = PasswordField("密码", validators=[DataRequired(message="请填写密码")])
    captcha = StringField("验证码")
    captcha_token = HiddenField()


class LoginView(AuthDBView):
    login_template = "login.html"

    def _page(self, form: LoginForm) -> Any:
        image = None
        if captcha.enabled():
            form.captcha.data = ""  # a captcha is used once: every page shows a new one
            form.captcha_token.data, image = captcha.issue()
        registration_open = current_app.extensions["criteria_pack"].registration_role is not None
        return _no_store(
            self.render_template(
                self.login_template,
                title=self.title,
                form=form,
                appbuilder=self.appbuilder,
                captcha_image=image,
                registration_open=registration_open,
            )
        )

    @expose("/login/", methods=["GET", "POST"])
    def login(self) -> Any:
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm()
        if request.method != "POST":
            return self._page(form)
        captcha_ok = captcha.consume(form.captcha_token.data, form.captcha.data) if captcha.enabled() else True
        if not form.validate_on_submit():
            return self._page(form)
        if not captcha_ok:
            flash(CAPTCHA_WRONG, "danger")
            return self._page(form)
        user, refused = self.appbuilder.sm.authenticate(form.username.data, form.password.data)
        if refused is not None:
            flash(refused.message, "danger")
            return self._page(form)
        if user is None:
            flash(pending_message(form.username.data, form.password.data) or LOGIN_WRONG, "danger")
            return self._page(form)
        login_user(user, remember=False)
        sessions.remember(user)
        if user.must_change_password:
            return redirect(url_for("ResetMyPasswordView.this_form_get"))
        return redirect(get_safe_redirect(request.args.get("next", "")))

    @expose("/logout/")
    def logout(self) -> Any:
        """Log out: this session and every other session and token of the account end."""
        if current_user.is_authenticated:
            user = self.appbuilder.sm.get_user_by_id(current_user.id)
            sessions.end_all(user)
            self.appbuilder.sm.update_user(user)
        logout_user()
        session.pop(sessions.SESSION_KEY, None)
        return redirect(current_app.config.get("LOGOUT_REDIRECT_URL", self.appbuilder.get_url_for_index))

    @expose("/login/captcha")
    def captcha_refresh(self) -> Any:
        """换一张: a new captcha as JSON (token and image); the one it replaces is dropped."""
        if not captcha.enabled():
            abort(404)
        token, image = captcha.issue(previous=request.args.get("previous"))
        return _no_store(jsonify(token=token, image=image))


def _no_store(response: Any) -> Any:
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response


def _new_password() -> PasswordField:
    return PasswordField(
        "新密码",
        description=PolicyText(),
        validators=[DataRequired(message="请填写新密码"), PasswordComplexityValidator()],
        widget=BS3PasswordFieldWidget(),
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "确认新密码",
        description="请再次输入新密码",
        validators=[EqualTo("password", message="两次输入的密码不一致")],
        widget=BS3PasswordFieldWidget(),
    )


class PasswordForm(DynamicForm):
    password = _new_password()
    conf_password = _confirmation()


class OwnPasswordForm(DynamicForm):
    """A user's own password: the current one first (a session left open is not enough to change it)."""

    current_password = PasswordField(
        "当前密码",
        description="为确认是您本人操作，请输入当前使用的密码",
        validators=[DataRequired(message="请填写当前密码")],
        widget=BS3PasswordFieldWidget(),
    )
    password = _new_password()
    conf_password = _confirmation()

    def validate_current_password(self, field: Any) -> None:
        if not (current_user.password and check_password_hash(current_user.password, field.data or "")):
            raise ValidationError("当前密码不正确，密码未修改")

    def validate_password(self, field: Any) -> None:
        if current_user.password and check_password_hash(current_user.password, field.data or ""):
            raise ValidationError("新密码不能与当前密码相同")


class ResetMyPasswordView(FabResetMyPasswordView):
    """A user's own password; also the page an admin-set password forces the user to."""

    form = OwnPasswordForm
    form_title = "修改密码"
    message = "密码已修改。"

    def form_get(self, form: DynamicForm) -> None:
        if current_user.must_change_password:
            flash(MUST_CHANGE, "warning")

    def form_post(self, form: DynamicForm) -> None:
        user = self.appbuilder.sm.get_user_by_id(g.user.id)
        user.password = _hash(form.password.data)
        user.must_change_password = False
        sessions.end_all(user)  # every other session and token of the account ends
        self.appbuilder.sm.update_user(user)  # one commit: the password, the cleared flag, the generation
        sessions.remember(user)  # this session goes on
        flash(str(self.message), "info")


class ResetPasswordView(FabResetPasswordView):
    """An admin sets another user's password: it is temporary (changed at next login) and unlocks."""

    form = PasswordForm
    form_title = "重置密码"
    message = "密码已重置；该用户下次登录时须修改密码。"

    def form_post(self, form: DynamicForm) -> None:
        user = self.appbuilder.sm.get_user_by_id(request.args.get("pk"))
        if user is None:
            abort(404)
        user.password = _hash(form.password.data)
        user.must_change_password = user.id != g.user.id
        lockout.clear(self.appbuilder.sm.session, lockout.account_key(user.username))
        user.locked_until, user.fail_login_count = None, 0
        sessions.end_all(user)  # whoever held the old password is logged out everywhere
        self.appbuilder.sm.update_user(user)
        if user.id == g.user.id:
            sessions.remember(user)
        flash(self.message if user.must_change_password else "密码已修改。", "info")


def _hash(password: str) -> str:
    return generate_password_hash(
        password,
        method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


# Where an account that must change its password may still go.
OPEN_ENDPOINTS = {
    "ResetMyPasswordView.this_form_get",
    "ResetMyPasswordView.this_form_post",
    "LoginView.logout",
    "LoginView.login",
    "LoginView.captcha_refresh",
    "RegistrationView.register",
    "static",
    "appbuilder.static",
}


def install(app: Flask) -> None:
    """Send an account that must change its password to the change-password form, from anywhere."""

    @app.before_request
    def _must_change_password() -> Any:
        if request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
            return None
        if not getattr(current_user, "must_change_password", False):
            return None
        if request.path.startswith("/api/"):
            return {"message": MUST_CHANGE_API}, 403
        return redirect(url_for("ResetMyPasswordView.this_form_get"))
