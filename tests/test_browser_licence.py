"""Registration and a licence-assessment submission in a real browser (Playwright driving Debian's
Chromium): an enterprise registers from the login page, waits for approval, the district authority
approves it on 注册审核, the new account creates its licence assessment, uploads the 19 materials,
registers its people with their certificate scans and submits with an opinion in the dialog.
Screenshots are kept in var/test-artifacts/."""

from __future__ import annotations

from models import AppUser, db
from models.credit_code import check_character
from tests import records
from tests.browser_support import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    csp_violations,
    fill_registration,
    login,
    needs_chromium,
    playwright_api,
    server,
    take_step,
    upload_in,
)
from tests.licence_support import HEADER, id_number
from tests.workflow_support import one_page_pdf

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name

PASSWORD = "Brow@2026ser"
BODY = "91370212MA3BR0001"


def test_registration_and_licence_submission_in_chromium(app, server, tmp_path):
    pack = app.extensions["criteria_pack"]
    licence = pack.kinds["licence"]
    files = {}
    for material in licence.materials:
        files[material.code] = tmp_path / f"{material.code}.pdf"
        files[material.code].write_bytes(one_page_pdf(material.code))
    scan = tmp_path / "证书扫描件.pdf"
    scan.write_bytes(one_page_pdf("certificate"))

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        blocked = csp_violations(page)
        page.on("dialog", lambda dialog: dialog.accept())  # the confirmations

        # 1. the enterprise registers from the login page
        page.goto(f"{server}/login/", wait_until="networkidle")
        with page.expect_navigation():
            page.click("#register-link")
        # a wrong check character first
        fill_registration(page, "青岛浏览器测试建设有限公司", BODY + "0", "browser_ent", PASSWORD)
        with page.expect_navigation():
            page.click("#register-form button[type=submit]")
        assert "校验位错误" in page.locator("#error-credit_code").inner_text()
        page.fill("#credit_code", BODY + check_character(BODY))
        page.fill("#password", PASSWORD)
        page.fill("#conf_password", PASSWORD)
        page.screenshot(path=str(ARTIFACTS / "licence-1-registration-form.png"), full_page=True)
        with page.expect_navigation():
            page.click("#register-form button[type=submit]")
        assert "注册申请已提交" in page.locator("#register-done").inner_text()

        # 2. not yet: the login says it awaits approval
        page.goto(f"{server}/login/", wait_until="networkidle")
        page.fill("#username", "browser_ent")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "等待崂山区主管部门审核" in page.locator(".alert").first.inner_text()

        # 3. the district authority approves on 注册审核
        login(page, server, "district_authority_laoshan")
        page.goto(f"{server}/enterpriseregistrationview/list/?_flt_0_state=pending")
        with page.expect_navigation():
            page.locator("tr", has_text="青岛浏览器测试建设有限公司").locator("a", has_text="审核").click()
        page.check("#is-local")
        with page.expect_navigation():
            page.click("#approve")
        assert page.locator("#registration-state").inner_text() == "已通过"
        page.screenshot(path=str(ARTIFACTS / "licence-2-registration-approved.png"), full_page=True)

        # 4. the new account logs in (the demo password helper is not used: its own password)
        page.goto(f"{server}/logout/", wait_until="networkidle")
        page.goto(f"{server}/login/", wait_until="networkidle")
        page.fill("#username", "browser_ent")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/login" not in page.url
        page.goto(f"{server}/licenceassessmentview/add")
        page.fill("#period", "2027")
        for code, value in HEADER.items():
            if code == "licence_valid_until":  # typed key by key: the date picker reads keystrokes
                page.locator(f"#{code}").press_sequentially(value)
            else:
                page.fill(f"#{code}", value)
        with page.expect_navigation():
            page.click("button[type=submit]")
        with app.app_context():
            enterprise_id = db.session.query(AppUser).filter_by(username="browser_ent").one().enterprise_id
        model = records.kind_model(app, "licence")
        (pk,) = records.ids(app, model, enterprise_id=enterprise_id)
        page.goto(f"{server}/assessment/licence/{pk}")
        assert page.locator("#material-rectification").count() == 0

        # 5. materials and people
        for material in licence.materials:
            if material.rectification:
                continue
            upload_in(page, page.locator(f"#material-{material.code}"), files[material.code])
            assert f"{material.code}.pdf" in page.locator(f"#material-{material.code}").inner_text()
        for number, entry in enumerate(licence.personnel):
            for extra in range(max(entry.min_count, 1 if entry.code == "special_operations" else 0)):
                panel = page.locator(f"#list-{entry.code}")
                panel.locator(".panel-footer summary").click()
                person = panel.locator(".panel-footer form")
                person.locator("input[name=person_name]").fill(f"人员{number}{extra}")
                person.locator("input[name=id_number]").fill(id_number(200 + number))
                person.locator("input[name=certificate_no]").fill(f"鲁建安（2025）{number:06d}")
                expired = entry.code == "special_operations"
                person.locator("input[name=certificate_valid_until]").fill("2021-06-30" if expired else "2029-06-30")
                person.locator("input[name=scan]").set_input_files(str(scan))
                with page.expect_navigation():
                    person.locator("button[type=submit]").click()
                assert f"人员{number}{extra}" in page.locator(f"#list-{entry.code}").inner_text()
        assert page.locator("#list-special_operations .expired-flag").count() == 1
        page.screenshot(path=str(ARTIFACTS / "licence-3-materials-and-people.png"), full_page=True)

        # 6. submit: the opinion is asked in the dialog
        page.click("#open-submit")
        page.locator("#step-submit").wait_for(state="visible")
        assert "证书已过期，仍可提交" in page.locator("#step-submit").inner_text()
        page.wait_for_timeout(400)  # only for the picture: the dialog's fade-in
        page.screenshot(path=str(ARTIFACTS / "licence-4-submit-dialog.png"))
        page.click("#step-submit button[data-dismiss=modal]")
        take_step(page, "submit", "材料已齐全，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"
        page.screenshot(path=str(ARTIFACTS / "licence-5-submitted.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
    assert records.count(app, model, id=pk, state="submitted") == 1
