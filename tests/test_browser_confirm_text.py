"""Confirmation dialogs show names as typed, never run them (Playwright driving Debian's Chromium).

A company name from the public registration form, a person's name and an uploaded file's name all
reach a confirmation dialog. They travel in a data attribute the handler reads, so a name carrying
quotes and script is shown literally and nothing of it runs in the approver's or the filler's session.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from models import AppUser, Attachment, EnterpriseMaterial, EnterpriseRegistration, Person, db
from models.credit_code import check_character
from tests import records
from tests.browser_support import ARGS, CHROMIUM, csp_violations, fill_registration, login, needs_chromium, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name

PASSWORD = "Quot@2026es"
BODY = "91370212MA3BR0002"
# Each breaks out of a single-quoted JavaScript string, and runs, if it is ever put into one.
COMPANY = "青岛x'+(window.pwned='registration')+'\"建设有限公司"
PERSON = "王'+(window.pwned='person')+'五"
FILE = "整改'+(window.pwned='file')+'报告.pdf"
EVIDENCE = "证明'+(window.pwned='evidence')+'材料.pdf"


class Dialogs:
    """Every dialog's text; each one is dismissed, so nothing is decided or removed."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("dialog", self._seen)

    def _seen(self, dialog) -> None:
        self.messages.append(dialog.message)
        dialog.dismiss()


def _no_script_ran(page) -> None:
    assert page.evaluate("typeof window.pwned") == "undefined"


def _seed_names(app) -> tuple[int, int, str]:
    """A person, a material and an item evidence file with quoting names on enterprise_01's drafts."""
    licence = records.kind_model(app, "licence")
    general = records.kind_model(app, "general")
    pack = app.extensions["criteria_pack"]
    with app.app_context():
        user = db.session.query(AppUser).filter_by(username="enterprise_01").one()
        draft = db.session.query(licence).filter_by(enterprise_id=user.enterprise_id, state="draft").first()
        other = (
            db.session.query(general).filter(general.enterprise_id == user.enterprise_id, general.state.in_(("draft", "returned"))).first()
        )
        lists = pack.personnel_lists
        db.session.add(
            Person(
                enterprise_id=user.enterprise_id, list_code=lists[0].code, name=PERSON, certificate_valid_until=datetime.date(2030, 1, 1)
            )
        )
        material = pack.kinds["licence"].materials[0]
        db.session.add(
            EnterpriseMaterial(
                enterprise_id=user.enterprise_id,
                period=draft.period,
                material_code=material.code,
                file_name=FILE,
                content_hash="a" * 64,
                size=10,
                media_type="application/pdf",
            )
        )
        db.session.add(
            Attachment(
                assessment_id=other.id,
                item_code=pack.kinds["general"].items[0].code,
                file_name=EVIDENCE,
                content_hash="b" * 64,
                size=10,
                media_type="application/pdf",
            )
        )
        db.session.commit()
        return draft.id, other.id, lists[0].name


def test_confirmations_show_quoting_names_literally_and_run_nothing(app, server, tmp_path: Path):
    code = BODY + check_character(BODY)
    licence_id, general_id, list_name = _seed_names(app)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        blocked = csp_violations(page)
        dialogs = Dialogs(page)

        # the public form takes the name as it is typed
        page.goto(f"{server}/register/", wait_until="networkidle")
        fill_registration(page, COMPANY, code, "quote_ent", PASSWORD)
        with page.expect_navigation():
            page.click("#register-form button[type=submit]")
        assert "注册申请已提交" in page.locator("#register-done").inner_text()

        # the approver's dialog names the company literally; dismissing it decides nothing
        login(page, server, "district_authority_laoshan")
        with app.app_context():
            application = db.session.query(EnterpriseRegistration).filter_by(username="quote_ent").one().id
        page.goto(f"{server}/registration/{application}", wait_until="networkidle")
        page.check("#is-local")
        page.click("#approve")
        assert dialogs.messages[-1] == f"确定通过“{COMPANY}”的注册申请吗？通过后企业将登记到本平台，账号即可登录。"
        _no_script_ran(page)
        page.fill("#reason", "名称与营业执照不一致")
        page.click("#reject")
        assert dialogs.messages[-1] == "确定不通过该注册申请吗？"
        assert page.locator("#registration-state").inner_text() == "待审核"

        # the filler's dialogs on the 办理 page: a person, a material, an item's evidence
        login(page, server, "enterprise_01")
        page.goto(f"{server}/assessment/licence/{licence_id}", wait_until="networkidle")
        page.locator("tr", has_text=PERSON).locator("button", has_text="移出名单").click()
        assert dialogs.messages[-1] == f"确定将“{PERSON}”移出{list_name}名单吗？"
        page.locator("#materials-table div", has_text=FILE).locator("button", has_text="删除").click()
        assert dialogs.messages[-1] == f"确定删除“{FILE}”吗？"
        _no_script_ran(page)
        page.goto(f"{server}/assessment/general/{general_id}", wait_until="networkidle")
        page.locator("#items div", has_text=EVIDENCE).locator("button", has_text="删除").click()
        assert dialogs.messages[-1] == f"确定删除“{EVIDENCE}”吗？"
        _no_script_ran(page)
        assert not blocked, f"blocked by the content security policy: {blocked}"
        browser.close()

    assert len(dialogs.messages) == 5
    with app.app_context():  # every dialog was dismissed: nothing was decided or removed
        assert db.session.query(EnterpriseRegistration).filter_by(username="quote_ent").one().state == "pending"
        assert db.session.query(Person).filter_by(name=PERSON).count() == 1
        assert db.session.query(EnterpriseMaterial).filter_by(file_name=FILE).count() == 1
        assert db.session.query(Attachment).filter_by(file_name=EVIDENCE).count() == 1
