"""考核年度 in Chromium, as the city station works it after a grading revision: the menu entry under
考核评价, the preview of every grade that would change, the recompute, then closing the year after
confirming. Screenshots in var/test-artifacts/periods-*.png."""

from __future__ import annotations

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server
from tests.jobs_support import job_worker
from tests.test_periods import PERIOD, revise_grading

pytestmark = needs_chromium
__all__ = ["job_worker", "server"]  # the fixtures are used by name


def test_the_city_station_recomputes_after_a_preview_and_closes_the_year(app, server, job_worker):
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
        # the recompute runs as a job: the 任务 page follows it until it says how it ended
        assert f"已开始“重算 {PERIOD} 年度最终等次”" in page.locator(".alert-success").inner_text()
        page.locator("#jobs tr.info .job-message", has_text="重算完成").wait_for(timeout=60_000)
        assert page.locator("#jobs tr.info .job-state").inner_text() == "已完成"
        page.screenshot(path=str(ARTIFACTS / "periods-2b-recomputed.png"), full_page=True)
        page.click(".navbar a.dropdown-toggle:has-text('考核评价')")
        with page.expect_navigation(wait_until="networkidle"):
            page.click(".navbar a:text-is('考核年度')")
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#periods button:text-is('关闭年度')")
        assert f"{PERIOD} 年度已关闭" in page.locator(".alert-success").inner_text()
        assert "已关闭（等次已冻结）" in page.locator("#periods").inner_text()
        page.screenshot(path=str(ARTIFACTS / "periods-3-closed.png"), full_page=True)

        # After closing, the administrator moves the 合格 band of the licence scale in 常用修改:
        # the closed year's grades, as the station lists them, stay exactly as they were.
        page.goto(f"{server}/finalgradelicenceview/list/", wait_until="networkidle")
        listed = page.locator("table").first.inner_text()
        admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        login(admin, server, "admin")
        admin.goto(f"{server}/criteria-admin/forms/grading", wait_until="networkidle")
        admin.fill("[name='scales[0].bands[0].min']", "90")
        admin.fill("[name='scales[0].bands[1].max']", "90")
        admin.fill("#note", "合格分数线提高到 90 分")
        with admin.expect_navigation(wait_until="networkidle"):
            admin.click("text=校验并保存")
        assert "记录为考核标准第" in admin.inner_text("body")
        page.reload(wait_until="networkidle")
        assert page.locator("table").first.inner_text() == listed
        page.screenshot(path=str(ARTIFACTS / "periods-4-after-band-moved.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
