"""Accessibility in Chromium: axe-core (from the npm registry, kept in tests/vendor/axe-core) finds no
critical and no serious violation on the login and registration forms, the home page, a list, the
办理 page (the enterprise's, with its upload inputs, and a reviewer's, with the review inputs) and an
evaluation list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import url_for

from tests.browser_support import ARGS, CHROMIUM, login, needs_chromium, playwright_api, server

pytestmark = needs_chromium
__all__ = ["server"]  # the fixture is used by name

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def violations(page: Any) -> list[str]:
    """The page's critical and serious axe-core violations, each with the elements it names."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {len(v['nodes'])}× "
        + json.dumps([(node["target"], node["failureSummary"]) for node in v["nodes"][:8]], ensure_ascii=False)
        for v in found
        if v["impact"] in BLOCKING
    ]


def _pages(app: Any) -> dict[str, tuple[str | None, str]]:
    """name -> (the user who opens it, or None for anonymous; its path)."""
    from models import db
    from tests import records

    with app.app_context(), app.test_request_context():
        licence = records.kind_model(app, "licence")
        draft = db.session.query(licence).order_by(licence.id).first()
        grade_list = url_for("FinalGradeEnterpriseView.list")
        assessment_list = url_for("GeneralAssessmentView.list")
        page = url_for("AssessmentWorkflowView.page", kind_code="licence", pk=draft.id)
    return {
        "login": (None, "/login/"),
        "register": (None, "/register/"),
        "home": ("enterprise_01", "/"),
        "list": ("district_authority_shinan", assessment_list),
        "assessment": ("enterprise_01", page),
        "evaluation": ("city_station", grade_list),
        "review": ("city_station", "/"),
    }


def test_no_critical_or_serious_violations(app, server):
    found: dict[str, list[str]] = {}
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        for name, (user, path) in _pages(app).items():
            if user:
                login(page, server, user)
            else:
                page.goto(f"{server}/logout/")
            page.goto(f"{server}{path}", wait_until="networkidle")
            if name == "review":  # the first record waiting for the user's review, opened from the home page
                with page.expect_navigation(wait_until="networkidle"):
                    page.locator("#waiting-1 a.btn", has_text="审核").first.click()
            assert "/login" not in page.url or user is None, f"{name}: {user} was sent to the login page"
            found[name] = violations(page)
        browser.close()
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)
