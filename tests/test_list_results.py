"""Lists show 总分/等次 before approval too: what the scorer makes of the entries so far, marked
（自评） for a self-assessment; approved records show their settled result unmarked."""

from __future__ import annotations

from models import db
from models.criteria_versions import pack_for
from tests.support import login, visible_text
from workflow.entries import preview, stored_entries


def test_pending_records_show_their_self_assessed_total(app, client):
    kind = app.extensions["criteria_pack"].kinds["general"]
    model = app.extensions["kind_models"]["general"].assessment
    with app.app_context():
        expected = {}
        for record in db.session.query(model).filter(model.state == "submitted"):
            live = preview(pack_for(record), kind, stored_entries(kind, record.items))
            if live["ok"]:
                expected[record.id] = (f"{live['total_text']}（自评）", f"{live['grade']}（自评）")
    assert expected, "the demo data has submitted general assessments with every item scored"
    login(client, "city_station")
    page = visible_text(client.get(f"/{model.__name__.lower()}pendingview/list/").get_data(as_text=True))
    for total, grade in expected.values():
        assert total in page and grade in page
