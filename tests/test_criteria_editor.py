"""The criteria editor (/criteria-admin/): only the administrator reads or writes through it; a save
validates the whole pack first and changes nothing when it is refused; a valid save is a version in
the database (the server's pack folder is never written)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import inspect, select

from models import CriteriaVersion, db
from tests.support import TOKEN, csrf_token, login, visible_text

EDIT = "/criteria-admin/files/edit/?path=general.yaml"
OTHER_ROLES = ["enterprise_01", "supervisor_shinan", "district_authority_shinan", "city_station"]


def pack_state(app, pack_dir: Path) -> tuple:
    """Everything a write through the editor could change: the pack's files, the stored versions,
    the schema of the assessment tables."""
    files = {path.name: path.read_bytes() for path in sorted(pack_dir.iterdir())}
    with app.app_context():
        versions = db.session.execute(select(CriteriaVersion.id, CriteriaVersion.content_hash).order_by(CriteriaVersion.id)).all()
        columns = {
            name: [c["name"] for c in inspect(db.engine).get_columns(name)]
            for name in inspect(db.engine).get_table_names()
            if name.startswith("assessment_")
        }
    return files, versions, columns


def editor_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/criteria-admin") and rule.endpoint != "criteria_admin.static"),
        key=lambda rule: rule.rule,
    )


def url_of(rule, version_id: int, pack_code: str) -> str:
    """A URL of an editor rule: general.yaml for a file, the version for a version, the pack for a pack."""
    url = rule.rule.replace("<path:path>", "general.yaml").replace("<int:version_id>", str(version_id)).replace("<code>", pack_code)
    by_file = ("criteria_files.edit", "criteria_files.download", "criteria_files.schema", "criteria_forms.items")
    return url + "?path=general.yaml" if rule.endpoint in by_file else url


def latest_version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(CriteriaVersion.id).order_by(CriteriaVersion.id.desc()).limit(1))


def edit_form(client, url: str = EDIT) -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    return {
        "csrf_token": TOKEN.search(page).group(1),
        "base": re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1),
        "base_number": re.search(r'name="base_number" type="hidden" value="(\d+)"', page).group(1),
    }


def stored(app, name: str = "general.yaml") -> str:
    """The text of a file in the newest version."""
    with app.app_context():
        return db.session.get(CriteriaVersion, latest_version(app)).files[name]


@pytest.mark.parametrize("username", [None, *OTHER_ROLES])
def test_nobody_but_the_admin_reads_or_writes_through_any_editor_url(app_for_pack, pack_copy, username):
    app = app_for_pack
    client = app.test_client()
    if username:
        login(client, username)
        token = client.environ_base["HTTP_X_CSRFTOKEN"]
    else:
        token = TOKEN.search(client.get("/login/").get_data(as_text=True)).group(1)
    good = (pack_copy / "general.yaml").read_text(encoding="utf-8").replace("name: 安全生产投入", "name: 越权修改")
    before = pack_state(app, pack_copy)
    rules = editor_rules(app)
    assert len(rules) >= 10  # every view of the editor, its index included
    version = latest_version(app)
    wrong = []
    for rule in rules:
        url = url_of(rule, version, app.extensions["criteria_pack"].code)
        calls = [("GET", None)] if "GET" in rule.methods else []
        if "POST" in rule.methods:  # a write that would succeed for the admin
            calls.append(
                (
                    "POST",
                    {
                        "csrf_token": token,
                        "content": good,
                        "note": "越权修改",
                        "confirm": "y",
                        "force": "y",
                        "path": "general.yaml",
                        "name": "x.yaml",
                    },
                )
            )
        for method, data in calls:
            answer = client.open(url, method=method, data=data)
            location = answer.headers.get("Location", "")
            if username is None:
                ok = answer.status_code == 302 and "/login/" in location
            else:
                ok = answer.status_code == 403 and "无权访问" in answer.get_data(as_text=True)
            if not ok or "安全生产投入" in answer.get_data(as_text=True):
                wrong.append(f"{method} {url}: {answer.status_code} {location}")
    assert not wrong, "\n".join(wrong)
    assert pack_state(app, pack_copy) == before


def test_the_admin_reaches_every_editor_page(app_for_pack):
    client = app_for_pack.test_client()
    login(client, "admin")
    version = latest_version(app_for_pack)
    for rule in editor_rules(app_for_pack):
        if "GET" in rule.methods:
            answer = client.get(url_of(rule, version, app_for_pack.extensions["criteria_pack"].code))
            assert answer.status_code in (200, 302), f"{rule.rule}: {answer.status_code}"
    home = client.get("/").get_data(as_text=True)
    assert 'href="/criteria-admin/"' in home  # the platform's menu links to the editor


def test_an_invalid_save_changes_nothing_and_names_every_problem(app_for_pack, pack_copy):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    text = stored(app)
    broken = text.replace("    max: 20\n", "    max: 0\n", 1)
    broken = broken.replace("    name: 安全生产投入\n", "    name: 安全生产投入\n    weight: 3\n", 1)
    line_max = broken.splitlines().index("    max: 0") + 1
    line_weight = broken.splitlines().index("    weight: 3") + 1
    before = pack_state(app, pack_copy)
    answer = client.post(EDIT, data={**edit_form(client), "content": broken, "note": "错误的修改"})
    page = answer.get_data(as_text=True)
    shown = visible_text(page)
    assert answer.status_code == 200 and "考核标准校验未通过" in shown
    assert f"general.yaml 第 {line_max} 行 考核项目“三类人员安全生产考核”的满分（items[3].max）：应大于 0" in shown
    assert f"general.yaml 第 {line_weight} 行 考核项目“安全生产投入”的权重（items[1].weight）：不认识的键" in shown
    assert "weight: 3" in page  # what was typed stays in the form
    assert pack_state(app, pack_copy) == before

    syntax = text.replace("code: general", "code: general: broken", 1)
    answer = client.post(EDIT, data={**edit_form(client), "content": syntax, "note": "格式错误"})
    line = syntax.splitlines().index("code: general: broken") + 1
    assert f"general.yaml 第 {line} 行：YAML 格式错误（第 {line} 行第 14 列）" in visible_text(answer.get_data(as_text=True))
    # a file that is fine by itself but breaks the pack as a whole (the items no longer add up to the total)
    unbalanced = text.replace("    max: 20\n", "    max: 19\n", 1)
    answer = client.post(EDIT, data={**edit_form(client), "content": unbalanced, "note": "总分不符"})
    assert "各考核项目满分合计为 99，但总分（total）为 100" in visible_text(answer.get_data(as_text=True))
    # no note, no save
    answer = client.post(EDIT, data={**edit_form(client), "content": text.replace("联系人", "联络人"), "note": ""})
    assert "请填写变更说明" in visible_text(answer.get_data(as_text=True))
    assert pack_state(app, pack_copy) == before


def test_a_valid_save_records_a_version_and_leaves_the_folder_alone(app_for_pack, pack_copy):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    folder = {p.name: p.read_bytes() for p in pack_copy.iterdir()}
    text = stored(app)
    revised = text.replace("label: 联系人", "label: 联络人", 1)
    before = latest_version(app)
    answer = client.post(
        EDIT, data={**edit_form(client), "content": revised.replace("\n", "\r\n"), "note": "表头改称联络人"}, follow_redirects=True
    )
    assert "已保存 general.yaml" in visible_text(answer.get_data(as_text=True))
    assert {p.name: p.read_bytes() for p in pack_copy.iterdir()} == folder  # the folder is the seed, never written
    with app.app_context():
        version = db.session.get(CriteriaVersion, latest_version(app))
        previous = db.session.get(CriteriaVersion, before)
        assert version.id != before and version.source == "editor" and version.note == "表头改称联络人"
        assert version.created_by.username == "admin" and version.files["general.yaml"] == revised  # CRLF became LF
        assert {k: v for k, v in version.files.items() if k != "general.yaml"} == {
            k: v for k, v in previous.files.items() if k != "general.yaml"
        }
    assert "label: 联络人" in client.get(EDIT).get_data(as_text=True)  # the editor opens the newest version
    listed = visible_text(client.get("/criteria-admin/versions/").get_data(as_text=True))
    assert f"第 {version.number} 版" in listed and "表头改称联络人" in listed and "在线编辑" in listed
    diff = visible_text(client.get(f"/criteria-admin/versions/diff?from={before}&to={version.id}").get_data(as_text=True))
    assert "表头字段（contact_person）更名：“联系人” → “联络人”" in diff
    # saving the same text again records nothing
    again = client.post(EDIT, data={**edit_form(client), "content": revised, "note": "再次保存"})
    assert "内容与当前考核标准相同" in visible_text(again.get_data(as_text=True))
    assert latest_version(app) == version.id


def test_a_save_over_a_version_recorded_meanwhile_is_refused(app_for_pack, pack_copy):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    form = edit_form(client)  # opened now ...
    other = app.test_client()
    login(other, "admin")
    meanwhile = stored(app).replace("label: 联系人", "label: 联系人员", 1)
    first = other.post(EDIT, data={**edit_form(other), "content": meanwhile, "note": "先保存"})
    assert first.status_code == 302  # ... another admin saves first
    before = pack_state(app, pack_copy)
    answer = client.post(EDIT, data={**form, "content": meanwhile.replace("联系人员", "联络人"), "note": "覆盖"})
    assert "在您打开后已记录了第" in visible_text(answer.get_data(as_text=True))
    assert pack_state(app, pack_copy) == before


def test_csrf_is_enforced_on_every_editor_write(app_for_pack, pack_copy):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    client.environ_base.pop("HTTP_X_CSRFTOKEN", None)
    text = (pack_copy / "general.yaml").read_text(encoding="utf-8").replace("label: 联系人", "label: 联络人", 1)
    before = pack_state(app, pack_copy)
    version = latest_version(app)
    for rule in editor_rules(app):
        if "POST" not in rule.methods:
            continue
        for token in (None, "forged-token"):
            data = {"content": text, "note": "无令牌", "confirm": "y", "force": "y", "base": ""}
            if token:
                data["csrf_token"] = token
            answer = client.post(url_of(rule, version, app.extensions["criteria_pack"].code), data=data)
            assert answer.status_code == 400, f"{rule.rule} without a valid token: {answer.status_code}"
            assert "缺少有效的安全令牌" in answer.get_data(as_text=True)
    assert pack_state(app, pack_copy) == before


def test_an_earlier_version_is_restored_as_a_new_version(app_for_pack, pack_copy):
    app = app_for_pack
    client = app.test_client()
    login(client, "admin")
    first = latest_version(app)
    original = stored(app)
    client.post(EDIT, data={**edit_form(client), "content": original.replace("label: 联系人", "label: 联络人", 1), "note": "试改"})
    url = f"/criteria-admin/versions/{first}"
    token = csrf_token(client, url)
    unconfirmed = client.post(f"{url}/restore", data={"csrf_token": token}, follow_redirects=True)
    assert "请勾选确认后再恢复" in visible_text(unconfirmed.get_data(as_text=True))
    assert "联络人" in stored(app)
    done = client.post(f"{url}/restore", data={"csrf_token": token, "confirm": "y"}, follow_redirects=True)
    assert "已恢复为第 1 版的内容" in visible_text(done.get_data(as_text=True))
    assert stored(app) == original
    with app.app_context():
        restored = db.session.get(CriteriaVersion, latest_version(app))
        assert restored.source == "restore" and restored.content_hash == db.session.get(CriteriaVersion, first).content_hash


def _english_words() -> list[re.Pattern]:
    """UI strings of Flask-AppBuilder's and Flask-Admin's catalogues that are plain English words."""
    import flask_admin.translations

    from tests.test_chinese_screens import PATTERNS

    source = Path(flask_admin.translations.__path__[0]) / "zh_Hans_CN" / "LC_MESSAGES" / "admin.po"
    with source.open("rb") as handle:
        words = [m.id for m in read_po(handle) if isinstance(m.id, str) and re.fullmatch(r"[A-Za-z][A-Za-z .?!]{2,}", m.id)]
    return PATTERNS + [re.compile(rf"(?<![A-Za-z]){re.escape(w.strip())}(?![A-Za-z])") for w in words]


def test_editor_screens_are_chinese(app_for_pack):
    client = app_for_pack.test_client()
    login(client, "admin")
    patterns = _english_words()
    version = latest_version(app_for_pack)
    pages = [
        "/criteria-admin/",
        "/criteria-admin/files/",
        EDIT,
        "/criteria-admin/versions/",
        f"/criteria-admin/versions/{version}",
        "/criteria-admin/versions/diff",
        "/criteria-admin/schema/",
    ]
    leaks = {}
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        # the YAML shown in <pre> and <textarea> is the pack's own content, not a screen label
        html = re.sub(r"(?s)<(pre|textarea)\b.*?</\1>", " ", html)
        found = sorted({p.pattern for p in patterns if p.search(visible_text(html))})
        if found:
            leaks[url] = found
    assert not leaks, f"English left on editor screens: {leaks}"
