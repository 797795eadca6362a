"""Every screen a user reaches speaks Simplified Chinese: no English label of the framework is left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support import login, visible_text

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
LINK = re.compile(r'href="(/[a-z]+view/(?:list|show/\d+|add|edit/\d+)/?|/(?:users|roles|groups)/(?:list|show/\d+|add)/?)"')
USERS = ["admin", "city_station", "district_authority_shinan", "supervisor_shinan", "enterprise_01"]


def english_labels() -> list[re.Pattern]:
    """The framework's own UI strings (the msgids of the catalogue) that are plain English words."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    words = [m.id for m in catalogue if m.id and isinstance(m.id, str) and re.fullmatch(r"[A-Za-z][A-Za-z .?!]{2,}", m.id)]
    return [re.compile(rf"(?<![A-Za-z]){re.escape(w.strip())}(?![A-Za-z])") for w in words]


PATTERNS = english_labels()


def crawl(client, start: str = "/", limit: int = 60) -> dict[str, str]:
    """Visit the menu's list pages and, from each, one show, add and edit page."""
    seen: dict[str, str] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        html = answer.get_data(as_text=True)
        seen[url] = visible_text(html)
        kinds_seen = {re.sub(r"/\d+", "", u) for u in seen}
        for link in LINK.findall(html):
            if re.sub(r"/\d+", "", link) not in kinds_seen and link not in queue:
                queue.append(link)
    return seen


@pytest.mark.parametrize("username", USERS)
def test_no_english_label_on_reachable_screens(client, username):
    login(client, username)
    pages = crawl(client)
    assert len(pages) >= 4, f"only {list(pages)} reached"
    leaks = {url: sorted({p.pattern for p in PATTERNS if p.search(text)}) for url, text in pages.items()}
    leaks = {url: found for url, found in leaks.items() if found}
    assert not leaks, f"English left on screens: {leaks}"


def test_login_page_is_chinese(client):
    text = visible_text(client.get("/login/").get_data(as_text=True))
    assert "用户名" in text and "密码" in text and "登录" in text
    assert not [p.pattern for p in PATTERNS if p.search(text)]
