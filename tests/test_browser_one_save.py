"""Nothing typed on the 办理 page is lost, in Chromium: an upload is sent in place (no reload, the
page stays where it was) and saves the score typed in its row; a refused file is said beside its
form; a delete is done in place; a typed score is saved by itself a
moment later; leaving with a change not yet saved asks first; a score typed just before 提交 is the
one submitted; a sum kind shows its live total. Screenshots in var/test-artifacts/one-save-*.png."""

from __future__ import annotations

from decimal import Decimal

from models import db
from tests import records
from tests.browser_support import (
    ARTIFACTS,
    laoshan_company,
    login,
    needs_chromium,
    new_general_draft,
    open_page,
    playwright_api,
    server,
    settle,
    take_step,
    upload_in,
)
from tests.workflow_support import PDF

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def _saved_scores(app, pk):
    with app.app_context():
        return {row.item_code: row.self_score for row in db.session.get(records.kind_model(app, "general"), pk).items}


def test_uploads_work_in_place_and_typed_scores_are_saved_and_submitted(app, server, tmp_path):
    app.config["AUTOSAVE_DELAY_MS"] = 60_000  # this journey saves only through uploads and the step
    company_id, enterprise_user = laoshan_company(app)
    kind = app.extensions["criteria_pack"].kinds["general"]
    with_evidence = [item for item in kind.items if item.evidence]
    first = with_evidence[-1]  # low on the page: the upload must not move it
    last = next(item for item in reversed(kind.items) if item != first)
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(PDF)
    typed_first = Decimal(first.max) - Decimal("0.5")
    typed_last = Decimal(last.max) - Decimal("1.5")

    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        page.on("dialog", lambda dialog: dialog.accept())
        login(page, server, enterprise_user)
        pk = new_general_draft(page, server, app, company_id)
        page.goto(f"{server}/assessment/general/{pk}")
        assert "尚未填写" in page.locator("#live-score").inner_text()  # a sum kind has its live total too
        for item in kind.items:
            page.fill(f"input[name=score_{item.code}]", str(item.max))
        page.wait_for_function("() => document.getElementById('live-total').textContent !== '—'")
        assert page.locator("#save-status").inner_text() == "有未保存的修改…"
        page.click("text=保存（草稿）")
        page.wait_for_load_state()

        # type a header field and a score, do not save, upload a file in the score's row
        page.fill("input[name=header_contact_person]", "赵新联系人")
        page.fill(f"input[name=score_{first.code}]", str(typed_first))
        row = page.locator(f"#item-{first.code}")
        row.locator("text=上传 PDF").scroll_into_view_if_needed()
        page.evaluate("window.samePage = true")
        scrolled = page.evaluate("window.scrollY")
        page.screenshot(path=str(ARTIFACTS / "one-save-0-score-typed-file-chosen.png"))
        upload_in(page, row, evidence)
        assert page.evaluate("window.samePage") is True, "the upload reloaded the page"
        assert abs(page.evaluate("window.scrollY") - scrolled) < 5, "the page jumped after the upload"
        assert "填写内容已一并保存" in page.locator("#flash-messages .alert-success").inner_text()
        assert evidence.name in row.inner_text()
        assert page.input_value(f"input[name=score_{first.code}]") == str(typed_first)
        assert page.input_value("input[name=header_contact_person]") == "赵新联系人"
        assert page.locator("#save-status").inner_text().startswith("已保存")
        assert _saved_scores(app, pk)[first.code] == typed_first
        page.screenshot(path=str(ARTIFACTS / "one-save-1-uploaded-in-place.png"))
        for item in with_evidence[:-1]:
            upload_in(page, page.locator(f"#item-{item.code}"), evidence)
        assert page.evaluate("window.samePage") is True

        # type a score and press 提交 without saving
        page.fill(f"input[name=score_{last.code}]", str(typed_last))
        take_step(page, "submit", "自评完成，请审核")
        assert page.locator("#record-state").inner_text() == "待审核"
        assert "填写内容已一并保存" in page.locator(".alert-success").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "one-save-2-submitted-what-was-typed.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()

    rows = _saved_scores(app, pk)
    assert rows[first.code] == typed_first and rows[last.code] == typed_last
    with app.app_context():
        assert db.session.get(records.kind_model(app, "general"), pk).contact_person == "赵新联系人"


def test_a_typed_score_saves_itself_and_leaving_before_asks(app, server, tmp_path):
    company_id, enterprise_user = laoshan_company(app)
    kind = app.extensions["criteria_pack"].kinds["general"]
    item = kind.items[0]
    typed = Decimal(item.max) - Decimal("1")

    with playwright_api.sync_playwright() as playwright:
        browser, page, _ = open_page(playwright)
        login(page, server, enterprise_user)
        pk = new_general_draft(page, server, app, company_id)

        asked = []

        def answer(dialog):  # a deletion's confirmation is accepted, leaving the page is not
            asked.append(dialog.type)
            dialog.dismiss() if dialog.type == "beforeunload" else dialog.accept()

        page.on("dialog", answer)
        app.config["AUTOSAVE_DELAY_MS"] = 300
        page.goto(f"{server}/assessment/general/{pk}")
        page.fill(f"input[name=score_{item.code}]", str(typed))
        page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('已自动保存')")
        settle(page)
        assert _saved_scores(app, pk)[item.code] == typed
        page.locator("#save-status").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "one-save-3-autosaved.png"))

        # a file that is not a PDF is refused beside its form, in place; a PDF then replaces nothing typed
        with_evidence = next(entry for entry in kind.items if entry.evidence)
        row = page.locator(f"#item-{with_evidence.code}")
        not_pdf = tmp_path / "说明.pdf"
        not_pdf.write_text("不是 PDF 文件", encoding="utf-8")
        page.evaluate("window.samePage = true")
        upload_in(page, row, not_pdf)
        refusal = row.locator(".upload-progress.text-danger").inner_text()
        assert "PDF" in refusal, refusal
        assert page.evaluate("window.samePage") is True
        page.screenshot(path=str(ARTIFACTS / "one-save-3b-not-a-pdf-refused-beside.png"))
        good = tmp_path / "制度文件.pdf"
        good.write_bytes(PDF)
        upload_in(page, row, good)
        assert good.name in row.inner_text() and not row.locator(".upload-progress").count()
        row.locator("button", has_text="删除").click()  # confirmed (the dialog handler accepts)
        settle(page)
        assert good.name not in row.inner_text() and page.evaluate("window.samePage") is True

        # a wrong value is not saved, and says why beside the item
        page.fill(f"input[name=score_{item.code}]", str(item.max + 5))
        page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('未保存')")
        assert page.locator(f"#error-{item.code}").inner_text() != ""
        assert _saved_scores(app, pk)[item.code] == typed
        page.screenshot(path=str(ARTIFACTS / "one-save-4-refused-value-not-saved.png"))

        # leaving with that change not saved asks; staying keeps it
        asked.clear()
        page.click("#breadcrumb a >> nth=1")  # back to the kind's list
        page.wait_for_timeout(500)
        assert asked == ["beforeunload"]
        assert f"/assessment/general/{pk}" in page.url
        assert page.input_value(f"input[name=score_{item.code}]") == str(item.max + 5)
        browser.close()
