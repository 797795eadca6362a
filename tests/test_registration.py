"""Enterprise self-registration: the public form, pending until the district authority (or an admin)
approves it on 注册审核, then a login that reaches only its own enterprise; bad input and duplicate
credit codes refused with clear messages and nothing written."""

from __future__ import annotations

import re

import pytest

from models import AppUser, District, Enterprise, EnterpriseRegistration, db
from models.credit_code import check_character
from tests import records
from tests.login_helpers import fix_captcha_answers
from tests.support import TOKEN, csrf_token, login, visible_text

PASSWORD = "Reg@2026ister"
BODY = "91370212MA3RG0001"
CODE = BODY + check_character(BODY)


def form(client, **changes):
    page = client.get("/register/").get_data(as_text=True)
    data = {
        "csrf_token": TOKEN.search(page).group(1),
        "enterprise_name": "青岛新注册建设有限公司",
        "credit_code": CODE,
        "district": "laoshan",
        "contact_person": "冯联系",
        "mobile": "13912345678",
        "username": "xinzhuce",
        "password": PASSWORD,
        "conf_password": PASSWORD,
        **changes,
    }
    return data


def register(client, **changes):
    return client.post("/register/", data=form(client, **changes))


def shown(answer) -> str:
    return visible_text(answer.get_data(as_text=True))


def try_login(client, username, password):
    token = csrf_token(client, "/login/")
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=True)


def application(app, username="xinzhuce"):
    with app.app_context():
        found = db.session.query(EnterpriseRegistration).filter_by(username=username).order_by(EnterpriseRegistration.id.desc()).first()
        return found.id if found else None


def decide(client, pk, action, **data):
    token = csrf_token(client, "/resetmypassword/form")  # the decision page has no form once decided
    local = {"is_local": "1"} if action == "approve" else {}  # the approver's choice of 本地企业
    return client.post(f"/registration/{pk}/{action}", data={"csrf_token": token, "confirm": "1", **local, **data}, follow_redirects=True)


def test_the_login_page_links_to_the_registration_form(client):
    login_page = client.get("/login/").get_data(as_text=True)
    assert 'href="/register/"' in login_page and "企业注册" in login_page
    page = shown(client.get("/register/"))
    for label in ("企业名称", "统一社会信用代码", "注册所在区（市）", "联系人", "联系人手机号", "登录用户名", "密码", "崂山区"):
        assert label in page


def test_registration_approval_and_login(app, client):
    done = register(client)
    assert done.status_code == 200 and "正在等待崂山区主管部门审核" in shown(done)
    assert records.count(app, Enterprise, credit_code=CODE) == 0 and records.count(app, AppUser, username="xinzhuce") == 0

    # pending: the login says so (only to who knows the password)
    assert "正在等待崂山区主管部门审核，审核通过后才能登录" in shown(try_login(client, "xinzhuce", PASSWORD))
    assert "用户名或密码错误" in shown(try_login(client, "xinzhuce", "Wrong@2026pass"))

    # other districts, other roles and the enterprise cannot decide
    pk = application(app)
    for username, status in (
        ("district_authority_shinan", 404),
        ("supervisor_laoshan", 403),
        ("enterprise_01", 403),
        ("city_station", 403),
    ):
        login(client, username)
        assert client.get(f"/registration/{pk}").status_code == status, username
        client.get("/logout/")
    login(client, "district_authority_shinan")
    assert "青岛新注册建设有限公司" not in client.get("/enterpriseregistrationview/list/").get_data(as_text=True)
    client.get("/logout/")

    login(client, "district_authority_laoshan")
    listed = shown(client.get("/enterpriseregistrationview/list/"))
    assert "青岛新注册建设有限公司" in listed and "待审核" in listed
    page = client.get(f"/registration/{pk}").get_data(as_text=True)
    assert "确定通过“青岛新注册建设有限公司”的注册申请吗" in page  # the confirmation
    assert "请确认后再提交" in shown(decide(client, pk, "approve", confirm=""))
    assert "已通过“青岛新注册建设有限公司”的注册申请" in shown(decide(client, pk, "approve"))
    assert "不能再次审核" in shown(decide(client, pk, "reject", reason="重复"))
    client.get("/logout/")

    with app.app_context():
        user = db.session.query(AppUser).filter_by(username="xinzhuce").one()
        company = db.session.get(Enterprise, user.enterprise_id)
        assert (company.name, company.credit_code, company.district.code) == ("青岛新注册建设有限公司", CODE, "laoshan")
        assert [r.name for r in user.roles] == ["施工企业"] and not user.must_change_password
        own, other = company.id, db.session.query(Enterprise).filter(Enterprise.id != company.id).first().id

    # the approved enterprise logs in and reaches only its own enterprise
    assert "当前角色" in shown(try_login(client, "xinzhuce", PASSWORD))
    listed = client.get("/api/v1/enterprise/").get_json()
    assert listed["count"] == 1 and listed["result"][0]["credit_code"] == CODE
    assert client.get(f"/api/v1/enterprise/{other}").status_code == 404
    assert client.get(f"/api/v1/enterprise/{own}").status_code == 200


def test_rejection_needs_a_reason_which_the_applicant_sees(app, client):
    register(client)
    pk = application(app)
    login(client, "admin")  # an admin decides for any district
    assert "不通过时须填写原因" in shown(decide(client, pk, "reject", reason=" "))
    assert "已退回" in shown(decide(client, pk, "reject", reason="营业执照名称与填写不一致"))
    client.get("/logout/")
    assert "注册申请未通过审核：营业执照名称与填写不一致" in shown(try_login(client, "xinzhuce", PASSWORD))
    # a rejected application may be made again
    assert "正在等待崂山区主管部门审核" in shown(register(client, enterprise_name="青岛新注册建设有限公司（更正）"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"credit_code": BODY + ("0" if check_character(BODY) != "0" else "1")}, "credit_code", "校验位错误"),
        ({"credit_code": "91370212MA3RG000"}, "credit_code", "应为18位"),
        ({"mobile": "0532-8888666"}, "mobile", "手机号应为11位数字"),
        ({"district": "nowhere"}, "district", "请选择企业注册所在的区（市）"),
        ({"password": "short", "conf_password": "short"}, "password", "长度至少 8 位"),
        ({"conf_password": "Other@2026pass"}, "conf_password", "两次输入的密码不一致"),
        ({"username": "a"}, "username", "用户名为 3–64 位"),
        ({"enterprise_name": ""}, "enterprise_name", "请填写企业名称"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_written(app, client, changes, field, message):
    answer = register(client, **changes)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    error = re.search(rf'id="error-{field}">([^<]*)<', html)
    assert error and message in error.group(1), html[-2000:]
    assert 'value="冯联系"' in html and PASSWORD not in html  # input kept, passwords not echoed
    assert records.count(app, EnterpriseRegistration, username="xinzhuce") == 0


def test_duplicate_credit_codes_and_user_names_are_refused(app, client):
    with app.app_context():
        existing = db.session.query(Enterprise).order_by(Enterprise.id).first().credit_code
    answer = register(client, credit_code=existing)
    assert answer.status_code == 422 and "已在平台登记，不能重复注册" in shown(answer)
    assert "已被使用" in shown(register(client, username="enterprise_01"))
    assert "正在等待" in shown(register(client))
    again = register(client, username="another_name")
    assert again.status_code == 422 and "已提交注册申请，正在等待审核，不能重复注册" in shown(again)
    other = "91370212MA3RG0002"
    assert "已被使用" in shown(register(client, credit_code=other + check_character(other), username="XINZHUCE"))
    assert records.count(app, EnterpriseRegistration) == 1 + records.count(app, EnterpriseRegistration, username="apply_demo")


def test_approval_is_refused_when_the_credit_code_was_registered_meanwhile(app, client):
    register(client)
    pk = application(app)
    with app.app_context():
        district = db.session.query(District).filter_by(code="laoshan").one()
        db.session.add(Enterprise(name="同码企业", credit_code=CODE, district=district))
        db.session.commit()
    users = records.count(app, AppUser)
    login(client, "district_authority_laoshan")
    assert "不能通过" in shown(decide(client, pk, "approve"))
    assert records.count(app, AppUser) == users and records.count(app, Enterprise, credit_code=CODE) == 1
    with app.app_context():
        assert db.session.get(EnterpriseRegistration, pk).state == "pending"


def test_the_captcha_is_asked_when_the_login_uses_it(app, client, monkeypatch):
    app.config["LOGIN_CAPTCHA"] = True
    answer = fix_captcha_answers(monkeypatch)
    page = client.get("/register/").get_data(as_text=True)
    assert 'id="captcha-image"' in page
    token = re.search(r'name="captcha_token" id="captcha_token" value="([^"]+)"', page).group(1)
    data = {**form(client), "captcha_token": token, "captcha": "WRNG"}
    refused = client.post("/register/", data=data)
    assert refused.status_code == 422 and "验证码错误或已失效" in shown(refused)
    page = client.get("/register/").get_data(as_text=True)
    token = re.search(r'name="captcha_token" id="captcha_token" value="([^"]+)"', page).group(1)
    data = {**form(client), "captcha_token": token, "captcha": answer}
    assert "正在等待" in shown(client.post("/register/", data=data))


def test_the_registration_captcha_can_be_replaced_by_a_new_one(app, client, monkeypatch):
    """换一张: the page's link asks the login view for a new captcha; the replaced one stops working."""
    app.config["LOGIN_CAPTCHA"] = True
    answer = fix_captcha_answers(monkeypatch)
    page = client.get("/register/").get_data(as_text=True)
    assert 'id="captcha-refresh"' in page and "换一张" in page
    old = re.search(r'name="captcha_token" id="captcha_token" value="([^"]+)"', page).group(1)
    fresh = client.get("/login/captcha", query_string={"previous": old}).get_json()
    assert fresh["token"] != old and fresh["image"].startswith("data:image/")
    refused = client.post("/register/", data={**form(client), "captcha_token": old, "captcha": answer})
    assert refused.status_code == 422 and "验证码错误或已失效" in shown(refused)
    data = {**form(client), "captcha_token": fresh["token"], "captcha": answer}
    assert "正在等待" in shown(client.post("/register/", data=data))


def test_the_approver_says_whether_the_enterprise_is_local(app, client):
    register(client)
    pk = application(app)
    login(client, "district_authority_laoshan")
    page = client.get(f"/registration/{pk}").get_data(as_text=True)
    assert 'name="is_local" value="1"' in page and 'name="is_local" value="0"' in page and "外地进入本市的企业" in page
    assert "请选择该企业是本地企业还是外地进入本市的企业" in shown(decide(client, pk, "approve", is_local=""))
    assert records.count(app, Enterprise, credit_code=CODE) == 0
    with app.app_context():
        assert db.session.get(EnterpriseRegistration, pk).state == "pending"
    assert "已通过" in shown(decide(client, pk, "approve", is_local="0"))
    with app.app_context():
        assert db.session.query(Enterprise).filter_by(credit_code=CODE).one().is_local is False


def test_list_links_follow_where_the_platform_is_mounted(app, client):
    """Behind a reverse proxy under a path prefix (SCRIPT_NAME), the 审核 and 办理 buttons keep it."""
    pk = application(app, "apply_demo")
    login(client, "district_authority_shinan")
    listed = client.get("/enterpriseregistrationview/list/", environ_overrides={"SCRIPT_NAME": "/platform"})
    assert f'href="/platform/registration/{pk}"' in listed.get_data(as_text=True)
    assessments = client.get("/generalassessmentview/list/", environ_overrides={"SCRIPT_NAME": "/platform"})
    assert re.search(r'href="/platform/assessment/general/\d+">办理', assessments.get_data(as_text=True))
