"""企业注册: the public self-registration form of an enterprise.

The application is stored on its own (``EnterpriseRegistration``); no enterprise and no account exist
until the district authority of the registered district (or an admin) approves it on 注册审核
(views/registration_review.py). Every field is checked and every problem shown beside its field, the
input kept (the passwords excepted); a refused application writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from accounts import captcha
from accounts.password_policy import describe, policy_from, problems
from models import AppUser, District, Enterprise, EnterpriseRegistration, db
from models.credit_code import credit_code_problem
from models.field_limits import length_problems
from models.registration import PENDING, REJECTED
from workflow.header import MOBILE

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$")
FIELDS = ("enterprise_name", "credit_code", "district", "contact_person", "mobile", "username", "password", "conf_password")
LIMITS = {"enterprise_name": 200, "contact_person": 50}


def read_application(form: Mapping[str, str], districts: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The posted values (trimmed, the credit code upper-cased) and the problems by field."""
    values = {name: (form.get(name) or "").strip() for name in FIELDS}
    values["password"], values["conf_password"] = form.get("password") or "", form.get("conf_password") or ""
    values["credit_code"] = values["credit_code"].upper()
    errors: dict[str, str] = {}
    if len(values["enterprise_name"]) < 2:
        errors["enterprise_name"] = "请填写企业名称（与营业执照一致）"
    errors.update(length_problems(values, LIMITS))
    problem = credit_code_problem(values["credit_code"])
    if problem:
        errors["credit_code"] = problem
    if values["district"] not in districts:
        errors["district"] = f"请选择企业注册所在的{current_app.extensions['criteria_pack'].term('district')}"
    if not values["contact_person"]:
        errors["contact_person"] = "请填写联系人姓名"
    if not MOBILE.match(values["mobile"].replace(" ", "")):
        errors["mobile"] = "手机号应为11位数字，以1开头（如13912345678）"
    if not USERNAME.match(values["username"]):
        errors["username"] = "用户名为 3–64 位字母、数字或 _ . @ -，以字母或数字开头"
    found = problems(values["password"], *policy_from(current_app.config))
    if found:
        errors["password"] = "密码不符合要求：" + "；".join(found)
    elif values["password"] != values["conf_password"]:
        errors["conf_password"] = "两次输入的密码不一致"
    return values, errors


def duplicate_problems(values: dict[str, str], application_id: int | None = None) -> dict[str, str]:
    """A credit code or user name already registered (in the registry, a login, or an open application
    other than ``application_id``)."""
    session = db.session
    others = EnterpriseRegistration.id != (application_id or 0)
    errors: dict[str, str] = {}
    code, username = values["credit_code"], values["username"]
    if session.execute(select(Enterprise.id).where(Enterprise.credit_code == code)).first():
        errors["credit_code"] = (
            f"统一社会信用代码 {code} 的企业已在平台登记，不能重复注册；"
            f"如需开通账号，请联系企业注册所在{current_app.extensions['criteria_pack'].term('district')}的主管部门"
        )
    elif session.execute(select(EnterpriseRegistration.id).where(EnterpriseRegistration.pending_credit_code == code, others)).first():
        errors["credit_code"] = f"统一社会信用代码 {code} 已提交注册申请，正在等待审核，不能重复注册"
    if (
        session.execute(select(AppUser.id).where(func.lower(AppUser.username) == username.lower())).first()
        or session.execute(
            select(EnterpriseRegistration.id).where(func.lower(EnterpriseRegistration.pending_username) == username.lower(), others)
        ).first()
    ):
        errors["username"] = f"用户名“{username}”已被使用，请换一个"
    return errors


def pending_message(username: str, password: str) -> str | None:
    """For a login that found no account: the state of this name's latest application, when the
    password is the one it was made with (nobody learns about others' applications)."""
    if not username or not password:
        return None
    latest = (
        db.session.query(EnterpriseRegistration)
        .filter(EnterpriseRegistration.username == username)
        .order_by(EnterpriseRegistration.id.desc())
        .first()
    )
    if latest is None or not check_password_hash(latest.password_hash, password):
        return None
    if latest.state == PENDING:
        return (
            f"“{latest.enterprise_name}”的注册申请正在等待{latest.district.name}主管部门审核，"
            "审核通过后才能登录；请耐心等待或联系该主管部门。"
        )
    if latest.state == REJECTED:
        return f"“{latest.enterprise_name}”的注册申请未通过审核：{latest.reason}。可修改后重新提交注册申请。"
    return None


class RegistrationView(BaseView):
    """Public: anyone may apply (CSRF-protected, and the login captcha when it is on)."""

    route_base = "/register"
    default_view = "register"

    def _districts(self) -> dict[str, str]:
        return {d.code: d.name for d in current_app.extensions["criteria_pack"].districts}

    def _page(self, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Any:
        image = token = None
        if captcha.enabled():
            token, image = captcha.issue()
        values = {k: v for k, v in values.items() if k not in ("password", "conf_password")}
        policy = describe(*policy_from(current_app.config))
        return render_template(
            "register.html",
            base_template=self.appbuilder.base_template,
            appbuilder=self.appbuilder,
            values=values,
            errors=errors,
            districts=self._districts(),
            policy=policy,
            captcha_image=image,
            captcha_token=token,
        ), status

    @expose("/", methods=["GET", "POST"])
    def register(self) -> Any:
        pack = current_app.extensions["criteria_pack"]
        if pack.registration_role is None:
            abort(404)  # the pack gives no role to self-registered enterprises: registration is off
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("HomeView.index"))
        if request.method != "POST":
            return self._page({}, {})
        values, errors = read_application(request.form, self._districts())
        if captcha.enabled() and not captcha.consume(request.form.get("captcha_token"), request.form.get("captcha")):
            errors["captcha"] = "验证码错误或已失效，请按图片重新输入"
        if not errors:
            errors = duplicate_problems(values)
        if errors:
            return self._page(values, errors, 422)
        district = db.session.query(District).filter_by(code=values["district"]).one()
        method = current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
        application = EnterpriseRegistration(
            enterprise_name=values["enterprise_name"],
            credit_code=values["credit_code"],
            district=district,
            contact_person=values["contact_person"],
            mobile=values["mobile"].replace(" ", ""),
            username=values["username"],
            password_hash=generate_password_hash(values["password"], method=method),
            state=PENDING,
            pending_credit_code=values["credit_code"],
            pending_username=values["username"],
        )
        db.session.add(application)
        try:
            db.session.commit()
        except IntegrityError:  # an identical application committed a moment earlier
            db.session.rollback()
            return self._page(values, duplicate_problems(values) or {"username": "该申请已提交，请勿重复提交"}, 422)
        return render_template(
            "register_done.html", base_template=self.appbuilder.base_template, appbuilder=self.appbuilder, application=application
        )
