"""首页待办 in Chromium: after login the city station sees the records waiting for its review and opens
one with a click; an enterprise sees its draft. Screenshots in var/test-artifacts/home-*.png."""

from __future__ import annotations

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_the_home_page_leads_each_role_to_its_work(app, server):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)

        login(page, server, "city_station")
        page.goto(f"{server}/")
        waiting = page.locator("#waiting-1")
        assert "待我审核" in waiting.locator(".panel-title").inner_text()
        page.screenshot(path=str(ARTIFACTS / "home-1-city-station.png"), full_page=True)
        with page.expect_navigation():
            waiting.locator("a.btn", has_text="审核").first.click()
        assert "/assessment/" in page.url and page.locator("#record-state").inner_text() == "待审核"

        login(page, server, "enterprise_01")  # the demo's licence draft is this enterprise's
        page.goto(f"{server}/")
        titles = page.locator(".panel-title").all_inner_texts()
        assert any(title.startswith("草稿") for title in titles), titles
        page.screenshot(path=str(ARTIFACTS / "home-2-enterprise.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
