"""常用修改 in Chromium, as the administrator works it: from the editor's menu to a kind's items table,
two maximum scores changed, saved as a new version. Screenshots in var/test-artifacts/forms-*.png."""

from __future__ import annotations

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_the_admin_changes_maximum_scores_in_the_items_table(app, server):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "admin")
        page.goto(f"{server}/criteria-admin/", wait_until="networkidle")
        with page.expect_navigation(wait_until="networkidle"):
            page.click(".navbar a:text-is('常用修改')")
        page.screenshot(path=str(ARTIFACTS / "forms-1-list.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("a:has-text('企业一般安全生产条件动态考核')")
        page.fill("[name='items[0].max']", "12")
        page.fill("[name='items[1].max']", "13")
        page.fill("#note", "按新文件调整满分")
        page.screenshot(path=str(ARTIFACTS / "forms-2-items.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button:text-is('校验并保存')")
        assert "已保存 2 处修改到 general.yaml" in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "forms-3-saved.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
