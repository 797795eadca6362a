"""考核年度 in Chromium, as the city station works it after a grading revision: the menu entry under
考核评价, the preview of every grade that would change, the recompute, then closing the year after
confirming. Screenshots in var/test-artifacts/periods-*.png."""

from __future__ import annotations

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server
from tests.test_periods import PERIOD, revise_grading

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_the_city_station_recomputes_after_a_preview_and_closes_the_year(app, server):
    revise_grading(app)
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "city_station")
        page.click(".navbar a.dropdown-toggle:has-text('考核评价')")
        with page.expect_navigation(wait_until="networkidle"):
            page.click(".navbar a:text-is('考核年度')")
        assert "进行中" in page.locator("#periods").inner_text()
        page.screenshot(path=str(ARTIFACTS / "periods-1-list.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#periods a:text-is('预览并重算')")
        assert page.locator("#changes li").count() > 0
        page.screenshot(path=str(ARTIFACTS / "periods-2-preview.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button:text-is('确认重算')")
        assert "重算完成" in page.locator(".alert-success").inner_text()
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#periods button:text-is('关闭年度')")
        assert f"{PERIOD} 年度已关闭" in page.locator(".alert-success").inner_text()
        assert "已关闭（等次已冻结）" in page.locator("#periods").inner_text()
        page.screenshot(path=str(ARTIFACTS / "periods-3-closed.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
