"""开通账号: the administrator opens an account the seed's way, with a person's 姓名 and 手机号 (the
login name), a role of the pack and the records the role is bound to (its enterprise, or its
districts). Every field is checked and every problem named beside its field; a refused form writes
nothing; the new account must choose its own password at first login.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from accounts.password_policy import problems
from criteria.pack import Pack, Role
from models import AppUser, District, Enterprise
from services.errors import Invalid
from workflow.header import MOBILE

NAME = re.compile(r"^[\u4e00-\u9fa5][\u4e00-\u9fa5·]{1,19}$")
FIELDS = ("person_name", "mobile", "role", "enterprise", "password", "conf_password")


@dataclass(frozen=True)
class AccountForm:
    """The checked values of the form."""

    name: str
    mobile: str
    role: Role
    enterprise_id: int | None
    district_ids: tuple[int, ...]
    password: str


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def read_account(
    session: Session, pack: Pack, form: Mapping[str, Any], districts: list[str], policy: tuple[int, tuple[str, ...]]
) -> AccountForm:
    """The form's values, or Invalid with the problem of each field (``districts``: the ids chosen)."""
    text = {name: str(form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    name, mobile = text["person_name"], text["mobile"].replace(" ", "")
    if not NAME.match(name):
        errors["person_name"] = "请填写使用人的姓名：2–20 个汉字（少数民族姓名可含“·”）"
    if not MOBILE.match(mobile):
        errors["mobile"] = "手机号应为11位数字，以1开头（如13912345678）；开通后以手机号登录"
    elif session.execute(select(func.count()).select_from(AppUser).where(func.lower(AppUser.username) == mobile)).scalar_one():
        errors["mobile"] = f"手机号 {mobile} 已开通账号，不能重复开通"
    role = next((r for r in pack.roles if r.code == text["role"]), None)
    if role is None:
        errors["role"] = "请选择角色"
    enterprise_id = _number(text["enterprise"])
    district_ids = tuple(sorted({n for n in (_number(d) for d in districts) if n is not None}))
    if role is not None and role.scope == "enterprise":
        if enterprise_id is None or session.get(Enterprise, enterprise_id) is None:
            errors["enterprise"] = f"“{role.label}”的账号须选择所属企业，只能看到本企业的数据"
    if role is not None and role.scope == "district":
        found = session.execute(select(func.count()).select_from(District).where(District.id.in_(district_ids))).scalar_one()
        if not district_ids or found != len(district_ids):
            word = pack.term("district")
            errors["districts"] = f"“{role.label}”的账号须选择负责的{word}，只能看到这些{word}的数据"
    found_problems = problems(form.get("password") or "", *policy)
    if found_problems:
        errors["password"] = "初始密码不符合要求：" + "；".join(found_problems)
    elif (form.get("password") or "") != (form.get("conf_password") or ""):
        errors["conf_password"] = "两次输入的密码不一致"
    if errors or role is None:
        raise Invalid("有内容填写有误，账号未开通，请按提示修改。", errors)
    scope = role.scope
    return AccountForm(
        name,
        mobile,
        role,
        enterprise_id if scope == "enterprise" else None,
        district_ids if scope == "district" else (),
        form.get("password") or "",
    )


def open_account(session: Session, fab_role: Any, account: AccountForm) -> AppUser:
    """Create the account in one transaction: surname and given name kept apart (FAB's columns),
    written together wherever the person is named; the login name is the 手机号."""
    user = AppUser(
        last_name=account.name[0],
        first_name=account.name[1:],
        username=account.mobile,
        email=f"{account.mobile}@accounts.invalid",
        active=True,
        password=generate_password_hash(account.password),
        roles=[fab_role],
        must_change_password=True,
    )
    if account.enterprise_id is not None:
        user.enterprise = session.get(Enterprise, account.enterprise_id)
    if account.district_ids:
        user.districts = list(session.scalars(select(District).where(District.id.in_(account.district_ids))))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:  # the same 手机号 opened a moment earlier
        session.rollback()
        raise Invalid("账号未开通，请按提示修改。", {"mobile": f"手机号 {account.mobile} 已开通账号，不能重复开通"}) from None
    return user
