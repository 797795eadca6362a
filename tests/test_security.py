"""The platform's security promises (SECURITY.md), each tested with the attack that found its defect.

No secret in any answer: tests/test_no_secrets.py. The data scope at every door: tests/test_scope_*.py
and the scope matrix. Login throttling per account and client: tests/test_login_security.py.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import threading
import uuid
import zipfile
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from werkzeug.serving import make_server

from app import create_app
from cli.demo_data import DEMO_PASSWORD
from models import AppUser, Attachment, FormVerification, db
from models.evidence import pdf_problem
from services.errors import CONFLICT
from settings import ROOT
from storage import evidence_key
from storage.local import LocalStore
from tests import records
from tests.concurrency import race
from tests.conftest import make_app
from tests.login_helpers import fix_captcha_answers
from tests.support import csrf_token, login, visible_text
from tests.test_upload_safety import laoshan_user
from tests.workflow_support import PDF, lock_version, one_page_pdf, page_url, post, text, upload

OLD_SOURCE_KEY = "development-only-secret-key-change-me-0123456789"  # the key the source used to carry
TOKEN_LOGIN = "/api/v1/security/login"


def token_pair(client, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    answer = client.post(TOKEN_LOGIN, json={"username": username, "password": password, "provider": "db", "refresh": True})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def logged_in(client) -> bool:
    answer = client.get("/enterpriseview/list/")
    return answer.status_code == 200


def copy_session(source, target) -> None:
    """A cookie taken from one browser and replayed in another (a stolen or saved session)."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value, domain=cookie.domain or "localhost")


# --- 2. sessions and tokens that end -----------------------------------------------------------------


def test_a_saved_cookie_stops_working_once_its_owner_logs_out(app, client):
    login(client, "enterprise_01")
    thief = app.test_client()
    copy_session(client, thief)
    assert logged_in(thief)
    client.get("/logout/")
    assert not logged_in(thief)


def test_a_password_change_ends_other_sessions_and_every_token(app, client):
    login(client, "enterprise_02")
    elsewhere = app.test_client()
    login(elsewhere, "enterprise_02")
    tokens = token_pair(app.test_client(), "enterprise_02")
    token = csrf_token(client, "/resetmypassword/form")
    new = "Changed@2027xy"
    changed = client.post(
        "/resetmypassword/form", data={"csrf_token": token, "current_password": DEMO_PASSWORD, "password": new, "conf_password": new}
    )
    assert changed.status_code == 302
    assert logged_in(client)  # the session that changed it goes on
    assert not logged_in(elsewhere)
    api = app.test_client()
    assert api.get("/api/v1/enterprise/", headers=bearer(tokens["access_token"])).status_code == 401
    assert api.post("/api/v1/security/refresh", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_an_admin_reset_or_deactivation_revokes_the_accounts_tokens(app, client):
    tokens = token_pair(app.test_client(), "enterprise_03")
    api = app.test_client()
    assert api.get("/api/v1/enterprise/", headers=bearer(tokens["access_token"])).status_code == 200
    pk = records.user(app, "enterprise_03").id
    login(client, "admin")
    token = csrf_token(client, f"/resetpassword/form?pk={pk}")
    reset = client.post(
        f"/resetpassword/form?pk={pk}", data={"csrf_token": token, "password": "Reset@2027zz", "conf_password": "Reset@2027zz"}
    )
    assert reset.status_code == 302
    assert api.get("/api/v1/enterprise/", headers=bearer(tokens["access_token"])).status_code == 401

    owner = app.test_client()
    login(owner, "enterprise_04")
    pk = records.user(app, "enterprise_04").id
    form = client.get(f"/users/edit/{pk}").get_data(as_text=True)
    token = csrf_token(client, f"/users/edit/{pk}")
    with app.app_context():
        user = db.session.get(AppUser, pk)
        data = {
            "csrf_token": token,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "email": user.email,
            "roles": [str(r.id) for r in user.roles],
            "enterprise": str(user.enterprise_id),
        }
    assert 'name="active"' in form
    assert client.post(f"/users/edit/{pk}", data=data).status_code == 302  # "active" left unticked
    assert not logged_in(owner)


def test_changing_a_password_asks_for_the_current_one(app, client):
    login(client, "enterprise_05")
    stolen = app.test_client()
    copy_session(client, stolen)
    token = csrf_token(stolen, "/resetmypassword/form")
    for current in ("", "Guessed@2026xx"):
        refused = stolen.post(
            "/resetmypassword/form",
            data={"csrf_token": token, "current_password": current, "password": "Taken@2027ov", "conf_password": "Taken@2027ov"},
        )
        assert refused.status_code == 200 and ("请填写当前密码" in text(refused) or "当前密码不正确" in text(refused))
    login(app.test_client(), "enterprise_05")  # the password is still the owner's


def test_a_refresh_token_works_once(app):
    api = app.test_client()
    first = token_pair(api, "enterprise_06")
    renewed = api.post("/api/v1/security/refresh", headers=bearer(first["refresh_token"]))
    assert renewed.status_code == 200
    pair = renewed.get_json()
    assert {"access_token", "refresh_token"} <= set(pair) and pair["refresh_token"] != first["refresh_token"]
    again = api.post("/api/v1/security/refresh", headers=bearer(first["refresh_token"]))
    assert again.status_code == 401 and "已使用" in again.get_json()["message"]
    assert api.post("/api/v1/security/refresh", headers=bearer(pair["refresh_token"])).status_code == 200


# --- 3. a token login that cannot be sprayed --------------------------------------------------------


def test_the_token_login_needs_the_captcha_when_it_is_on(app, monkeypatch):
    app.config["LOGIN_CAPTCHA"] = True
    api = app.test_client()
    body = {"username": "enterprise_01", "password": DEMO_PASSWORD, "provider": "db"}
    refused = api.post(TOKEN_LOGIN, json=body)
    assert refused.status_code == 401 and "验证码" in refused.get_json()["message"]
    answer = fix_captcha_answers(monkeypatch)
    issued = api.get("/api/v1/security/captcha").get_json()
    assert issued["image"].startswith("data:image/png;base64,")
    granted = api.post(TOKEN_LOGIN, json={**body, "captcha_token": issued["captcha_token"], "captcha": answer.lower()})
    assert granted.status_code == 200 and "access_token" in granted.get_json()
    spent = api.post(TOKEN_LOGIN, json={**body, "captcha_token": issued["captcha_token"], "captcha": answer})
    assert spent.status_code == 401  # a captcha is used once


@pytest.fixture
def limited(app):
    """Rate limits on, tight, counted in this app's own memory."""
    app.config.update(RATELIMIT_ENABLED=True)
    app.appbuilder.sm.limiter.enabled = True
    app.appbuilder.sm.limiter.reset()
    return app


def test_one_client_cannot_spray_a_password_over_many_accounts(backend, template_url):
    url = backend.copy(template_url, f"spray{os.getpid()}")
    app = make_app(url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="5 per minute", ACCOUNT_RATE_LIMIT="100 per minute")
    try:
        api = app.test_client()
        answers = [
            api.post(TOKEN_LOGIN, json={"username": f"enterprise_{n:02d}", "password": "Spring@2026", "provider": "db"})
            for n in range(1, 9)
        ]
        assert [a.status_code for a in answers[:5]] == [401] * 5
        assert all(a.status_code == 429 for a in answers[5:])
        assert "请求过于频繁" in answers[-1].get_json()["message"]
        form = app.test_client()
        form_token = csrf_token(form, "/login/")
        for _ in range(6):
            last = form.post("/login/", data={"username": "enterprise_09", "password": "x", "csrf_token": form_token})
        assert last.status_code == 429 and "请求过于频繁" in visible_text(last.get_data(as_text=True))
    finally:
        backend.drop(url)


def test_many_clients_cannot_hammer_one_account(backend, template_url):
    url = backend.copy(template_url, f"hammer{os.getpid()}")
    app = make_app(url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", ACCOUNT_RATE_LIMIT="3 per minute")
    try:
        codes = []
        for n in range(5):
            api = app.test_client()
            api.environ_base["REMOTE_ADDR"] = f"198.51.100.{n + 1}"
            codes.append(api.post(TOKEN_LOGIN, json={"username": "Admin", "password": f"Try@{n}2026x", "provider": "db"}).status_code)
        assert codes[:3] == [401] * 3 and codes[3:] == [429, 429]
    finally:
        backend.drop(url)


def test_rate_limit_counters_are_shared_through_redis(backend, template_url):
    """Two workers (two apps) on one Redis: the limit holds across them."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI has one; the memory storage is tested above)")
    url = backend.copy(template_url, f"redis{os.getpid()}")
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "3 per minute",
    }
    first, second = make_app(url, **settings), make_app(url, **settings)
    try:
        body = {"username": "enterprise_10", "password": "Wrong@2026x", "provider": "db"}
        codes = [app.test_client().post(TOKEN_LOGIN, json=body).status_code for app in (first, second, first, second)]
        assert codes == [401, 401, 401, 429]
    finally:
        backend.drop(url)


# --- 4. keys ---------------------------------------------------------------------------------------


def test_start_makes_a_random_key_once_and_keeps_it_private(tmp_path):
    env = {**os.environ, "PLATFORM_INSTANCE_DIR": str(tmp_path / "instance"), "PYTHON": os.environ.get("PYTHON", "python3")}
    env.pop("SECRET_KEY", None)
    for _ in range(2):
        subprocess.run(["bash", str(ROOT / "scripts" / "secret_key.sh")], env=env, check=True, capture_output=True)
    key_file = tmp_path / "instance" / "secret_key"
    key = key_file.read_text().strip()
    assert len(key.encode()) >= 48 and key != OLD_SOURCE_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    other = tmp_path / "other"
    subprocess.run(["bash", str(ROOT / "scripts" / "secret_key.sh")], env={**env, "PLATFORM_INSTANCE_DIR": str(other)}, check=True)
    assert (other / "secret_key").read_text().strip() != key  # every installation its own


def test_a_session_forged_with_the_old_source_key_is_refused(app):
    forger = create_app({"SECRET_KEY": OLD_SOURCE_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    admin_id = records.user(app, "admin").id
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    forged = serializer.dumps({"_user_id": str(admin_id), "_fresh": True, "_generation": 0})
    client = app.test_client()
    client.set_cookie("session", forged, domain="localhost")
    assert not logged_in(client)


def test_a_missing_key_in_development_is_random_per_process_and_production_refuses_short_ones(tmp_path):
    database = f"sqlite:///{tmp_path / 'k.db'}"
    first = create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": database})
    second = create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": database})
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) >= 32
    with pytest.raises(RuntimeError, match="至少 32 字节"):
        create_app({"PLATFORM_PRODUCTION": True, "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": database})


# --- 5. headers and errors -----------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(app, client):
    for url in ("/login/", "/api/v1/enterprise/", "/verify/NOSUCH", "/static/appbuilder/css/ab.css"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert "Strict-Transport-Security" not in headers  # HTTPS only in production
    production = create_app(  # not a serving process: it leaves no worker row in a database the test then drops
        {
            "PLATFORM_PRODUCTION": True,
            "SECRET_KEY": "p" * 48,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WORKER_HEARTBEAT": 0,
        }
    )
    assert "max-age" in production.test_client().get("/login/").headers["Strict-Transport-Security"]


def test_the_server_names_no_version(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{httpd.server_port}/login/") as answer:
            server = answer.headers.get("Server", "")
        assert "Werkzeug" not in server and "Python" not in server
    finally:
        httpd.shutdown()


def test_malformed_arguments_and_bodies_answer_400_in_chinese(app, client):
    login(client, "city_station")
    for url in (
        "/enterpriseview/list/?page_EnterpriseView=abc",
        "/enterpriseview/list/?psize_EnterpriseView=9" * 3 + "9" * 30,
        "/enterpriseview/list/?_oc_EnterpriseView=nosuch&_od_EnterpriseView=asc",
    ):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert "参数无效" in visible_text(answer.get_data(as_text=True)) or "排序字段" in visible_text(answer.get_data(as_text=True))
    deep = "[" * 5000 + "]" * 5000
    anonymous = app.test_client()
    answer = anonymous.post(TOKEN_LOGIN, data=deep, content_type="application/json")
    assert answer.status_code == 400 and "嵌套层数过多" in answer.get_json()["message"]
    assert anonymous.post(TOKEN_LOGIN, data="{not json", content_type="application/json").status_code == 400


def test_the_csrf_exemption_needs_a_valid_bearer_token(app, client):
    login(client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    client.environ_base.pop("HTTP_X_CSRFTOKEN", None)  # a forged page cannot read the token
    model = records.kind_model(app, "general")
    before = records.count(app, model)
    forged = client.post(
        "/api/v1/assessment_general/", json={"enterprise": own, "period": "2032"}, headers={"Authorization": "Bearer forged"}
    )
    assert forged.status_code == 401
    basic = client.post("/api/v1/assessment_general/", json={"enterprise": own, "period": "2032"}, headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 400  # the session's CSRF check applies
    assert records.count(app, model) == before
    tokens = token_pair(app.test_client(), "enterprise_01")
    made = app.test_client().post(
        "/api/v1/assessment_general/", json={"enterprise": own, "period": "2032"}, headers=bearer(tokens["access_token"])
    )
    assert made.status_code == 201


def test_a_too_large_upload_to_the_api_answers_json(app, client):
    login(client, "city_station")
    limit = app.config["MAX_CONTENT_LENGTH"]
    answer = client.post("/api/v1/registry/projects", data=b"0" * (limit + 1), content_type="application/json")
    assert answer.status_code == 413 and "文件过大" in answer.get_json()["message"]


def test_the_loser_of_a_transition_race_is_told_not_a_server_error(app, backend):
    model = records.kind_model(app, "general")
    with app.app_context():
        record = db.session.query(model).filter(model.state == "submitted").order_by(model.id).first()
        pk, reviewer = record.id, ("city_station" if record.district.city_reviewed else f"district_authority_{record.district.code}")
        items = [row.item_code for row in record.items if not row.not_applicable]
    first, second = app.test_client(), app.test_client()
    login(first, reviewer)
    login(second, reviewer)
    post(first, "general", pk, "review", {f"decision_{code}": "pass" for code in items})
    versions = {name: lock_version(c, "general", pk) for name, c in (("a", first), ("b", second))}
    answers = {}

    def approve(name, client):
        def run():
            answers[name] = post(client, "general", pk, "transition", {"code": "approve", "opinion": "同意"}, versions[name])

        return run

    race(app, {"a": approve("a", first), "b": approve("b", second)})
    pages = [text(a) for a in answers.values()]
    assert all(a.status_code == 200 for a in answers.values())
    assert sum("已审核通过" in p for p in pages) == 1 and sum(CONFLICT in p for p in pages) == 1


# --- 6. uploads ------------------------------------------------------------------------------------


def _pdf(**catalog: object) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    for key, value in catalog.items():
        writer._root_object[NameObject(key)] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **extra: object) -> DictionaryObject:
    found = DictionaryObject({NameObject("/S"): NameObject(kind)})
    found.update({NameObject(k): v for k, v in extra.items()})
    return found


def many_pages(count: int) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    page = writer.pages[0]
    pages = writer._root_object["/Pages"].get_object()
    pages[NameObject("/Kids")] = ArrayObject([page.indirect_reference] * count)
    pages[NameObject("/Count")] = NumberObject(count)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def aes(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (many_pages(100_000), "页数或结构超过上限"),
        (_pdf(**{"/OpenAction": _action("/JavaScript", **{"/JS": TextStringObject("app.alert(1)")})}), "含有脚本"),
        (_pdf(**{"/OpenAction": _action("/Launch", **{"/F": TextStringObject("cmd.exe")})}), "含有脚本"),
        (_pdf(**{"/Names": DictionaryObject({NameObject("/EmbeddedFiles"): DictionaryObject()})}), "内嵌文件"),
        (b"<html><body><script>alert(1)</script>" + PDF, "内容不是 PDF"),
        (PDF.replace(b"%%EOF", b"<script>alert(1)</script>\n%%EOF"), "网页代码"),
        (aes("user-secret"), "设有密码"),
    ],
    ids=["100000-pages", "javascript", "launch", "embedded-file", "html-first", "html-inside", "aes-password"],
)
def test_dangerous_or_unreadable_pdfs_are_refused(app, client, content, said):
    assert said in (pdf_problem(content, app.config["EVIDENCE_MAX_PAGES"]) or "")
    enterprise_id, username = laoshan_user(app)
    login(client, username)
    pk = client.post("/api/v1/assessment_general/", json={"enterprise": enterprise_id, "period": "2033"}).get_json()["id"]
    first = app.extensions["criteria_pack"].kinds["general"].items[0].code
    page = text(upload(client, "general", pk, first, content, "证明.pdf"))
    assert said in page and records.count(app, Attachment, assessment_id=pk) == 0


def test_an_aes_pdf_with_only_an_owner_password_is_accepted():
    assert pdf_problem(aes("")) is None


def test_a_file_goes_from_storage_once_no_row_names_it(app, client):
    evidence = Path(app.config["EVIDENCE_DIR"])
    enterprise_id, username = laoshan_user(app)
    login(client, username)
    first = app.extensions["criteria_pack"].kinds["general"].items[0].code
    draft = client.post("/api/v1/assessment_general/", json={"enterprise": enterprise_id, "period": "2034"}).get_json()["id"]
    other = client.post("/api/v1/assessment_general/", json={"enterprise": enterprise_id, "period": "2035"}).get_json()["id"]
    shared, alone = one_page_pdf("shared by two rows"), one_page_pdf("used once")
    for pk in (draft, other):
        upload(client, "general", pk, first, shared, "共用.pdf")
    upload(client, "general", draft, first, alone, "单用.pdf")
    with app.app_context():
        rows = {a.file_name: (a.id, a.content_hash) for a in db.session.query(Attachment).filter_by(assessment_id=draft)}
    token = csrf_token(client, page_url("general", draft))
    client.post(f"/assessment/file/{rows['单用.pdf'][0]}/delete", data={"csrf_token": token})
    assert LocalStore(evidence).size(evidence_key(rows["单用.pdf"][1])) is None
    assert client.delete(f"/api/v1/assessment_general/{draft}").status_code == 200
    assert LocalStore(evidence).size(evidence_key(rows["共用.pdf"][1])) is not None  # the other draft still names it
    assert client.delete(f"/api/v1/assessment_general/{other}").status_code == 200
    assert LocalStore(evidence).size(evidence_key(rows["共用.pdf"][1])) is None


# --- 7. least privilege --------------------------------------------------------------------------


def test_id_numbers_are_masked_for_roles_that_do_not_need_them(app, client):
    with app.app_context():
        from models import Person

        person = db.session.query(Person).filter(Person.id_number.is_not(None)).first()
        number, enterprise, pk = person.id_number, person.enterprise, person.id
        supervisor = f"supervisor_{enterprise.district.code}"
    masked = number[:6] + "*" * (len(number) - 10) + number[-4:]
    login(client, supervisor)
    shown = client.get(f"/api/v1/person/{pk}").get_json()["result"]
    assert shown["id_number"] == masked
    page = client.get(f"/personview/show/{pk}").get_data(as_text=True)
    assert masked in page and number not in page
    client.get("/logout/")
    login(client, f"district_authority_{enterprise.district.code}")
    assert client.get(f"/api/v1/person/{pk}").get_json()["result"]["id_number"] == number


def test_nobody_reviews_a_record_they_filled_whatever_roles_they_hold(app, client):
    enterprise_id, username = laoshan_user(app)
    with app.app_context():
        sm = app.appbuilder.sm
        user = db.session.query(AppUser).filter_by(username=username).one()
        user.roles.append(sm.find_role("区（市）主管部门"))
        user.districts = [user.enterprise.district]
        db.session.commit()
    login(client, username)
    kind = app.extensions["criteria_pack"].kinds["general"]
    pk = client.post(
        "/api/v1/assessment_general/",
        json={"enterprise": enterprise_id, "period": "2036", "contact_person": "张三", "contact_phone": "13912345678"},
    ).get_json()["id"]
    post(client, "general", pk, "scores", {f"score_{i.code}": str(i.max) for i in kind.items})
    for item in kind.items:
        if item.evidence:
            upload(client, "general", pk, item.code)
    assert "已提交" in text(post(client, "general", pk, "transition", {"code": "submit", "opinion": "请审核"}))
    refused = text(post(client, "general", pk, "review", {f"decision_{i.code}": "pass" for i in kind.items}))
    assert "您不能审核此记录" in refused
    with app.app_context():
        record = db.session.get(records.kind_model(app, "general"), pk)
        assert {row.review_status for row in record.items} == {"pending"}


@pytest.mark.parametrize("password", ["Password1!", "Admin@123", "Qingdao@2026", "Qwerty@123"])
def test_a_common_password_is_refused(app, client, password):
    login(client, "enterprise_07")
    token = csrf_token(client, "/resetmypassword/form")
    answer = client.post(
        "/resetmypassword/form",
        data={"csrf_token": token, "current_password": DEMO_PASSWORD, "password": password, "conf_password": password},
    )
    assert "过于常见" in visible_text(answer.get_data(as_text=True))


def test_the_pack_loader_refuses_aliases_huge_files_and_links(pack_copy, tmp_path):
    from criteria import CriteriaError, load_pack

    general = pack_copy / "general.yaml"
    text_of = general.read_text(encoding="utf-8")
    general.write_text("anchors: &a [1, 2]\nagain: *a\n" + text_of, encoding="utf-8")
    with pytest.raises(CriteriaError, match="anchors and aliases"):
        load_pack(pack_copy)
    general.write_text(text_of + "#" * (600 * 1024), encoding="utf-8")
    with pytest.raises(CriteriaError, match="longer than"):
        load_pack(pack_copy)
    general.unlink()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(text_of, encoding="utf-8")
    general.symlink_to(outside)
    with pytest.raises(CriteriaError, match="symbolic link"):
        load_pack(pack_copy)


def test_an_xlsx_that_inflates_far_beyond_its_size_is_refused(tmp_path):
    from registry.reader import RegistryFileError, open_registry

    bomb = tmp_path / "projects.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"0" * (8 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(RegistryFileError, match="压缩比异常"):
        open_registry(bomb)


def test_one_client_cannot_flood_the_public_check_of_uploaded_forms(backend, template_url):
    url = backend.copy(template_url, f"verify{os.getpid()}")
    app = make_app(url, RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    try:
        pk = records.ids(app, records.kind_model(app, "general"), state="approved")[0]
        admin = app.test_client()
        login(admin, "admin")
        assert admin.get(f"/report/general/{pk}.pdf").status_code == 200  # printing gives the code
        with app.app_context():
            code = db.session.query(FormVerification).filter_by(assessment_id=pk).one().code
        visitor = app.test_client()
        token = csrf_token(visitor, f"/verify/{code}")
        answers = [
            visitor.post(f"/verify/{code}", data={"csrf_token": token, "copy": (io.BytesIO(b"%PDF-1.4 x"), "考核表.pdf")}) for _ in range(5)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert "请求过于频繁" in visible_text(answers[-1].get_data(as_text=True))
        assert visitor.get(f"/verify/{code}").status_code == 200  # looking a code up is not counted
    finally:
        backend.drop(url)
