"""A stored criteria version that today's checks refuse (kept by an older release): the records
filed under it answer with a clear Chinese page (or API message) naming the version instead of a
server error, new assessments go to a version that loads, and the platform names the version in its
log when it starts."""

from __future__ import annotations

from models import CriteriaVersion, db
from models.criteria_versions import latest
from tests import records
from tests.support import login, visible_text

KIND = "general"


def refused_version(app) -> tuple[int, int]:
    """A version whose general.yaml carries a key today's schema does not know, newest of the pack;
    the first general record is filed under it. Returns (version number, record id)."""
    model = records.kind_model(app, KIND)
    with app.app_context():
        running = app.extensions["criteria_pack"]
        files = dict(running.files)
        files["general.yaml"] = files["general.yaml"] + "\nretired_option: true\n"
        number = latest(db.session, running.code).number + 1
        row = CriteriaVersion(
            pack_code=running.code,
            number=number,
            content_hash="f" * 64,
            pack_version=running.version,
            kind_versions={},
            files=files,
            source="editor",
            note="旧版程序保存的版本",
        )
        db.session.add(row)
        db.session.flush()
        record = db.session.query(model).order_by(model.id).first()
        record.criteria_version_id = row.id
        db.session.commit()
        return number, record.id


def test_records_of_a_version_that_no_longer_loads_get_a_clear_page(app, client, caplog):
    number, pk = refused_version(app)
    said = f"考核标准第 {number} 版无法按当前程序的校验规则载入"
    login(client, "city_station")
    for url in (f"/assessment/{KIND}/{pk}", f"/report/{KIND}/{pk}.pdf", "/generalassessmentitemview/list/"):
        answer = client.get(url)
        assert answer.status_code == 500, url
        text = visible_text(answer.get_data(as_text=True))
        assert "考核标准版本无法载入" in text and said in text and "retired_option" in text, (url, text[:400])
        assert "Traceback" not in text and "Internal Server Error" not in text
    listed = client.get("/api/v1/assessment_general_item/")
    assert listed.status_code == 500 and said in listed.get_json()["message"]

    # a new assessment is filed under the newest version that loads
    company = records.enterprise_of(app, "enterprise_02")
    client.get("/logout/")
    login(client, "enterprise_02")
    created = client.post(f"/api/v1/assessment_{KIND}/", json={"enterprise": company, "period": "2033"})
    assert created.status_code == 201, created.get_json()
    with app.app_context():
        stored = db.session.get(records.kind_model(app, KIND), created.get_json()["id"])
        assert db.session.get(CriteriaVersion, stored.criteria_version_id).number == number - 1

    # platform sync (run at every deployment) says which stored versions records use but no longer load
    synced = app.test_cli_runner().invoke(args=["platform", "sync"])
    assert synced.exit_code == 0, synced.output
    assert said in synced.output and "1 份考核使用该版本" in synced.output
