"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from cli.demo_data import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser of a Chinese user: its own widgets (native date inputs) in Chinese
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}; install Debian's chromium package (CI does)"
)


@pytest.fixture
def server(app: Any, backend: Any) -> Iterator[str]:
    """The test app served on a free local port (SQLite only: the HTTP tests cover PostgreSQL)."""
    if backend.name != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite; the HTTP tests cover PostgreSQL")
    app.config["WTF_CSRF_SSL_STRICT"] = False
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def csp_violations(page: Any) -> list[str]:
    """What the page's content security policy blocked (views.hardening), collected as it happens;
    a journey ends by asserting there was nothing."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None)
    return found


def login(page: Any, server: str, username: str) -> None:
    # networkidle: a late response of the previous page (a font) may set a session cookie without
    # the CSRF token and overwrite the login page's one
    page.goto(f"{server}/logout/", wait_until="networkidle")
    page.goto(f"{server}/login/", wait_until="networkidle")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")
    assert "/login" not in page.url, f"login of {username} failed"


def take_step(page: Any, code: str, opinion: str = "", rating: str | None = None) -> None:
    """A workflow step as a person takes it: its button opens the dialog, the opinion (and, for a
    rating, the result) is entered there, and the dialog's confirm button posts it."""
    page.click(f"#open-{code}")
    dialog = page.locator(f"#step-{code}")
    dialog.wait_for(state="visible")
    if rating is not None:
        dialog.locator(f"input[name=rating][value={rating}]").check()
    if opinion:
        dialog.locator("textarea[name=opinion]").fill(opinion)
    with page.expect_navigation():
        dialog.locator(f"button[name=take][value={code}]").click()


def fill_registration(page: Any, enterprise_name: str, credit_code: str, username: str, password: str, district: str = "laoshan") -> None:
    """The public registration form filled in as an applicant would (not yet submitted)."""
    page.fill("#enterprise_name", enterprise_name)
    page.fill("#credit_code", credit_code)
    page.select_option("#district", district)
    page.fill("#contact_person", "陈联系")
    page.fill("#mobile", "13912345678")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#conf_password", password)


def laoshan_company(app: Any) -> tuple[int, str]:
    """(id, a user's name) of the first demo enterprise of 崂山区, a district the city station does not review."""
    from models import AppUser, District, Enterprise, db

    with app.app_context():
        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        return company.id, db.session.query(AppUser).filter_by(enterprise_id=company.id).order_by(AppUser.id).first().username


def new_general_draft(page: Any, server: str, app: Any, company_id: int) -> int:
    """A 一般条件考核 draft for 2027 made through the add form by the logged-in enterprise user; its id."""
    from tests import records

    page.goto(f"{server}/generalassessmentview/add")
    page.fill("#period", "2027")
    page.fill("#contact_person", "张三")
    page.fill("#contact_phone", "13912345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return max(records.ids(app, records.kind_model(app, "general"), enterprise_id=company_id, period="2027"))


def settle(page: Any) -> None:
    """Wait until everything the 办理 page sent in place (uploads, deletes, autosaves) is answered."""
    page.wait_for_function("() => document.getElementById('work-page').dataset.busy === '0'")


def upload_in(page: Any, row: Any, path: Any) -> None:
    """A PDF chosen and uploaded in one row of the 办理 page (sent in place, no reload)."""
    row.locator("input[type=file]").set_input_files(str(path))
    row.locator("text=上传 PDF").click()
    settle(page)


def open_page(playwright: Any) -> tuple[Any, Any, list[str]]:
    """Debian's Chromium with one page as a Chinese user sees it (1280×900), and what the page's
    content security policy blocks (``csp_violations``)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    return browser, page, csp_violations(page)
