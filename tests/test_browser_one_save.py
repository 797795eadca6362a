"""Nothing typed on the 办理 page is lost (one save), in Chromium: a header field and a score typed
and not saved survive an upload in the score's row, and a score typed just before 提交 is the one
submitted. Screenshots in
var/test-artifacts/one-save-*.png."""

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
)
from tests.workflow_support import PDF

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def test_typed_scores_survive_an_upload_and_are_what_is_submitted(app, server, tmp_path):
    company_id, enterprise_user = laoshan_company(app)
    kind = app.extensions["criteria_pack"].kinds["general"]
    with_evidence = [item for item in kind.items if item.evidence]
    first, last = with_evidence[0], kind.items[-1]
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(PDF)
    typed_first = Decimal(first.max) - Decimal("0.5")
    typed_last = Decimal(last.max) - Decimal("1.5")

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

        # type a header field and a score, do not save, upload a file in the score's row
        page.fill("input[name=header_contact_person]", "赵新联系人")
        page.screenshot(path=str(ARTIFACTS / "one-save-0-header-and-scores-typed.png"))
        page.fill(f"input[name=score_{first.code}]", str(typed_first))
        row = page.locator(f"#item-{first.code}")
        row.locator("input[type=file]").set_input_files(str(evidence))
        row.locator("text=上传 PDF").click()
        page.wait_for_load_state()
        assert "填写内容已一并保存" in page.locator(".alert-success").first.inner_text()
        assert page.input_value(f"input[name=score_{first.code}]") == str(typed_first)
        assert page.input_value("input[name=header_contact_person]") == "赵新联系人"
        page.screenshot(path=str(ARTIFACTS / "one-save-1-upload-kept-the-typed-score.png"))  # what the user sees: the row
        for item in with_evidence[1:]:
            other = page.locator(f"#item-{item.code}")
            other.locator("input[type=file]").set_input_files(str(evidence))
            other.locator("text=上传 PDF").click()
            page.wait_for_load_state()

        # type a score and press 提交 without 保存
        page.fill(f"input[name=score_{last.code}]", str(typed_last))
        take_step(page, "submit", "自评完成，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"
        assert "填写内容已一并保存" in page.locator(".alert-success").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "one-save-2-submitted-what-was-typed.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()

    with app.app_context():
        rows = {row.item_code: row.self_score for row in db.session.get(records.kind_model(app, "general"), pk).items}
    assert rows[first.code] == typed_first and rows[last.code] == typed_last
    with app.app_context():
        assert db.session.get(records.kind_model(app, "general"), pk).contact_person == "赵新联系人"
