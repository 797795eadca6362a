"""开通账号 in Chromium, as the administrator works it: the menu entry under 系统管理, a wrong 手机号
named beside its field with the rest kept, then the account opened. Screenshots in
var/test-artifacts/account-*.png."""

from __future__ import annotations

from models import AppUser, db
from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_the_admin_opens_an_account_from_the_menu(app, server):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "admin")
        page.click("text=系统管理")
        with page.expect_navigation(wait_until="networkidle"):
            page.click("text=开通账号")
        page.fill("#person_name", "张晓燕")
        page.fill("#mobile", "1391234")
        page.select_option("#role", "supervisor")
        page.check("input[name=districts] >> nth=0")
        page.fill("#password", "Kaitong@2026x")
        page.fill("#conf_password", "Kaitong@2026x")
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#open-account")
        assert "手机号应为11位数字" in page.locator("#error-mobile").inner_text()
        assert page.input_value("#person_name") == "张晓燕" and page.is_checked("input[name=districts] >> nth=0")
        page.screenshot(path=str(ARTIFACTS / "account-1-wrong-mobile-named.png"), full_page=True)
        page.fill("#mobile", "13912340001")
        page.fill("#password", "Kaitong@2026x")
        page.fill("#conf_password", "Kaitong@2026x")
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#open-account")
        assert "登录名为手机号 13912340001" in page.locator(".alert-success").inner_text()
        page.screenshot(path=str(ARTIFACTS / "account-2-opened.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
    with app.app_context():
        assert db.session.query(AppUser).filter_by(username="13912340001").one().get_full_name() == "张晓燕"
