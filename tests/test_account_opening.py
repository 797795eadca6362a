"""开通账号: the administrator opens an account with a person's 姓名 and 手机号 (the login name), a role of
the pack and the enterprise or districts it is bound to; every wrong field is named and nothing is
written; the person is named by 姓名 wherever the account acts; the first login asks for a new password."""

from __future__ import annotations

from models import AppUser, District, Enterprise, db
from tests.support import csrf_token, login, visible_text

PASSWORD = "Kaitong@2026x"


def _open(client, **fields):
    token = csrf_token(client, "/accounts/open")
    data = {"csrf_token": token, "password": PASSWORD, "conf_password": PASSWORD, **fields}
    return client.post("/accounts/open", data=data, follow_redirects=True)


def _accounts(app) -> int:
    with app.app_context():
        return db.session.query(AppUser).count()


def test_the_admin_opens_an_enterprise_account_by_name_and_mobile(app, client):
    with app.app_context():
        company = db.session.query(Enterprise).order_by(Enterprise.id).first()
        company_id, company_name = company.id, company.name
    login(client, "admin")
    page = visible_text(client.get("/accounts/open").get_data(as_text=True))
    assert "姓名" in page and "手机号" in page and "施工企业" in page and "负责区（市）" in page
    before = _accounts(app)

    wrong = _open(client, person_name="a1", mobile="2391234567", role="enterprise", enterprise="")
    text = visible_text(wrong.get_data(as_text=True))
    assert wrong.status_code == 422 and "账号未开通" in text
    assert "请填写使用人的姓名" in text and "手机号应为11位数字" in text and "须选择所属企业" in text
    assert "初始密码" in text and _accounts(app) == before

    opened = _open(client, person_name="欧阳晓明", mobile="13966660001", role="enterprise", enterprise=str(company_id))
    assert "已为欧阳晓明开通“施工企业”账号，登录名为手机号 13966660001" in visible_text(opened.get_data(as_text=True))
    with app.app_context():
        user = db.session.query(AppUser).filter_by(username="13966660001").one()
        assert user.get_full_name() == "欧阳晓明" and user.enterprise.name == company_name and user.must_change_password
        assert [role.name for role in user.roles] == ["施工企业"]
    again = _open(client, person_name="欧阳晓明", mobile="13966660001", role="enterprise", enterprise=str(company_id))
    assert "已开通账号，不能重复开通" in visible_text(again.get_data(as_text=True)) and _accounts(app) == before + 1

    client.get("/logout/")
    token = csrf_token(client, "/login/")
    first = client.post("/login/", data={"username": "13966660001", "password": PASSWORD, "csrf_token": token})
    assert first.status_code == 302 and "/login" not in first.headers["Location"]
    assert "password" in client.get("/", follow_redirects=True).request.path.lower()  # must choose a password first


def test_a_district_account_needs_its_districts(app, client):
    with app.app_context():
        laoshan = db.session.query(District).filter_by(code="laoshan").one().id
    login(client, "admin")
    refused = _open(client, person_name="马丽", mobile="13966660002", role="supervisor")
    assert "须选择负责的区（市）" in visible_text(refused.get_data(as_text=True))
    _open(client, person_name="马丽", mobile="13966660002", role="supervisor", districts=str(laoshan))
    with app.app_context():
        user = db.session.query(AppUser).filter_by(username="13966660002").one()
        assert [d.code for d in user.districts] == ["laoshan"] and user.enterprise is None


def test_only_the_admin_opens_accounts(app, client):
    login(client, "city_station")
    assert client.get("/accounts/open").status_code in (302, 403)
    before = _accounts(app)
    assert client.post("/accounts/open", data={"person_name": "王五", "mobile": "13966660003", "role": "city_station"}).status_code in (
        302,
        400,
        403,
    )
    assert _accounts(app) == before
