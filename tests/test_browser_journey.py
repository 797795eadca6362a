"""The general-conditions journey in a real browser (Playwright driving Debian's Chromium, headless):
the enterprise fills scores, uploads evidence and submits; the district reviewer passes every item
and approves. Screenshots are kept in var/test-artifacts/ for people to look at."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from models import District, Enterprise, db
from tests import records

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}; "
                                "install Debian's chromium package (CI does)")


@pytest.fixture
def server(app, backend):
    if backend.name != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite; the HTTP tests cover PostgreSQL")
    app.config["WTF_CSRF_SSL_STRICT"] = False
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_general_conditions_journey_in_chromium(app, server, tmp_path):
    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        from models import AppUser

        enterprise_user = db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username
    kind = app.extensions["criteria_pack"].kinds["general"]
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.on("dialog", lambda dialog: dialog.accept())

        def login(username: str) -> None:
            # networkidle: a late response of the previous page (a font) may set a session cookie
            # without the CSRF token and overwrite the login page's one
            page.goto(f"{server}/logout/", wait_until="networkidle")
            page.goto(f"{server}/login/", wait_until="networkidle")
            page.fill("#username", username)
            page.fill("#password", "Demo@2026qd")
            with page.expect_navigation():  # wait for the login POST itself, not the login page
                page.click("input[type=submit], button[type=submit]")
            assert "/login" not in page.url, f"login of {username} failed"

        login(enterprise_user)
        page.goto(f"{server}/generalassessmentview/add")
        page.fill("#period", "2027")
        page.fill("#contact_person", "张三")
        page.fill("#contact_phone", "13912345678")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        model = records.kind_model(app, "general")
        pk = max(records.ids(app, model, enterprise_id=company.id, period="2027"))

        page.goto(f"{server}/assessment/general/{pk}")
        for item in kind.items:
            page.fill(f"input[name=score_{item.code}]", str(item.max))
        page.click("text=保存得分（草稿）")
        page.wait_for_load_state()
        assert page.locator(".alert-success").first.inner_text().strip().endswith("得分已保存（草稿）")
        for item in kind.items:
            if item.evidence:
                row = page.locator(f"#item-{item.code}")
                row.locator("input[type=file]").set_input_files(str(evidence))
                row.locator("text=上传 PDF").click()
                page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / "1-enterprise-filled.png"), full_page=True)
        page.fill("textarea[name=opinion]", "自评完成，请审核")
        page.click("button[name=take][value=submit]")
        page.wait_for_load_state()
        assert page.locator("#record-state").inner_text() == "待审核"
        page.screenshot(path=str(ARTIFACTS / "2-enterprise-submitted.png"), full_page=True)

        login("district_authority_laoshan")
        page.goto(f"{server}/assessment/general/{pk}")
        for item in kind.items:
            page.check(f"input[name=decision_{item.code}][value=pass]")
        page.click("text=保存审核结果")
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / "3-reviewer-passed-items.png"), full_page=True)
        page.click("button[name=take][value=approve]")
        page.wait_for_load_state()
        assert page.locator("#record-state").inner_text() == "审核通过"
        assert page.locator("#history tbody tr").count() == len(kind.items) + 2
        page.screenshot(path=str(ARTIFACTS / "4-reviewer-approved.png"), full_page=True)
        browser.close()
    assert records.count(app, model, id=pk, state="approved") == 1
