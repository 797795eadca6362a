"""任务 in Chromium: the city station starts "打印本期全部考核表" for one district, watches the job's
progress on the page (no reload) and downloads the ZIP; an enterprise user has no 任务 menu and cannot
reach the job. Screenshots in var/test-artifacts/jobs-*.png."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from models import District, Job, db
from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server
from tests.jobs_support import job_worker

pytestmark = needs_chromium
__all__ = ["job_worker", "server"]  # the fixtures are used by name


def test_the_city_station_prints_a_districts_forms_and_an_enterprise_cannot_see_the_job(app, server, job_worker):
    model = app.extensions["kind_models"]["general"].assessment
    with app.app_context():
        shinan = db.session.scalar(select(District).where(District.code == "shinan"))
        expected = len(db.session.scalars(select(model.id).where(model.period == "2026", model.district_id == shinan.id)).all())
        name = shinan.name
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "city_station")
        with page.expect_navigation(wait_until="networkidle"):
            page.click(".navbar a:text-is('任务')")
        page.screenshot(path=str(ARTIFACTS / "jobs-1-page.png"), full_page=True)
        page.select_option("#print-kind", label=app.extensions["criteria_pack"].kinds["general"].name)
        page.select_option("#print-district", label=name)
        page.select_option("#print-period", "2026")
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button:text-is('打印本期全部考核表')")
        assert "已开始“打印 2026 年度" in page.locator(".alert-success").inner_text()
        row = page.locator("#jobs tr.info")
        assert name in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "jobs-2-started.png"), full_page=True)
        download_link = row.locator(".job-result a")
        download_link.wait_for(timeout=120_000)  # the page follows the job and offers the file when done
        assert row.locator(".job-state").inner_text() == "已完成"
        assert row.locator(".progress-bar").inner_text() == "100%"
        assert f"已生成 {expected} 份考核表" in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "jobs-3-done.png"), full_page=True)
        with page.expect_download() as caught:
            download_link.click()
        archive = zipfile.ZipFile(io.BytesIO(open(caught.value.path(), "rb").read()))
        assert len(archive.namelist()) == expected and caught.value.suggested_filename.endswith(".zip")
        assert not blocked, f"blocked by the content security policy: {blocked}"

        with app.app_context():
            job_id = db.session.scalar(select(Job.id).order_by(Job.id.desc()))
        company = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        login(company, server, "enterprise_01")
        assert company.locator(".navbar a:text-is('任务')").count() == 0
        for path in ("/jobs/", f"/jobs/{job_id}/status", f"/jobs/{job_id}/result"):
            answer = company.goto(f"{server}{path}", wait_until="networkidle")
            assert answer.status in (403, 404) or "/login" in company.url, path
            assert "打印 2026 年度" not in company.inner_text("body")
        company.screenshot(path=str(ARTIFACTS / "jobs-4-enterprise.png"), full_page=True)
        browser.close()
