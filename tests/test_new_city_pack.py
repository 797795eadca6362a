"""A new city's pack started in the browser from an existing one: stored complete as its own version 1
with ``extends:`` naming the base, edited and validated on its own, downloaded whole as the folder a
deployment needs; the running pack and the server's folders are untouched. A pack folder with
``extends:`` holds only the files it changes."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from sqlalchemy import select

from criteria import CriteriaError, load_pack
from criteria.loader import CRITERIA_ROOT
from criteria.problems_zh import problem_zh
from models import CriteriaVersion, db
from models.criteria_versions import latest
from tests.support import csrf_token, login, visible_text

START = "/criteria-admin/packs/start"


def start(client, **fields):
    token = csrf_token(client, "/criteria-admin/packs/")
    data = {
        "csrf_token": token,
        "base": "qingdao",
        "code": "yantai",
        "name": "烟台市建筑施工安全考核",
        "region": "烟台市",
        "note": "依据烟台市考核办法新建",
    }
    return client.post(START, data={**data, **fields}, follow_redirects=True)


def test_a_new_city_pack_is_started_edited_and_downloaded_in_the_browser(app, pack_copy):
    client = app.test_client()
    login(client, "admin")
    folder_before = {
        path.name: path.read_text(encoding="utf-8") for path in CRITERIA_ROOT.joinpath("qingdao").iterdir() if path.suffix == ".yaml"
    }
    with app.app_context():
        running_before = latest(db.session, "qingdao").number

    page = visible_text(start(client).get_data(as_text=True))
    assert "已新建考核标准“烟台市建筑施工安全考核”（yantai），基于 qingdao 的当前版本，记录为其第 1 版" in page
    assert "这是 烟台市建筑施工安全考核 （烟台市，代码 yantai）的考核标准，本平台运行的不是它" in page

    with app.app_context():
        stored = db.session.scalars(select(CriteriaVersion).where(CriteriaVersion.pack_code == "yantai")).one()
        qingdao = latest(db.session, "qingdao")
        assert stored.number == 1 and stored.source == "start"
        assert set(stored.files) == set(db.session.get(CriteriaVersion, qingdao.id).files)  # complete, not a delta
        assert "extends: qingdao" in stored.files["pack.yaml"]
        assert qingdao.number == running_before  # the running pack has no new version

    # edited on its own: a save goes to yantai's version 2
    token = csrf_token(client, "/criteria-admin/files/edit/?path=districts.yaml&pack=yantai")
    with app.app_context():
        text = stored.files["districts.yaml"]
    edited = client.post(
        "/criteria-admin/files/edit/?path=districts.yaml&pack=yantai",
        data={
            "csrf_token": token,
            "content": text.replace("name: 市南区", "name: 芝罘区", 1),
            "note": "烟台的区（市）",
            "base_number": "1",
        },
        follow_redirects=True,
    )
    assert "记录为考核标准第 2 版" in visible_text(edited.get_data(as_text=True))
    with app.app_context():
        assert latest(db.session, "yantai").number == 2
        assert latest(db.session, "qingdao").number == running_before

    history = visible_text(client.get("/criteria-admin/versions/?pack=yantai").get_data(as_text=True))
    assert "第 2 版" in history and "烟台的区（市）" in history
    assert client.get("/criteria-admin/versions/?pack=nowhere").status_code == 404

    # downloaded whole: the folder loads by itself as the yantai pack
    archive = zipfile.ZipFile(io.BytesIO(client.get("/criteria-admin/packs/download/yantai").data))
    target = pack_copy.parent / "deploy"
    archive.extractall(target)
    pack = load_pack(target / "yantai")
    assert (pack.code, pack.region, pack.extends) == ("yantai", "烟台市", "qingdao")
    assert any(district.name == "芝罘区" for district in pack.districts)

    assert {
        path.name: path.read_text(encoding="utf-8") for path in CRITERIA_ROOT.joinpath("qingdao").iterdir() if path.suffix == ".yaml"
    } == folder_before
    assert not CRITERIA_ROOT.joinpath("yantai").exists()


def test_a_bad_start_is_refused_with_every_reason_and_stores_nothing(app):
    client = app.test_client()
    login(client, "admin")
    html = start(client, code="Yan-tai", region="").get_data(as_text=True)
    assert "请填写适用地区" in visible_text(html)
    assert 'value="Yan-tai"' in html  # the typed code is kept
    page = visible_text(start(client, code="qingdao").get_data(as_text=True))
    assert "考核标准代码“qingdao”已被使用，请换一个" in page
    page = visible_text(start(client, code="Yan-tai").get_data(as_text=True))
    assert "考核标准代码“Yan-tai”不符合要求" in page
    with app.app_context():
        assert db.session.scalars(select(CriteriaVersion.pack_code).distinct()).all() == ["qingdao"]


def test_a_folder_with_extends_holds_only_the_files_it_changes(tmp_path):
    shutil.copytree(CRITERIA_ROOT / "qingdao", tmp_path / "qingdao")
    child = tmp_path / "yantai"
    child.mkdir()
    pack_yaml = (CRITERIA_ROOT / "qingdao" / "pack.yaml").read_text(encoding="utf-8")
    (child / "pack.yaml").write_text(pack_yaml.replace("code: qingdao", "code: yantai\nextends: qingdao"), encoding="utf-8")
    (child / "districts.yaml").write_text('version: "1"\ndistricts:\n  - {code: zhifu, name: 芝罘区}\n', encoding="utf-8")
    pack = load_pack(child)
    assert [d.name for d in pack.districts] == ["芝罘区"]
    assert pack.kinds.keys() == load_pack(tmp_path / "qingdao").kinds.keys()  # the rest from the parent
    assert set(pack.files) == set(load_pack(tmp_path / "qingdao").files)  # import records them all


def test_a_problem_in_a_file_taken_from_the_base_names_the_base_folders_file(tmp_path):
    shutil.copytree(CRITERIA_ROOT / "qingdao", tmp_path / "qingdao")
    general = tmp_path / "qingdao" / "general.yaml"
    general.write_text(general.read_text(encoding="utf-8").replace("    max: 20\n", "    max: 0\n", 1), encoding="utf-8")
    child = tmp_path / "yantai"
    child.mkdir()
    pack_yaml = (CRITERIA_ROOT / "qingdao" / "pack.yaml").read_text(encoding="utf-8")
    (child / "pack.yaml").write_text(pack_yaml.replace("code: qingdao", "code: yantai\nextends: qingdao"), encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_pack(child)
    [problem] = caught.value.problems
    assert problem.file.endswith("qingdao/general.yaml") and problem.path == "items[3].max"
    assert problem.subject == "考核项目“三类人员安全生产考核”的满分"


def test_an_extends_cycle_is_refused_with_file_and_line(tmp_path):
    pack_yaml = (CRITERIA_ROOT / "qingdao" / "pack.yaml").read_text(encoding="utf-8")
    for code, parent in (("yantai", "weihai"), ("weihai", "yantai")):
        (tmp_path / code).mkdir()
        (tmp_path / code / "pack.yaml").write_text(pack_yaml.replace("code: qingdao", f"code: {code}\nextends: {parent}"), encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_pack(tmp_path / "yantai")
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("extends", 3)
    assert problem_zh(problem).endswith("extends 形成了循环：yantai → weihai → yantai（考核标准不能直接或间接基于自己）")
