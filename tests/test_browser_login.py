"""The login captcha in a real browser (Playwright driving Debian's Chromium): the image shows,
换一张 draws a new one, a wrong answer keeps the username, the right one logs in."""

from __future__ import annotations

from playwright.sync_api import expect

from cli.demo_data import DEMO_PASSWORD
from tests.browser_support import ARGS, ARTIFACTS, CHROMIUM, csp_violations, needs_chromium, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_captcha_login_in_chromium(app, server, monkeypatch):
    app.config["LOGIN_CAPTCHA"] = True
    answers = iter(["AAAA", "BBBB", "CCCC", "DDDD", "EEEE", "FFFF"])
    monkeypatch.setattr("accounts.captcha.new_answer", lambda: next(answers))
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="zh-CN")
        blocked = csp_violations(page)
        page.goto(f"{server}/login/", wait_until="networkidle")
        image = page.locator("#captcha-image")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 160  # drawn (AAAA)
        first_src = image.get_attribute("src")
        with page.expect_response(lambda r: "/login/captcha" in r.url):
            page.click("#captcha-refresh")  # 换一张 (BBBB)
        expect(page.locator("#captcha-image")).not_to_have_attribute("src", first_src)
        page.fill("#username", "enterprise_01")
        page.fill("#password", DEMO_PASSWORD)
        page.fill("#captcha", "AAAA")  # the replaced image's answer
        with page.expect_navigation():
            page.click("input[type=submit]")  # refused; the page draws CCCC
        assert "验证码错误或已失效" in page.content()
        assert page.input_value("#username") == "enterprise_01"
        page.screenshot(path=str(ARTIFACTS / "login-captcha.png"))
        page.fill("#password", DEMO_PASSWORD)
        page.fill("#captcha", "cccc")
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/login" not in page.url and "当前角色" in page.content()
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
