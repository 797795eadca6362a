"""Password policy wherever a password is set, and the forced change of admin-set passwords."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from accounts.password_policy import problems, required_classes
from app import create_app
from cli.demo_data import DEMO_PASSWORD
from models import Enterprise, db
from settings import default_config
from tests.login_helpers import logged_in, post_login, user
from tests.support import csrf_token, login, visible_text

NEW = "Fresh#2027ab"


def defaults() -> tuple[int, tuple[str, ...]]:
    config = default_config()
    return config["PASSWORD_MIN_LENGTH"], required_classes(config["PASSWORD_REQUIRED_CLASSES"])


def test_demo_password_meets_the_default_policy():
    assert problems(DEMO_PASSWORD, *defaults()) == []


def test_policy_names_every_missing_part():
    found = problems("abc", *defaults())
    assert found == ["长度至少 8 位（当前 3 位）", "缺少大写字母、数字、特殊符号（如 @ # $ ! 等）"]
    assert problems("abcdefgh1A", 8, ("lower", "upper", "digit")) == []


def test_a_misspelt_character_class_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match=r"PASSWORD_REQUIRED_CLASSES.*capital"):
        create_app({"PASSWORD_REQUIRED_CLASSES": "lower,capital", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def _add_user(admin, app, username: str, password: str, confirm: str | None = None):
    with app.app_context():
        role = app.appbuilder.sm.find_role(next(r.label for r in app.extensions["criteria_pack"].roles if r.scope == "enterprise"))
        enterprise = db.session.query(Enterprise).order_by(Enterprise.id).first()
        role_id, enterprise_id = role.id, enterprise.id
    token = csrf_token(admin, "/users/add")
    return admin.post(
        "/users/add",
        data={
            "first_name": "新",
            "last_name": "用户",
            "username": username,
            "active": "y",
            "email": f"{username}@example.invalid",
            "roles": [str(role_id)],
            "enterprise": str(enterprise_id),
            "password": password,
            "conf_password": password if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def _exists(app, username: str) -> bool:
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username) is not None


@pytest.fixture
def admin(app):
    client = app.test_client()
    login(client, "admin")
    return client


def test_admin_cannot_open_an_account_with_a_weak_password(app, admin):
    answer = _add_user(admin, app, "weak_user", "short1")
    text = visible_text(answer.get_data(as_text=True))
    assert answer.status_code == 200
    assert "密码不符合要求：长度至少 8 位（当前 6 位）；缺少大写字母、特殊符号" in text
    assert not _exists(app, "weak_user")
    # the form says what the policy is before anyone types
    assert "密码至少 8 位，且须同时包含小写字母、大写字母、数字、特殊符号" in visible_text(admin.get("/users/add").get_data(as_text=True))


def test_policy_length_is_configurable(app, admin):
    app.config["PASSWORD_MIN_LENGTH"] = 12
    text = visible_text(_add_user(admin, app, "long_user", DEMO_PASSWORD).get_data(as_text=True))
    assert "长度至少 12 位（当前 11 位）" in text
    assert not _exists(app, "long_user")


def test_an_account_opened_by_the_admin_must_change_its_password_first(app, admin):
    answer = _add_user(admin, app, "new_user", NEW)
    assert answer.status_code == 302, visible_text(answer.get_data(as_text=True))
    assert user(app, "new_user").must_change_password

    client = app.test_client()
    first = post_login(client, "new_user", NEW)
    assert first.status_code == 302 and first.headers["Location"].endswith("/resetmypassword/form")
    page = visible_text(client.get("/resetmypassword/form").get_data(as_text=True))
    assert "请先修改密码" in page
    for url in ("/", "/enterpriseview/list/", "/users/userinfo/"):
        bounced = client.get(url)
        assert bounced.status_code == 302 and bounced.headers["Location"].endswith("/resetmypassword/form"), url
    api = client.get("/api/v1/enterprise/")
    assert api.status_code == 403 and "修改" in api.get_json()["message"]
    token = app.test_client().post("/api/v1/security/login", json={"username": "new_user", "password": NEW, "provider": "db"})
    assert token.status_code == 403 and "修改" in token.get_json()["message"]  # no token until the password is changed

    form_token = csrf_token(client, "/resetmypassword/form")
    same = client.post(
        "/resetmypassword/form", data={"current_password": NEW, "password": NEW, "conf_password": NEW, "csrf_token": form_token}
    )
    assert "新密码不能与当前密码相同" in visible_text(same.get_data(as_text=True))
    weak = client.post(
        "/resetmypassword/form",
        data={"current_password": NEW, "password": "nouppercase1!", "conf_password": "nouppercase1!", "csrf_token": form_token},
    )
    assert "缺少大写字母" in visible_text(weak.get_data(as_text=True))
    mismatch = client.post(
        "/resetmypassword/form",
        data={"current_password": NEW, "password": "Chosen@2027cd", "conf_password": "Other@2027cd", "csrf_token": form_token},
    )
    assert "两次输入的密码不一致" in visible_text(mismatch.get_data(as_text=True))
    assert user(app, "new_user").must_change_password  # nothing stored by the refused attempts

    done = client.post(
        "/resetmypassword/form",
        data={"current_password": NEW, "password": "Chosen@2027cd", "conf_password": "Chosen@2027cd", "csrf_token": form_token},
    )
    assert done.status_code == 302
    changed = user(app, "new_user")
    assert not changed.must_change_password and check_password_hash(changed.password, "Chosen@2027cd")
    assert client.get("/enterpriseview/list/").status_code == 200


def test_admin_reset_is_checked_forces_a_change_and_unlocks(app, admin, monkeypatch):
    from tests.login_helpers import Clock
    from tests.test_login_security import fail

    clock = Clock(monkeypatch)
    victim = app.test_client()
    fail(victim, "enterprise_01", 5, clock)
    target = user(app, "enterprise_01")
    url = f"/resetpassword/form?pk={target.id}"
    token = csrf_token(admin, url)
    weak = admin.post(url, data={"password": "abc", "conf_password": "abc", "csrf_token": token})
    assert "密码不符合要求" in visible_text(weak.get_data(as_text=True))
    assert user(app, "enterprise_01").password == target.password

    assert admin.post(url, data={"password": NEW, "conf_password": NEW, "csrf_token": token}).status_code == 302
    after = user(app, "enterprise_01")
    assert after.must_change_password and after.locked_until is None and after.fail_login_count == 0
    answered = post_login(victim, "enterprise_01", NEW)
    assert answered.headers["Location"].endswith("/resetmypassword/form")


def test_a_user_changes_its_own_password_under_the_policy(app, client):
    login(client, "enterprise_02")
    assert "重置我的密码" in visible_text(client.get("/users/userinfo/").get_data(as_text=True))  # own page
    token = csrf_token(client, "/resetmypassword/form")
    weak = client.post(
        "/resetmypassword/form",
        data={"current_password": DEMO_PASSWORD, "password": "alllowercase", "conf_password": "alllowercase", "csrf_token": token},
    )
    assert "缺少大写字母、数字、特殊符号" in visible_text(weak.get_data(as_text=True))
    assert check_password_hash(user(app, "enterprise_02").password, DEMO_PASSWORD)
    changed = {"current_password": DEMO_PASSWORD, "password": NEW, "conf_password": NEW, "csrf_token": token}
    assert client.post("/resetmypassword/form", data=changed).status_code == 302
    client.get("/logout/")
    login(client, "enterprise_02", NEW)


def test_demo_accounts_are_not_forced_to_change(app, client):
    answered = post_login(client, "city_station", DEMO_PASSWORD)
    assert answered.status_code == 302 and "resetmypassword" not in answered.headers["Location"]
    assert logged_in(client)
