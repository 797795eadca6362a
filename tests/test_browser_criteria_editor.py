"""The criteria editor in a real browser: the admin opens a file from the platform's menu, a wrong
edit is refused with the problem named and the text kept, a right one is saved as a new version."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.browser_support import ARTIFACTS, login, needs_chromium, open_page, playwright_api


@pytest.fixture
def pack_server(app_for_pack: Any, backend: Any) -> Iterator[str]:
    """The app on an editable copy of the pack, served on a free local port (SQLite only)."""
    if backend.name != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite; tests/test_criteria_editor.py covers PostgreSQL")
    app_for_pack.config["WTF_CSRF_SSL_STRICT"] = False
    httpd = make_server("127.0.0.1", 0, app_for_pack, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def type_text(page: Any, text: str) -> None:
    """Replace the editor's whole text as a person pastes it."""
    page.click(".cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


@needs_chromium
def test_admin_edits_the_guide_in_the_browser(pack_server, pack_copy):
    original = (pack_copy / "general.yaml").read_text(encoding="utf-8")
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        try:
            login(page, pack_server, "admin")
            page.goto(f"{pack_server}/", wait_until="networkidle")
            page.click("text=系统管理")
            with page.expect_navigation():
                page.click("text=考核标准维护")
            page.click("text=考核标准文件")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / "criteria-files.png"), full_page=True)
            with page.expect_navigation():
                page.click("a:text-is('general.yaml')")

            assert page.locator(".cm-lineNumbers").count() == 1  # the YAML editor, with line numbers
            type_text(page, original.replace("    max: 20\n", "    max: 0\n", 1))
            page.fill("#note", "试错")
            with page.expect_navigation():
                page.click("text=校验并保存")
            assert "考核项目“三类人员安全生产考核”的满分（items[3].max）：应大于 0" in page.inner_text("body")
            assert "max: 0" in page.input_value("#content")  # the typed text is still there
            assert page.locator(".cm-lint-marker-error").count() == 1  # the problem marked on its line
            assert "max: 0" in page.locator(".cm-activeLine").inner_text()  # the cursor on the first problem
            page.screenshot(path=str(ARTIFACTS / "criteria-refused.png"), full_page=True)
            assert (pack_copy / "general.yaml").read_text(encoding="utf-8") == original

            type_text(page, original.replace("label: 联系人", "label: 联络人", 1))
            page.fill("#note", "表头改称联络人")
            with page.expect_navigation():
                page.click("text=校验并保存")
            assert "已保存 general.yaml，记录为考核标准第 2 版" in page.inner_text("body")
            assert (pack_copy / "general.yaml").read_text(encoding="utf-8") == original  # the folder is only the seed
            page.click("text=考核标准文件")
            page.wait_for_load_state("networkidle")
            with page.expect_navigation():
                page.click("a:text-is('general.yaml')")
            assert "label: 联络人" in page.input_value("#content")  # the editor opens the newest version
            page.screenshot(path=str(ARTIFACTS / "criteria-reopened.png"), full_page=True)

            page.click("text=版本记录")
            page.wait_for_load_state("networkidle")
            with page.expect_navigation():
                page.click("text=与上一版比较")
            assert "表头字段（contact_person）更名：“联系人” → “联络人”" in page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / "criteria-diff.png"), full_page=True)
        finally:
            assert not blocked, f"blocked by the content security policy: {blocked}"
            browser.close()


# CodeMirror ignores Enter on a completion list opened less than 75 ms before (its interactionDelay,
# so a fast typist's Enter makes a new line): a person pauses longer than that before choosing.
ACCEPT_AFTER_MS = 200
HOVER_TARGET = """(word) => {
  const walker = document.createTreeWalker(document.querySelector('.cm-content'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    const box = range.getBoundingClientRect();
    return {x: box.x + box.width / 2, y: box.y + box.height / 2};
  }
  return null;
}"""


@needs_chromium
def test_the_editor_explains_every_key_and_completes_it(pack_server):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        try:
            login(page, pack_server, "admin")
            page.goto(f"{pack_server}/criteria-admin/files/edit/?path=general.yaml", wait_until="networkidle")

            spot = page.evaluate(HOVER_TARGET, "short_name")
            page.mouse.move(spot["x"], spot["y"])
            help_box = page.locator(".schema-help")
            help_box.wait_for()
            assert "考核类别简称（菜单和列表上显示）" in help_box.inner_text()
            page.screenshot(path=str(ARTIFACTS / "criteria-hover.png"))

            page.locator(".cm-line", has_text="short_name:").first.click()
            page.keyboard.press("End")
            page.keyboard.press("Enter")
            page.keyboard.type("one_per")
            options = page.locator(".cm-tooltip-autocomplete")
            options.wait_for()
            assert "one_per_period" in options.inner_text()
            assert "每个考核对象每个考核年度是否只有一份考核" in page.locator(".cm-completionInfo").inner_text()
            page.screenshot(path=str(ARTIFACTS / "criteria-complete-key.png"))
            page.wait_for_timeout(ACCEPT_AFTER_MS)
            page.keyboard.press("Enter")
            page.keyboard.type("t")
            options.wait_for()
            assert page.locator(".cm-completionLabel").all_inner_texts() == ["true"]
            assert page.locator(".cm-completionDetail").all_inner_texts() == ["是"]
            page.wait_for_timeout(ACCEPT_AFTER_MS)
            page.keyboard.press("Enter")
            assert "one_per_period: true" in page.input_value("#content")  # the form posts what was completed
            page.screenshot(path=str(ARTIFACTS / "criteria-complete-value.png"))
        finally:
            assert not blocked, f"blocked by the content security policy: {blocked}"
            browser.close()


@needs_chromium
def test_admin_starts_a_new_city_pack_in_the_browser(pack_server):
    with playwright_api.sync_playwright() as playwright:
        browser, page, blocked = open_page(playwright)
        try:
            login(page, pack_server, "admin")
            page.goto(f"{pack_server}/criteria-admin/", wait_until="networkidle")
            with page.expect_navigation():
                page.click("a.nav-link:text-is('各地考核标准')")
            page.fill("#code", "qingdao")
            page.fill("#name", "烟台市建筑施工安全考核")
            page.fill("#note", "依据烟台市考核办法新建")
            page.click("text=校验并新建")
            assert page.evaluate("document.querySelector('#region').validity.valueMissing")  # the browser asks first
            page.fill("#region", "烟台市")
            with page.expect_navigation():
                page.click("text=校验并新建")
            assert "考核标准代码“qingdao”已被使用，请换一个" in page.inner_text("body")  # refused, the typing kept
            assert page.input_value("#region") == "烟台市"
            page.screenshot(path=str(ARTIFACTS / "criteria-pack-refused.png"), full_page=True)
            page.fill("#code", "yantai")
            with page.expect_navigation():
                page.click("text=校验并新建")
            assert "已新建考核标准“烟台市建筑施工安全考核”（yantai）" in page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / "criteria-pack-files.png"), full_page=True)

            with page.expect_navigation():
                page.click("a:text-is('districts.yaml')")
            assert "正在编辑 烟台市建筑施工安全考核" in page.inner_text("body")
            text = page.input_value("#content")
            type_text(page, text.replace("name: 市南区", "name: 芝罘区", 1))
            page.fill("#note", "烟台的区（市）")
            with page.expect_navigation():
                page.click("text=校验并保存")
            assert "已保存 districts.yaml，记录为考核标准第 2 版" in page.inner_text("body")
            assert "这是 烟台市建筑施工安全考核" in page.inner_text("body")  # still on the new city's files

            with page.expect_navigation():
                page.click("a.nav-link:text-is('各地考核标准')")
            row = page.locator("tr", has_text="yantai")
            assert "第 2 版" in row.inner_text() and "qingdao" in row.inner_text()
            page.screenshot(path=str(ARTIFACTS / "criteria-packs.png"), full_page=True)
            with page.expect_download() as download:
                row.locator("text=下载全部文件（zip）").click()
            assert download.value.suggested_filename == "yantai-v2.zip"
            with page.expect_navigation(wait_until="networkidle"):
                row.locator("text=版本记录").click()
            with page.expect_navigation(wait_until="networkidle"):
                page.click("text=与上一版比较")
            assert "芝罘区" in page.inner_text("body")  # the new city's own history
            page.screenshot(path=str(ARTIFACTS / "criteria-pack-diff.png"), full_page=True)
        finally:
            assert not blocked, f"blocked by the content security policy: {blocked}"
            browser.close()
