"""Criteria versions: recorded by ``flask platform sync`` when it meets a new pack state (starting the
platform records nothing), every assessment pinned to one, and new assessments filed under the
newest version the running platform can use."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from criteria import CriteriaError, load_pack, load_snapshot
from models import CriteriaVersion, db
from models.criteria_versions import active_version, add_version, kind_for, pack_for
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
    assert versions(app) == [(1, "sync", pack.content_hash)]
    with app.app_context():
        first = db.session.scalar(select(CriteriaVersion).where(CriteriaVersion.number == 1))
        assert first.files == pack.files and first.pack_version == pack.version
        assert first.kind_versions == {code: kind.version for code, kind in pack.kinds.items()}
        for models in app.extensions["kind_models"].values():
            pinned = {r.criteria_version_id for r in db.session.query(models.assessment)}
            assert pinned == {first.id}


def test_starting_records_nothing_and_sync_records_a_new_pack_state_once(backend, template_url, pack_copy):
    path = pack_copy / "general.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("label: 联系人", "label: 联络人", 1), encoding="utf-8")
    url = backend.copy(template_url, "versions_start")
    try:
        for _ in range(2):
            app = make_app(url, CRITERIA_PACK=str(pack_copy), FAB_UPDATE_PERMS=False)
            client = app.test_client()
            assert client.get("/login/").status_code == 200
            assert [(number, source) for number, source, _ in versions(app)] == [(1, "sync")]
            dispose(app)
        for _ in range(2):  # the second sync meets the state the first one recorded
            app = make_app(url, CRITERIA_PACK=str(pack_copy), FAB_UPDATE_PERMS=False)
            sync(app)
            recorded = versions(app)
            dispose(app)
        assert [(number, source) for number, source, _ in recorded] == [(1, "sync"), (2, "sync")]
        assert recorded[1][2] == load_pack(pack_copy).content_hash
    finally:
        backend.drop(url)


def test_rules_revisions_are_used_at_once_structural_ones_after_a_restart(app, tmp_path):
    """Another worker (or the editor) recorded versions: a rules-only one is active in this process
    straight away; one with a new header field is not, until the platform restarts on it."""
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
        add_version(db.session, load_snapshot(structure, "qingdao", "qingdao", running.path), "editor", "加字段")
        db.session.commit()
        assert active_version().id == rules_version.id  # the newest version that fits

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
