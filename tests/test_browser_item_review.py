"""Item review as the seed describes it (RULES §3.6), in Chromium: the district authority 驳回 one item
(the record goes back to the enterprise at once), the enterprise corrects it and also changes an item
that had been passed, which comes back to 待审核 marked 企业已修改; the authority then gives one item ×
with its own 考核得分 and 通过, passes the rest and approves with that score. Screenshots in
var/test-artifacts/review-*.png."""

from __future__ import annotations

from decimal import Decimal

from models import db
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


def _flash(page) -> str:
    return page.locator(".alert").first.inner_text().strip()


def test_reject_correct_cross_and_approve_in_chromium(app, server, tmp_path):
    company_id, enterprise_user = laoshan_company(app)
    kind = app.extensions["criteria_pack"].kinds["general"]
    first, second, *_ = kind.items
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(PDF)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        blocked = csp_violations(page)
        page.on("dialog", lambda dialog: dialog.accept())

        login(page, server, enterprise_user)
        pk = new_general_draft(page, server, app, company_id)
        url = f"{server}/assessment/general/{pk}"
        page.goto(url)
        for item in kind.items:
            page.fill(f"input[name=score_{item.code}]", str(item.max - 1))
        page.click("text=保存（草稿）")
        page.wait_for_load_state()
        for item in kind.items:
            if item.evidence:
                upload_in(page, page.locator(f"#item-{item.code}"), evidence)
        take_step(page, "submit", "自评完成，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"

        # 驳回 one item, pass the others: saving returns the record
        login(page, server, "district_authority_laoshan")
        page.goto(url)
        for item in kind.items:
            page.check(f"input[name=decision_{item.code}][value={'reject' if item == first else 'pass'}]")
        page.locator(f"#item-{first.code} input[name=opinion_{first.code}]").fill("缺少安全生产责任制考核记录")
        page.screenshot(path=str(ARTIFACTS / "review-1-authority-rejects-one.png"), full_page=True)
        page.click("text=保存审核结果")
        page.wait_for_load_state()
        assert "1 项驳回，已退回修改" in _flash(page)
        assert page.locator("#record-state").inner_text() == "已退回"
        page.screenshot(path=str(ARTIFACTS / "review-2-record-returned.png"), full_page=True)

        # the enterprise corrects the rejected item and changes one that had been passed
        login(page, server, enterprise_user)
        page.goto(url)
        assert "请修改后重新提交" in page.locator("#return-reason").inner_text()  # why it came back, at the top
        page.screenshot(path=str(ARTIFACTS / "review-2b-enterprise-sees-why.png"))
        assert "缺少安全生产责任制考核记录" in page.locator(f"#item-{first.code}").inner_text()
        page.fill(f"input[name=score_{first.code}]", str(first.max))
        page.fill(f"input[name=score_{second.code}]", str(second.max))
        page.click("text=保存（草稿）")
        page.wait_for_load_state()
        assert "1 项审核已通过的内容有改动，将重新审核" in _flash(page)
        take_step(page, "submit", "已补充考核记录")
        page.screenshot(path=str(ARTIFACTS / "review-3-enterprise-resubmitted.png"), full_page=True)

        # the changed item is back to 待审核 and marked; × sets the authority's own score
        login(page, server, "district_authority_laoshan")
        page.goto(url)
        assert "企业已修改" in page.locator(f"#item-{second.code}").inner_text()
        assessed = second.max - 2
        page.check(f"input[name=verdict_{second.code}][value=override]")
        page.locator(f"#item-{second.code} input[name=assessed_{second.code}]").fill(str(assessed))
        page.locator(f"#item-{second.code} input[name=opinion_{second.code}]").fill("现场抽查与台账不符，按现场核定")
        for item in (first, second):
            page.check(f"input[name=decision_{item.code}][value=pass]")
        page.screenshot(path=str(ARTIFACTS / "review-4-authority-crosses-one.png"), full_page=True)
        page.click("text=保存审核结果")
        page.wait_for_load_state()
        assert _flash(page).endswith("已保存 2 项审核结果")
        assert f"× 考核得分 {assessed}" in page.locator(f"#item-{second.code}").inner_text()
        reviewed_total = page.locator("#reviewed-total").inner_text()  # every item passed: the total approval settles
        take_step(page, "approve", "资料齐全，同意")
        assert page.locator("#record-state").inner_text() == "审核通过"
        page.locator("#history").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "review-5-approved-with-the-authoritys-score.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()

    with app.app_context():
        record = db.session.get(records.kind_model(app, "general"), pk)
        rows = {row.item_code: row for row in record.items}
        assert rows[second.code].assessed_score == Decimal(assessed) and rows[second.code].score_decision == "override"
        assert record.state == "approved" and record.total == sum(row.assessed_score for row in rows.values())
    assert reviewed_total.startswith(f"考核总分：{record.total.normalize():f}")
