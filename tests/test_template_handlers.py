"""Inline event handlers in the page templates carry no interpolated values and call the window's
own confirm(): the browser decodes entities in an attribute before its script runs, so a name put
into a handler's code would run as code; and inside a form's handler a bare ``confirm`` is the
form's field of that name when it has one (the confirmation would then never be asked)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)


def handlers() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(TEMPLATES)}", match.group(1))
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in HANDLER.finditer(path.read_text(encoding="utf-8"))
    ]


def test_no_handler_interpolates_a_value():
    found = handlers()
    assert found, "the templates have inline handlers (confirmations)"
    assert [(name, code) for name, code in found if "{{" in code or "{%" in code] == []


def test_every_confirmation_calls_the_windows_confirm_with_a_data_attribute():
    confirming = [(name, code) for name, code in handlers() if "confirm(" in code]
    assert confirming
    assert [(name, code) for name, code in confirming if "window.confirm(this.dataset.confirm)" not in code] == []
