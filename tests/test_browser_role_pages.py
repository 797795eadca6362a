"""Each role's first two screens in Chromium, as its demo user sees them: the home page (首页待办) and
the 办理 page of the first record waiting for it, opened from there. Screenshots in
var/test-artifacts/role-<user>-home.png and role-<user>-work.png (listed in the README)."""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name

# user -> whether the demo data leaves a record waiting for it (市南区 records go to the city station)
ROLES = {"city_station": True, "district_authority_shinan": False, "supervisor_shinan": True, "enterprise_01": True, "admin": False}


@pytest.mark.parametrize("username", list(ROLES))
def test_home_leads_to_the_work_page(app, server, username):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, username)
        page.goto(f"{server}/", wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / f"role-{username}-home.png"), full_page=True)
        first = page.locator("#waiting-1 a.btn")
        assert (first.count() > 0) == ROLES[username], page.inner_text("body")[:600]
        if ROLES[username]:
            with page.expect_navigation(wait_until="networkidle"):
                first.first.click()
            assert page.locator("#work-page").count() == 1 and page.locator("#record-state").inner_text()
            page.screenshot(path=str(ARTIFACTS / f"role-{username}-work.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
