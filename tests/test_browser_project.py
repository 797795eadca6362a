"""The supervisor's project assessment in a real browser (Playwright driving Debian's Chromium): 提报
from the project list, sub-table results with the live total and grade updating as they are typed,
the signed form uploaded, submit; the city station approves the record as a whole, with an opinion.
Screenshots are kept in var/test-artifacts/ for people to look at."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from models import District, Project, db
from tests import records
from tests.browser_support import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    csp_violations,
    login,
    needs_chromium,
    playwright_api,
    server,
    take_step,
    upload_in,
)
from tests.test_project_assessment import E1, HEADER
from tests.workflow_support import PDF

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_project_assessment_journey_in_chromium(app, server, tmp_path):
    with app.app_context():
        project = (
            db.session.query(Project)
            .join(District, Project.district_id == District.id)
            .filter(District.code == "shinan")
            .order_by(Project.id)
            .first()
        )
        project_id, project_name = project.id, project.name
    kind = app.extensions["criteria_pack"].kinds["project"]
    signed = next(e for e in kind.record_evidence if e.required)
    scan = tmp_path / "考核表签字版.pdf"
    scan.write_bytes(PDF)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        blocked = csp_violations(page)
        page.on("dialog", lambda dialog: dialog.accept())

        def submit(selector: str) -> None:
            """Click something that posts a form, and wait for the page it leads to."""
            with page.expect_navigation():
                page.click(selector)

        login(page, server, "supervisor_shinan")
        page.goto(f"{server}/projectview/list/?_flt_0_name={project_name}")
        submit(f"a.report-link[href='/intake/project/{project_id}']")
        assert project_name in page.locator(".alert").first.inner_text()
        for code, value in HEADER.items():
            page.fill(f"#{code}", value)
        submit("button[type=submit]")
        assert "/assessment/project/" in page.url
        pk = int(page.url.rstrip("/").rsplit("/", 1)[1])

        # the live total follows the typing: incomplete first, then E1's 83.80 / 优良
        page.fill("#result_safety_management", "85")
        expect(page.locator("#live-reasons")).to_contain_text("尚未填写")
        for code, value in E1.items():
            page.fill(f"#result_{code}", str(value))
        expect(page.locator("#live-total")).to_have_text("83.80")
        assert page.locator("#live-grade").inner_text() == "优良"
        page.fill("#result_cantilever", "120")
        expect(page.locator("#live-reasons")).to_contain_text("应在 0 到 100 之间")
        page.fill("#result_cantilever", "78")
        expect(page.locator("#live-total")).to_have_text("83.80")
        page.screenshot(path=str(ARTIFACTS / "project-1-supervisor-live-total.png"), full_page=True)
        submit("text=保存（草稿）")
        assert page.locator("#live-total").inner_text() == "83.80"

        upload_in(page, page.locator(f"#record-evidence-{signed.code}"), scan)
        assert "考核表签字版.pdf" in page.locator(f"#record-evidence-{signed.code}").inner_text()
        take_step(page, "submit", "现场检查完成，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"
        page.screenshot(path=str(ARTIFACTS / "project-2-supervisor-submitted.png"), full_page=True)

        login(page, server, "city_station")
        page.goto(f"{server}/assessment/project/{pk}")
        assert page.locator("input[name^=decision_]").count() == 0  # reviewed as a whole, not item by item
        page.screenshot(path=str(ARTIFACTS / "project-3-station-reviews.png"), full_page=True)
        take_step(page, "approve", "现场资料齐全，同意")
        assert page.locator("#record-state").inner_text() == "审核通过"
        page.screenshot(path=str(ARTIFACTS / "project-4-station-approved.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
    model = records.kind_model(app, "project")
    with app.app_context():
        record = db.session.get(model, pk)
        assert (record.state, record.total, record.grade) == ("approved", Decimal("83.80"), "优良")
