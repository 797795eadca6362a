"""A guide revision in Chromium, as the administrator makes it and the people affected see it: a header
field added in the file editor appears on the enterprise's form with no restart; a header field removed
leaves an old record's value on its 查看 and 办理 pages; a kind retired leaves its approved form
verifiable and printed byte for byte. Screenshots in var/test-artifacts/revision-*.png."""

from __future__ import annotations

import re

from models import FormVerification, db
from models.record_scores import final_states
from tests import records
from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api, server
from tests.test_browser_criteria_editor import type_text
from tests.test_guide_in_database import GENERAL, SUMMARY, stored_text, with_new_field, without_summary

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name


def save_in_editor(page, server: str, name: str, text: str, note: str) -> str:
    """Open ``name`` in the file editor, put ``text`` in, save; the page's text after saving."""
    page.goto(f"{server}/criteria-admin/files/", wait_until="networkidle")
    with page.expect_navigation():
        page.click(f"a:text-is('{name}')")
    type_text(page, text)
    page.fill("#note", note)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=校验并保存")
    return page.inner_text("body")


def test_header_fields_added_and_removed_in_the_browser(app, server):
    model = records.kind_model(app, "general")
    with app.app_context():
        record = db.session.query(model).filter(getattr(model, SUMMARY).is_not(None)).order_by(model.id).first()
        pk, summary = record.id, getattr(record, SUMMARY)
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "admin")
        shown = save_in_editor(page, server, GENERAL, with_new_field(stored_text(app, GENERAL)), "新增年度培训学时")
        assert "已为新版本创建数据库结构" in shown and "无需重启平台" in shown
        page.screenshot(path=str(ARTIFACTS / "revision-1-field-added.png"), full_page=True)

        enterprise = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        login(enterprise, server, "enterprise_01")
        enterprise.goto(f"{server}/generalassessmentview/add", wait_until="networkidle")
        assert "年度培训学时" in enterprise.inner_text("body")  # no restart, no shell command
        enterprise.screenshot(path=str(ARTIFACTS / "revision-2-new-field-on-form.png"), full_page=True)

        shown = save_in_editor(page, server, GENERAL, without_summary(stored_text(app, GENERAL)), "删除自评情况说明")
        assert "记录为考核标准第" in shown
        page.goto(f"{server}/generalassessmentview/show/{pk}", wait_until="networkidle")
        assert summary[:20] in page.inner_text("body")  # 查看: the old record keeps its value
        page.screenshot(path=str(ARTIFACTS / "revision-3-old-record-show.png"), full_page=True)
        page.goto(f"{server}/assessment/general/{pk}", wait_until="networkidle")
        assert summary[:20] in page.inner_text("body")  # 办理
        page.goto(f"{server}/generalassessmentview/add", wait_until="networkidle")
        assert "自评情况说明" not in page.inner_text("body")  # new records no longer ask for it
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()


def test_a_kind_retired_in_the_browser_still_verifies_and_prints(app, server):
    model = records.kind_model(app, "licence")
    with app.app_context():
        kind = app.extensions["criteria_pack"].kinds["licence"]
        record = db.session.query(model).filter(model.rating.is_not(None), model.state.in_(final_states(kind))).order_by(model.id).first()
        pk, enterprise_name = record.id, str(record.enterprise)
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        login(page, server, "admin")
        printed = page.request.get(f"{server}/report/licence/{pk}.pdf").body()
        with app.app_context():  # printing the form issued its verification code
            code = db.session.query(FormVerification).filter_by(assessment_id=pk).one().code
        grading = stored_text(app, "grading.yaml").replace("    rated_by: licence\n", "")
        assert "记录为考核标准第" in save_in_editor(page, server, "grading.yaml", grading, "许可证等次改按一般条件得分评定")
        general = stored_text(app, GENERAL).replace("dossier_from: licence\n", "")
        assert "记录为考核标准第" in save_in_editor(page, server, GENERAL, general, "一般条件考核不再共用许可证考核的材料")
        listed = re.sub(r",\s*licence\.yaml\b", "", stored_text(app, "pack.yaml"))
        shown = save_in_editor(page, server, "pack.yaml", listed, "停用安全生产许可证考核")
        assert "记录为考核标准第" in shown
        page.goto(f"{server}/criteria-admin/", wait_until="networkidle")
        assert "已停用的考核类别" in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "revision-4-kind-retired.png"), full_page=True)

        again = page.request.get(f"{server}/report/licence/{pk}.pdf").body()
        assert again.split(b"%%EOF")[0] == printed.split(b"%%EOF")[0]  # the same form, byte for byte, before its signature
        public = browser.new_context(locale="zh-CN").new_page()  # anyone holding the printed form
        public.goto(f"{server}/verify/{code}", wait_until="networkidle")
        text = public.inner_text("body")
        assert f"验证码 {code} 对应的考核表真实有效" in text and enterprise_name in text
        public.screenshot(path=str(ARTIFACTS / "revision-5-retired-verifies.png"), full_page=True)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()
