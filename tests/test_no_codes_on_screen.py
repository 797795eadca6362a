"""Labels, never codes: every screen each demo role reaches (following the links it is shown, from the
home page) is free of the running pack's codes (states, steps, item statuses, kinds, items, districts,
roles, choices, materials…) and of Python values (None, True, False, [], reprs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import AppUser, db
from tests.support import login, visible_text

USERS = ["admin", "city_station", "district_authority_shinan", "supervisor_shinan", "enterprise_01"]
LINK = re.compile(r'href="(/[^"#]*)"')
# pages that are not screens (files, the API, signing out) or that change something when opened
SKIP = re.compile(r"^/(static|api|swagger|logout|lang|login)|/(file|delete|download|export|action|report)|\.(pdf|csv|xlsx|yaml)\b")
PER_SHAPE, PER_USER = 2, 90
REPRS = [
    re.compile(r"(?<![A-Za-z_])(None|True|False)(?![A-Za-z_])"),
    re.compile(r"__None|\[\]|\{\}|\['|\[<|<\w+ object at|\[[\u4e00-\u9fff]+\]"),
]
TOKEN = re.compile(r"(?<![/.A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*(?![/.A-Za-z0-9_])")  # not a segment of a path or a file name


def _codes(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("code", "means") and isinstance(value, str):
                yield value
            yield from _codes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codes(value)


def pack_codes(folder: Path) -> set[str]:
    """Every code the pack's YAML declares (three letters or more: shorter ones are not words a
    person would mistake), and the item review actions the history records."""
    found = {"item_pass", "item_reject"}
    for path in folder.glob("*.yaml"):
        found.update(_codes(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return {code for code in found if len(code) >= 3}


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def crawl(client: Any) -> dict[str, str]:
    """The screens reached from the home page: each link's shape (numbers and query aside) at most
    PER_SHAPE times, PER_USER screens in all."""
    seen: dict[str, str] = {}
    shapes: dict[str, int] = {}
    queue = ["/"]
    while queue and len(seen) < PER_USER:
        url = queue.pop(0)
        if url in seen or shapes.get(shape(url), 0) >= PER_SHAPE:
            continue
        answer = client.get(url)
        if answer.status_code != 200 or not answer.content_type.startswith("text/html"):
            continue
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        html = answer.get_data(as_text=True)
        seen[url] = visible_text(html)
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if not SKIP.search(link) and link not in seen:
                queue.append(link)
    return seen


@pytest.mark.parametrize("username", USERS)
def test_screens_show_labels_not_codes(app, client, username):
    with app.app_context():  # a login name is the account's own (admins list them), not a pack code
        logins = {user.username for user in db.session.query(AppUser)}
    # The pack's own code is the folder name a deployment uses: 各地考核标准 names it on purpose.
    codes = pack_codes(Path(app.config["CRITERIA_PACK"])) - logins - {app.extensions["criteria_pack"].code}
    login(client, username)
    pages = crawl(client)
    assert len(pages) >= 5, f"only {list(pages)} reached"
    found = {}
    for url, text in pages.items():
        problems = sorted({token for token in TOKEN.findall(text) if token in codes})
        problems += sorted({match.group(0) for pattern in REPRS for match in pattern.finditer(text)})
        if problems:
            found[url] = problems
    assert not found, f"codes or Python values on screen ({len(pages)} screens crawled): {found}"
