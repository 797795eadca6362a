"""Criteria versions: the database holds them (``flask platform sync`` records the seed folder in an
empty database only, ``criteria import`` records a folder's state), every assessment is pinned to
one, and new assessments are filed under the newest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from criteria import CriteriaError, load_pack, load_snapshot
from models import CriteriaVersion, db
from models.criteria_versions import active_version, add_version, kind_for, pack_for
from settings import default_pack
from tests.conftest import dispose, make_app, sync


def versions(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(CriteriaVersion.number, CriteriaVersion.source, CriteriaVersion.content_hash).order_by(CriteriaVersion.number)
            )
        ]


def test_platform_sync_records_version_1_and_every_assessment_is_filed_under_it(app):
    pack = app.extensions["criteria_pack"]
    assert versions(app) == [(1, "seed", pack.content_hash)]
    with app.app_context():
        first = db.session.scalar(select(CriteriaVersion).where(CriteriaVersion.number == 1))
        assert first.files == pack.files and first.pack_version == pack.version
        assert first.kind_versions == {code: kind.version for code, kind in pack.kinds.items()}
        for models in app.extensions["kind_models"].values():
            pinned = {r.criteria_version_id for r in db.session.query(models.assessment)}
            assert pinned == {first.id}


def test_starting_and_syncing_record_nothing_from_the_folder_and_import_records_it_once(backend, template_url, pack_copy):
    path = pack_copy / "general.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("label: 联系人", "label: 联络人", 1), encoding="utf-8")
    url = backend.copy(template_url, "versions_start")
    try:
        for _ in range(2):  # a fresh checkout with other files, started and synced: the database's guide stays
            app = make_app(url, CRITERIA_PACK=str(pack_copy), FAB_UPDATE_PERMS=False)
            assert app.test_client().get("/login/").status_code == 200
            sync(app)
            assert [(number, source) for number, source, _ in versions(app)] == [(1, "seed")]
            assert "联系人" in app.extensions["criteria_pack"].files["general.yaml"]
            dispose(app)
        app = make_app(url, CRITERIA_PACK=str(pack_copy), FAB_UPDATE_PERMS=False)
        runner = app.test_cli_runner()
        for _ in range(2):  # the second import meets the state the first one recorded
            imported = runner.invoke(args=["criteria", "import", str(pack_copy)])
            assert imported.exit_code == 0, imported.output
        assert "与当前版本（第 2 版）相同，未导入" in imported.output
        recorded = versions(app)
        assert [(number, source) for number, source, _ in recorded] == [(1, "seed"), (2, "import")]
        assert recorded[1][2] == load_pack(pack_copy).content_hash
        older = runner.invoke(args=["criteria", "import", default_pack()])  # the state of version 1
        assert older.exit_code == 1 and "与较早的第 1 版相同，未导入；如要恢复为该版本，请加 --restore" in older.output
        restored = runner.invoke(args=["criteria", "import", default_pack(), "--restore"])
        assert restored.exit_code == 0 and "记录为第 3 版" in restored.output
        assert versions(app)[2][:2] == (3, "restore") and versions(app)[2][2] == recorded[0][2]
        dispose(app)
    finally:
        backend.drop(url)


def test_every_new_version_is_used_at_once(app, tmp_path):
    """Another worker (or the editor) recorded versions: each is active in this process straight away,
    one with a header field this process does not map yet too (its forms leave the field out until the
    process reloads, see tests/test_guide_in_database.py)."""
    running = app.extensions["criteria_pack"]
    files = dict(running.files)
    rules = {**files, "general.yaml": files["general.yaml"].replace("name: 安全生产投入", "name: 安全生产费用投入", 1)}
    structure = {
        **rules,
        "general.yaml": rules["general.yaml"].replace(
            "header_fields:\n", "header_fields:\n  - {code: officer, label: 安全负责人, type: string}\n", 1
        ),
    }
    with app.app_context():
        rules_pack = load_snapshot(rules, "qingdao", "qingdao", running.path)
        rules_version = add_version(db.session, rules_pack, "editor", "改名")
        db.session.commit()
        assert active_version().id == rules_version.id
        assert active_version().pack.kinds["general"].item("safety_investment").name == "安全生产费用投入"
        structural = add_version(db.session, load_snapshot(structure, "qingdao", "qingdao", running.path), "editor", "加字段")
        db.session.commit()
        assert active_version().id == structural.id  # the newest, whatever this process maps
        assert not hasattr(app.extensions["kind_models"]["general"].assessment, "officer")  # until it reloads

        # an assessment keeps the pack it was filed under, whichever is active
        model = app.extensions["kind_models"]["general"].assessment
        old = db.session.query(model).first()
        assert pack_for(old) is running
        assert kind_for(old).item("safety_investment").name == "安全生产投入"


def test_a_snapshot_holds_the_same_pack(app):
    running = app.extensions["criteria_pack"]
    again = load_snapshot(running.files, running.code, "qingdao（第1版）", running.path)
    assert again.content_hash == running.content_hash
    assert {c: k.version_label for c, k in again.kinds.items()} == {c: k.version_label for c, k in running.kinds.items()}
    broken = {**running.files, "grading.yaml": running.files["grading.yaml"].replace("max: 85}", "max: 84}", 1)}
    with pytest.raises(CriteriaError, match=r"qingdao（第1版）/grading.yaml: scales\[0\]"):
        load_snapshot(broken, running.code, "qingdao（第1版）", running.path)


def test_overrides_are_validated_without_touching_the_folder(pack_copy):
    before = {p.name: p.read_bytes() for p in pack_copy.iterdir()}
    text = (pack_copy / "general.yaml").read_text(encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"general.yaml: items\[3\].max: must be greater than 0"):
        load_pack(pack_copy, overrides={"general.yaml": text.replace("    max: 20\n", "    max: 0\n", 1)})
    crlf = load_pack(pack_copy, overrides={"general.yaml": text.replace("\n", "\r\n")})
    assert crlf.content_hash == load_pack(pack_copy).content_hash  # line endings do not make a new state
    assert {p.name: p.read_bytes() for p in pack_copy.iterdir()} == before


def test_pack_files_stay_inside_the_pack_folder(pack_copy):
    manifest = pack_copy / "pack.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("roles: roles.yaml", "roles: ../../etc/passwd"), encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"pack.yaml: roles: '../../etc/passwd' is not a file name of the pack folder"):
        load_pack(pack_copy)


def test_a_recorded_version_is_audited_without_its_file_texts(app):
    from models import AuditLog

    with app.app_context():
        version = add_version(
            db.session,
            load_snapshot(app.extensions["criteria_pack"].files, "qingdao", "qingdao", app.extensions["criteria_pack"].path),
            "cli",
            "审计",
        )
        db.session.commit()
        row = db.session.query(AuditLog).filter_by(table_name="criteria_version", record_id=str(version.id)).one()
        assert row.action == "insert" and row.detail["note"] == {"to": "审计"} and "files" not in row.detail
