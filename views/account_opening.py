"""开通账号 (系统管理): the administrator's form that opens an account with a person's 姓名 and 手机号,
a role of the pack and its enterprise or districts (``services/open_account.py`` checks and writes)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import select

from accounts.password_policy import describe, policy_from
from models import District, Enterprise, db
from models.criteria_versions import active_pack
from services.errors import Invalid
from services.open_account import open_account, read_account


class AccountOpeningView(BaseView):
    route_base = "/accounts"
    default_view = "open"
    template = "account_opening.html"

    def _page(self, values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
        pack = active_pack()
        policy = policy_from(current_app.config)
        return (
            self.render_template(
                self.template,
                roles=pack.roles,
                enterprises=db.session.execute(select(Enterprise.id, Enterprise.name).order_by(Enterprise.name)).all(),
                districts=db.session.execute(select(District.id, District.name).order_by(District.sort_order, District.id)).all(),
                values=values,
                errors=errors,
                password_rule=describe(*policy),
            ),
            status,
        )

    @expose("/open", methods=["GET", "POST"])
    @has_access
    def open(self) -> Any:
        if request.method == "GET":
            return self._page({}, {})
        chosen = request.form.getlist("districts")
        values = {**{k: v for k, v in request.form.items() if "password" not in k}, "districts": chosen}
        try:
            account = read_account(db.session, active_pack(), request.form, chosen, policy_from(current_app.config))
            user = open_account(db.session, self.appbuilder.sm.find_role(account.role.label), account)
        except Invalid as problem:
            flash(problem.message, "danger")
            return self._page(values, problem.errors, 422)
        flash(f"已为{account.name}开通“{account.role.label}”账号，登录名为手机号 {account.mobile}；首次登录须修改初始密码。", "success")
        return redirect(url_for("AppUserView.show", pk=user.id))
