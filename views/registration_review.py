"""注册审核: the district authority of the registered district (or an admin) approves or rejects the
self-registrations of enterprises.

The list is a generated, read-only screen (search, pages, export) scoped to the approver's districts;
each row's 审核 button opens the decision page. Approving creates, in one transaction, the enterprise
in the registry and its login (with the role the pack gives self-registered accounts, attached to
that enterprise only); if the credit code or the user name was taken meanwhile, nothing is written.
Rejecting needs a reason, which the applicant is shown when trying to log in. A decision takes the
application with a conditional UPDATE (only while it is still pending) before it writes anything
else, so of two decisions made at once the second finds it decided and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from markupsafe import Markup
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from criteria.pack import Pack
from models import AppUser, Enterprise, EnterpriseRegistration, db
from models.registration import APPROVED, PENDING, REJECTED, STATE_LABELS
from views.factory import Resource
from views.registration import duplicate_problems
from views.registry import BASIC
from views.scope import ScopeViolation, ensure_in_scope
from views.scoped_data import ScopedInterface


def registration_resource(pack: Pack) -> Resource:
    return Resource(
        name="EnterpriseRegistration",
        model=EnterpriseRegistration,
        title="注册审核",
        category=BASIC,
        access=("registrations",),
        api=False,
        labels={
            "id": "审核",
            "enterprise_name": "企业名称",
            "credit_code": "统一社会信用代码",
            "district": f"注册{pack.term('district')}",
            "contact_person": "联系人",
            "mobile": "手机号",
            "username": "登录用户名",
            "state": "状态",
            "reason": "未通过原因",
            "created_on": "申请时间",
            "decided_on": "审核时间",
            "enterprise": "登记的企业",
        },
        list_columns=["id", "enterprise_name", "credit_code", "district", "contact_person", "mobile", "state", "created_on"],
        show_columns=[
            "enterprise_name",
            "credit_code",
            "district",
            "contact_person",
            "mobile",
            "username",
            "state",
            "reason",
            "created_on",
            "decided_on",
            "enterprise",
        ],
        search_columns=["enterprise_name", "credit_code", "district", "state", "username"],
        formatters={
            "state": lambda code: STATE_LABELS.get(code, code),
            "id": lambda pk: Markup('<a class="btn btn-xs btn-primary" href="{}">审核</a>').format(
                url_for("RegistrationReviewView.page", pk=pk)
            ),
        },
        base_order=("created_on", "desc"),
        action_columns=("id",),
    )


LOCAL_CHOICES = {"1": True, "0": False}  # the approver's answer: registered in this city, or from elsewhere


class RegistrationReviewView(BaseView):
    route_base = "/registration"
    class_permission_name = "RegistrationReview"
    method_permission_name: ClassVar[dict[str, str]] = {name: "access" for name in ("page", "approve", "reject")}
    template = "registration_review.html"

    def _load(self, pk: int) -> EnterpriseRegistration:
        found = ScopedInterface(EnterpriseRegistration).get(pk)
        if found is None:
            abort(404)
        return found

    def _back(self, found: EnterpriseRegistration) -> Any:
        return redirect(url_for(".page", pk=found.id))

    def _decidable(self, found: EnterpriseRegistration) -> bool:
        if found.state != PENDING:
            flash(f"该申请已{STATE_LABELS.get(found.state, found.state)}，不能再次审核", "danger")
            return False
        if request.form.get("confirm") != "1":
            flash("请确认后再提交审核结果", "danger")
            return False
        return True

    def _claim(self, found: EnterpriseRegistration, state: str) -> bool:
        """Move the application out of pending in the database, only if it still is: the first write
        of a decision. A decision taken meanwhile (another approver, another tab) makes this one
        change nothing and say so."""
        table = EnterpriseRegistration.__table__
        claimed = db.session.execute(update(table).where(table.c.id == found.id, table.c.state == PENDING).values(state=state)).rowcount
        if claimed == 1:
            return True
        db.session.rollback()
        decided = STATE_LABELS.get(found.state, found.state)  # reloaded after the rollback
        flash(f"该注册申请已由他人审核（{decided}），本次操作未生效", "danger")
        return False

    @expose("/<int:pk>")
    @has_access
    def page(self, pk: int) -> Any:
        found = self._load(pk)
        problems = (
            duplicate_problems({"credit_code": found.credit_code, "username": found.username}, found.id) if found.state == PENDING else {}
        )
        return self.render_template(self.template, application=found, states=STATE_LABELS, problems=problems, values=request.args)

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk: int) -> Any:
        found = self._load(pk)
        if not self._decidable(found):
            return self._back(found)
        problems = duplicate_problems({"credit_code": found.credit_code, "username": found.username}, found.id)
        if problems:
            flash("不能通过：" + "；".join(problems.values()), "danger")
            return self._back(found)
        local = LOCAL_CHOICES.get(request.form.get("is_local", ""))
        if local is None:
            flash("请选择该企业是本地企业还是外地进入本市的企业，未做任何修改", "danger")
            return self._back(found)
        pack: Pack = current_app.extensions["criteria_pack"]
        role = current_app.appbuilder.sm.find_role(pack.registration_role.label)
        if not self._claim(found, APPROVED):
            return self._back(found)
        enterprise = Enterprise(
            name=found.enterprise_name,
            credit_code=found.credit_code,
            district_id=found.district_id,
            is_local=local,
            contact_person=found.contact_person,
            contact_phone=found.mobile,
        )
        user = AppUser(
            first_name=found.contact_person[:64],
            last_name=found.enterprise_name[:64],
            username=found.username,
            email=f"{found.username}@register.invalid",
            active=True,
            password=found.password_hash,
            roles=[role],
            enterprise=enterprise,
            must_change_password=False,
        )
        db.session.add_all([enterprise, user])
        found.state, found.decided_on, found.decided_by_fk = APPROVED, datetime.datetime.now(), g.user.id
        found.pending_credit_code = found.pending_username = None
        found.enterprise = enterprise
        try:
            ensure_in_scope(db.session, enterprise)  # the approver's districts only
            db.session.flush()
            found.user_id = user.id
            db.session.commit()
        except ScopeViolation as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return self._back(found)
        except IntegrityError:
            db.session.rollback()
            flash("不能通过：统一社会信用代码、用户名或邮箱已被其他记录使用，未做任何修改", "danger")
            return self._back(self._load(pk))
        flash(f"已通过“{found.enterprise_name}”的注册申请：企业已登记，账号“{found.username}”可以登录", "success")
        return self._back(found)

    @expose("/<int:pk>/reject", methods=["POST"])
    @has_access
    def reject(self, pk: int) -> Any:
        found = self._load(pk)
        if not self._decidable(found):
            return self._back(found)
        reason = request.form.get("reason", "").strip()
        if not reason:
            flash("不通过时须填写原因（申请人登录时会看到）", "danger")
            return self._back(found)
        if not self._claim(found, REJECTED):
            return self._back(found)
        found.state, found.reason = REJECTED, reason[:1000]
        found.decided_on, found.decided_by_fk = datetime.datetime.now(), g.user.id
        found.pending_credit_code = found.pending_username = None
        db.session.commit()
        flash(f"已退回“{found.enterprise_name}”的注册申请：{reason}", "success")
        return self._back(found)
