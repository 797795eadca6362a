"""The general-conditions journey in a real browser (Playwright driving Debian's Chromium, headless):
the enterprise fills scores, uploads evidence and submits; the district reviewer passes every item
and approves. Screenshots are kept in var/test-artifacts/ for people to look at."""

from __future__ import annotations

from tests import records
from tests.browser_support import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    csp_violations,
    laoshan_company,
    login,
    needs_chromium,
    new_general_draft,
    playwright_api,
    server,
    take_step,
    upload_in,
)
from tests.workflow_support import PDF

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_general_conditions_journey_in_chromium(app, server, tmp_path):
    company_id, enterprise_user = laoshan_company(app)
    kind = app.extensions["criteria_pack"].kinds["general"]
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(PDF)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        blocked = csp_violations(page)
        page.on("dialog", lambda dialog: dialog.accept())

        login(page, server, enterprise_user)
        pk = new_general_draft(page, server, app, company_id)

        page.goto(f"{server}/assessment/general/{pk}")
        for item in kind.items:
            page.fill(f"input[name=score_{item.code}]", str(item.max))
        page.click("text=保存（草稿）")
        page.wait_for_load_state()
        assert page.locator(".alert-success").first.inner_text().strip().endswith("得分已保存（草稿）")
        for item in kind.items:
            if item.evidence:
                upload_in(page, page.locator(f"#item-{item.code}"), evidence)
        page.screenshot(path=str(ARTIFACTS / "1-enterprise-filled.png"), full_page=True)
        take_step(page, "submit", "自评完成，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"
        page.screenshot(path=str(ARTIFACTS / "2-enterprise-submitted.png"), full_page=True)

        login(page, server, "district_authority_laoshan")
        page.goto(f"{server}/assessment/general/{pk}")
        for item in kind.items:
            page.check(f"input[name=decision_{item.code}][value=pass]")
        page.click("text=保存审核结果")
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / "3-reviewer-passed-items.png"), full_page=True)
        take_step(page, "approve", "资料齐全，同意")
        assert page.locator("#record-state").inner_text() == "审核通过"
        assert page.locator("#history tbody tr").count() == len(kind.items) + 2
        page.screenshot(path=str(ARTIFACTS / "4-reviewer-approved.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
    assert records.count(app, records.kind_model(app, "general"), id=pk, state="approved") == 1
