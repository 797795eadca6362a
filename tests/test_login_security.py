"""Login hardening: the image captcha, account lockout, and CSRF on the login and password forms."""

from __future__ import annotations

import base64
import re

import pytest

from cli.demo_data import DEMO_PASSWORD
from models import LoginCaptcha, db
from settings import default_config
from tests.login_helpers import Clock, fix_captcha_answers, logged_in, login_form, post_login, user
from tests.support import login, visible_text

WRONG = "Wrong@2026xx"


@pytest.fixture
def captcha_on(app):
    app.config["LOGIN_CAPTCHA"] = True
    return app


# --- captcha -----------------------------------------------------------------------------------


def test_login_page_shows_a_captcha_image_with_a_refresh(captcha_on, client):
    answer = client.get("/login/")
    page = answer.get_data(as_text=True)
    assert "换一张" in page and "验证码" in visible_text(page) and 'name="captcha_token"' in page
    assert "no-store" in answer.headers["Cache-Control"]
    image = re.search(r'id="captcha-image" src="data:image/png;base64,([^"]+)"', page)
    assert image and base64.b64decode(image.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    _, first = login_form(client)
    fresh = client.get(f"/login/captcha?previous={first}")
    body = fresh.get_json()
    assert fresh.status_code == 200 and "no-store" in fresh.headers["Cache-Control"]
    assert body["token"] != first and base64.b64decode(body["image"].split(",", 1)[1]).startswith(b"\x89PNG")
    with captcha_on.app_context():
        assert db.session.get(LoginCaptcha, first) is None  # the replaced captcha is gone


def test_the_answer_never_reaches_the_browser(captcha_on, client, monkeypatch):
    answer = fix_captcha_answers(monkeypatch, "QW7R")
    response = client.get("/login/")
    _, token = login_form(client)
    assert answer not in response.get_data(as_text=True)
    assert answer not in response.headers.get("Set-Cookie", "")
    with captcha_on.app_context():
        row = db.session.get(LoginCaptcha, token)
        assert row is not None and answer not in row.answer_digest


def test_solved_captcha_and_right_password_log_in(captcha_on, client, monkeypatch):
    answer = fix_captcha_answers(monkeypatch)
    answered = post_login(client, "enterprise_01", DEMO_PASSWORD, answer.lower())  # case does not matter
    assert answered.status_code == 302 and "/login" not in answered.headers["Location"]
    assert logged_in(client)


@pytest.mark.parametrize("typed", ["ZZZZ", ""])
def test_wrong_or_missing_captcha_is_refused_and_keeps_the_username(captcha_on, client, monkeypatch, typed):
    fix_captcha_answers(monkeypatch)
    answered = post_login(client, "enterprise_01", DEMO_PASSWORD, typed)
    assert answered.status_code == 200
    page = answered.get_data(as_text=True)
    assert "验证码错误或已失效" in visible_text(page)
    assert 'value="enterprise_01"' in page
    assert 'src="data:image/png;base64,' in page  # a new captcha to try again
    assert not logged_in(client)
    # the password was never tried: the account's failure count is untouched
    assert not user(captcha_on, "enterprise_01").fail_login_count


def test_a_captcha_is_spent_by_its_first_use(captcha_on, client, monkeypatch):
    answer = fix_captcha_answers(monkeypatch)
    csrf, token = login_form(client)
    first = client.post(
        "/login/", data={"username": "enterprise_01", "password": WRONG, "captcha": answer, "captcha_token": token, "csrf_token": csrf}
    )
    assert "用户名或密码错误" in visible_text(first.get_data(as_text=True))
    again = client.post(
        "/login/",
        data={"username": "enterprise_01", "password": DEMO_PASSWORD, "captcha": answer, "captcha_token": token, "csrf_token": csrf},
    )
    assert "验证码错误或已失效" in visible_text(again.get_data(as_text=True))
    assert not logged_in(client)


def test_a_refreshed_captcha_replaces_the_previous_one(captcha_on, client, monkeypatch):
    fix_captcha_answers(monkeypatch, "AAAA")
    csrf, old = login_form(client)
    fix_captcha_answers(monkeypatch, "BBBB")
    new = client.get(f"/login/captcha?previous={old}").get_json()["token"]  # 换一张
    stale = client.post(
        "/login/",
        data={"username": "enterprise_01", "password": DEMO_PASSWORD, "captcha": "AAAA", "captcha_token": old, "csrf_token": csrf},
    )
    assert "验证码错误或已失效" in visible_text(stale.get_data(as_text=True))
    fresh = client.post(
        "/login/",
        data={"username": "enterprise_01", "password": DEMO_PASSWORD, "captcha": "BBBB", "captcha_token": new, "csrf_token": csrf},
    )
    assert fresh.status_code == 302 and logged_in(client)


def test_an_old_captcha_expires(captcha_on, client, monkeypatch):
    clock = Clock(monkeypatch)
    answer = fix_captcha_answers(monkeypatch)
    csrf, token = login_form(client)
    clock.advance(captcha_on.config["LOGIN_CAPTCHA_TTL_SECONDS"] / 60 + 1)
    late = client.post(
        "/login/",
        data={"username": "enterprise_01", "password": DEMO_PASSWORD, "captcha": answer, "captcha_token": token, "csrf_token": csrf},
    )
    assert "验证码错误或已失效" in visible_text(late.get_data(as_text=True))


def test_captcha_can_be_turned_off(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "captcha-image" not in page and "验证码" not in visible_text(page)
    assert client.get("/login/captcha").status_code == 404
    login(client, "enterprise_01")


def test_captcha_setting_reads_the_environment(monkeypatch):
    monkeypatch.delenv("LOGIN_CAPTCHA", raising=False)
    assert default_config()["LOGIN_CAPTCHA"] is True
    for value, expected in (("0", False), ("off", False), ("false", False), ("1", True), ("on", True)):
        monkeypatch.setenv("LOGIN_CAPTCHA", value)
        assert default_config()["LOGIN_CAPTCHA"] is expected


# --- throttling per account name and client ------------------------------------------------------------


def fail(client, username: str, times: int, clock: Clock) -> str:
    """``times`` wrong passwords, each a minute after the previous one (the longest wait asked for)."""
    text = ""
    for _ in range(times):
        clock.advance(1)
        text = visible_text(post_login(client, username, WRONG).get_data(as_text=True))
    return text


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failures_slow_then_block_one_client_for_one_name(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    assert "用户名或密码错误" in fail(client, "enterprise_01", 3, clock)
    hurried = visible_text(post_login(client, "enterprise_01", DEMO_PASSWORD).get_data(as_text=True))
    assert "请 1 秒后再试" in hurried and not logged_in(client)  # too soon: not even the right password
    assert "用户名或密码错误" in fail(client, "enterprise_01", 1, clock)
    fifth = fail(client, "enterprise_01", 1, clock)
    assert "连续登录失败次数过多，已暂停登录" in fifth and "2026-11-23 09:20" in fifth
    clock.advance(14)
    refused = post_login(client, "enterprise_01", DEMO_PASSWORD)
    text = visible_text(refused.get_data(as_text=True))
    assert "已暂停登录" in text and "联系系统管理员解除锁定" in text
    assert 'value="enterprise_01"' in refused.get_data(as_text=True)
    assert not logged_in(client)
    assert str(user(app, "enterprise_01").locked_until) == "2026-11-23 09:20:00"


def test_the_owner_logs_in_from_another_client_while_one_is_blocked(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    attacker = from_address(app.test_client(), "203.0.113.7")
    assert "已暂停登录" in fail(attacker, "enterprise_01", 5, clock)
    login(from_address(client, "10.1.2.3"), "enterprise_01")  # the owner, elsewhere, is not locked out
    assert logged_in(client)


def test_the_block_runs_out_and_a_success_clears_the_clients_count(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    fail(client, "enterprise_01", 5, clock)
    clock.advance(16)
    login(client, "enterprise_01")
    client.get("/logout/")
    assert "已暂停登录" not in fail(client, "enterprise_01", 4, clock)  # counted from zero again


def test_failures_outside_the_window_do_not_add_up(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    fail(client, "enterprise_02", 4, clock)
    clock.advance(16)  # the window (15 minutes) has passed: a new run starts
    assert "已暂停登录" not in fail(client, "enterprise_02", 4, clock)


def test_throttling_is_configurable(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_LOCK_MINUTES=60)
    assert "已暂停登录" in fail(client, "enterprise_03", 2, clock)
    assert str(user(app, "enterprise_03").locked_until) == "2026-11-23 10:02:00"


def test_an_unknown_name_is_answered_exactly_like_a_known_one(client, monkeypatch):
    clock = Clock(monkeypatch)
    for name in ("nobody_here", "enterprise_05"):
        assert "用户名或密码错误" in fail(client, name, 1, clock)
    known, unknown = (re.sub(r"\d{2}:\d{2}", "hh:mm", fail(client, name, 4, clock)) for name in ("enterprise_05", "nobody_here"))
    assert known.replace("enterprise_05", "X") == unknown.replace("nobody_here", "X")
    assert "已暂停登录" in unknown


def test_the_token_login_of_the_api_honours_the_wait_and_the_block(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    body = {"username": "enterprise_01", "password": DEMO_PASSWORD, "provider": "db"}
    fail(client, "enterprise_01", 3, clock)
    waited = client.post("/api/v1/security/login", json=body)
    assert waited.status_code == 429 and "秒后再试" in waited.get_json()["message"]
    fail(client, "enterprise_01", 2, clock)
    blocked = client.post("/api/v1/security/login", json=body)
    assert blocked.status_code == 401 and "已暂停登录" in blocked.get_json()["message"]


def test_admin_unlocks_an_account_from_the_user_list(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    fail(client, "enterprise_01", 5, clock)
    locked = user(app, "enterprise_01")
    admin = from_address(app.test_client(), "10.9.9.9")
    login(admin, "admin")
    listing = visible_text(admin.get("/users/list/").get_data(as_text=True))
    assert "锁定至" in listing and "解除锁定" in listing
    shown = admin.get(f"/users/show/{locked.id}").get_data(as_text=True)
    assert "解除锁定" in shown and "登录安全" in shown
    done = admin.post("/users/action_post", data={"action": "unlock", "rowid": [str(locked.id)]}, follow_redirects=True)
    assert "已解除 1 个账号的登录锁定：enterprise_01" in visible_text(done.get_data(as_text=True))
    login(client, "enterprise_01")


def test_only_the_admin_may_unlock(app, client, monkeypatch):
    clock = Clock(monkeypatch)
    fail(client, "enterprise_01", 5, clock)
    locked = user(app, "enterprise_01")
    other = from_address(app.test_client(), "10.9.9.8")
    login(other, "city_station")
    other.post("/users/action_post", data={"action": "unlock", "rowid": [str(locked.id)]})
    assert user(app, "enterprise_01").locked_until is not None
    assert "已暂停登录" in visible_text(post_login(client, "enterprise_01", DEMO_PASSWORD).get_data(as_text=True))


# --- CSRF --------------------------------------------------------------------------------------


def test_login_form_needs_its_csrf_token(app, client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    answer = client.post("/login/", data={"username": "enterprise_01", "password": DEMO_PASSWORD})
    assert answer.status_code == 400
    assert not logged_in(client)


def test_password_forms_need_their_csrf_token(app, client):
    login(client, "admin")
    client.environ_base.pop("HTTP_X_CSRFTOKEN", None)
    target = user(app, "enterprise_01")
    new = "Another@2027zz"
    for url in ("/resetmypassword/form", f"/resetpassword/form?pk={target.id}"):
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True)
        assert client.post(url, data={"password": new, "conf_password": new}).status_code == 400
    added = client.post(
        "/users/add",
        data={"username": "csrf_probe", "first_name": "a", "last_name": "b", "email": "p@x.invalid", "password": new, "conf_password": new},
    )
    assert added.status_code == 400
    assert user(app, "enterprise_01").password == target.password
    login(app.test_client(), "admin")  # the admin's own password is unchanged too
