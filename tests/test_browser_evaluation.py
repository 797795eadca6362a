"""考核评价 and 日常考核 in Chromium, as the city station and an enterprise work them: a grade row's
动态调整 button opens the form for that grade; a grade's page links the assessments it came from; a
daily entry picks its project from the enterprise's registered projects. Screenshots in
var/test-artifacts/evaluation-*.png and daily-*.png."""

from __future__ import annotations

from models import Project, db
from tests.browser_support import (
    ARTIFACTS,
    laoshan_company,
    login,
    needs_chromium,
    open_page,
    playwright_api,
    server,
)
from tests.test_grades_and_adjustments import graded_enterprise

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_the_city_station_adjusts_from_the_grade_row_and_follows_a_grade_to_its_assessments(app, server):
    enterprise_id = graded_enterprise(app)
    with app.app_context():
        from models import Enterprise

        name = db.session.get(Enterprise, enterprise_id).name
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "city_station")
        page.goto(f"{server}/", wait_until="networkidle")
        assert page.locator("#district-progress tbody tr").count() > 0
        page.screenshot(path=str(ARTIFACTS / "evaluation-0-city-home-progress.png"), full_page=True)
        page.goto(f"{server}/finalgradeenterpriseview/list/", wait_until="networkidle")
        row = page.locator("table tr", has_text=name).first
        page.screenshot(path=str(ARTIFACTS / "evaluation-1-grade-list.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            row.locator("a", has_text="动态调整").click()
        assert name in page.locator("#s2id_enterprise, #enterprise").first.inner_text() or name in page.content()
        assert page.input_value("#period") == "2026"
        page.screenshot(path=str(ARTIFACTS / "evaluation-2-adjustment-form-filled.png"), full_page=True)

        page.goto(f"{server}/finalgradeenterpriseview/list/", wait_until="networkidle")
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("table tr", has_text=name).first.locator("a[href*='/show/']").first.click()
        page.screenshot(path=str(ARTIFACTS / "evaluation-3-grade-with-its-assessments.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("a[href^='/assessment/']").first.click()
        assert page.locator("#work-page").count() == 1
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()


def test_a_daily_entry_picks_its_project(app, server):
    company_id, user = laoshan_company(app)
    with app.app_context():
        project = db.session.query(Project).filter_by(enterprise_id=company_id).order_by(Project.id).first()
        permit, project_name = project.permit_no, project.name
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, user)
        page.goto(f"{server}/dailyassessmentview/add", wait_until="networkidle")
        page.fill("#period", "2026")
        page.select_option("#entry", "award_city")
        page.fill("#quantity", "1")
        page.click("#occurred_on")
        page.keyboard.type("2026-04-01")  # typed: the date picker reads keystrokes
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button[type=submit]")
        page.goto(f"{server}/dailyassessmentview/list/", wait_until="networkidle")
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("a.btn", has_text="办理").first.click()
        page.select_option("#header_project_ref", permit)
        page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('已自动保存')")
        page.screenshot(path=str(ARTIFACTS / "daily-1-project-picked.png"), full_page=True)
        page.goto(f"{server}/dailyassessmentview/list/", wait_until="networkidle")
        listed = page.locator("table").last.inner_text()
        assert permit in listed and "2026-04-01" in listed and "+" in listed  # project, date, points
        page.screenshot(path=str(ARTIFACTS / "daily-2-list-entry-project-date-points.png"), full_page=True)
        assert project_name
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()


def test_the_city_station_records_a_suspended_licence_and_the_enterprise_grade_follows(app, server):
    """RULES.md §8.5 in the browser: 安许证暂扣 recorded on the licence grade shows the licence 不合格
    and, through the licence cap, the enterprise's supervision grade D."""
    with app.app_context():
        from models import Enterprise, FinalGradeRecord

        rows = db.session.query(FinalGradeRecord).filter(FinalGradeRecord.period == "2026", FinalGradeRecord.label.is_not(None))
        enterprise_id = next(row.enterprise_id for row in rows.filter_by(grade_code="licence").order_by(FinalGradeRecord.id))
        name = db.session.get(Enterprise, enterprise_id).name
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "city_station")
        page.goto(f"{server}/finalgradelicenceview/list/", wait_until="networkidle")
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("table tr", has_text=name).first.locator("a", has_text="动态调整").click()
        page.select_option("#direction", "direct_fail", force=True)
        page.select_option("#reason_code", "licence_suspended", force=True)
        page.fill("#note", "市住建局暂扣安全生产许可证的决定")
        page.screenshot(path=str(ARTIFACTS / "evaluation-4-licence-suspended-form.png"), full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button[type=submit]")
        assert "新增成功" in page.inner_text("body")
        page.goto(f"{server}/finalgradelicenceview/list/", wait_until="networkidle")
        assert "不合格" in page.locator("table tr", has_text=name).first.inner_text()
        page.goto(f"{server}/finalgradeenterpriseview/list/", wait_until="networkidle")
        row = page.locator("table tr", has_text=name).first
        assert " D" in f" {row.inner_text()}".replace("\t", " ")
        page.screenshot(path=str(ARTIFACTS / "evaluation-5-enterprise-d.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()


def test_the_reviewer_records_a_director_veto_and_the_director_grade_fails(app, server, tmp_path):
    """RULES.md §6.2 in the browser: the district authority records 未配备安全总监 on the approved
    safety-director assessment (reason, opinion, evidence); the director grade shows 不合格 with it."""
    from tests.test_record_veto import NAME, approved_director
    from tests.workflow_support import PDF, page_url

    pk, enterprise_id, reviewer = approved_director(app)
    with app.app_context():
        from models import Enterprise

        name = db.session.get(Enterprise, enterprise_id).name
    evidence = tmp_path / "核查记录.pdf"
    evidence.write_bytes(PDF)
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, reviewer)
        page.goto(f"{server}{page_url('director', pk)}", wait_until="networkidle")
        page.select_option("#veto-code", "not_appointed")
        page.fill("#veto-opinion", "现场核查：企业未配备安全生产总监，也未备案")
        page.set_input_files("#veto-file", str(evidence))
        page.locator("#veto-form").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "evaluation-6-director-veto-form.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())  # 确定记录？
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#veto-form button[type=submit]")
        assert f"已记录否决事项“{NAME}”，安全生产总监专项考核评定为不合格" in page.inner_text("body")
        assert page.evaluate("() => window.location.hash") == "#vetoes"
        assert "核查记录.pdf" in page.locator("#vetoes-region").inner_text()
        page.screenshot(path=str(ARTIFACTS / "evaluation-7-director-veto-recorded.png"), full_page=True)
        page.goto(f"{server}/finalgradedirectorview/list/", wait_until="networkidle")
        row = page.locator("table tr", has_text=name).first
        assert "不合格" in row.inner_text()
        with page.expect_navigation(wait_until="networkidle"):
            row.locator("a[href*='/show/']").first.click()
        assert f"否决：{NAME} → 不合格" in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "evaluation-8-director-grade-fails-with-the-reason.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
