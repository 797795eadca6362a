"""The administrator browses, filters and exports the audit log; nobody else reaches it, and nobody
can change or delete its rows."""

from __future__ import annotations

import datetime

import pytest

from models import AppUser, AuditLog, Enterprise, db
from tests import records
from tests.support import csrf_token, login, visible_text

LIST = "/auditlogview/list/"
# URL filter indexes: FAB's own filters of the column type come first, then ours (views/audit_view.py).
BY_USERNAME = "_flt_2_user"
BY_TABLE = "_flt_3_table_name"  # 等于
BY_RECORD = "_flt_3_record_id"  # 等于
DATE_FROM = "_flt_4_created_on"
DATE_TO = "_flt_5_created_on"
BY_ACTION = "_flt_0_action"  # the only filter of the column


@pytest.fixture
def renamed(app, client):
    """The city station renames an enterprise through the API; returns its id, old and new name."""
    login(client, "city_station")
    with app.app_context():
        company = db.session.query(Enterprise).order_by(Enterprise.id.desc()).first()
        pk, old = company.id, company.name
    assert client.put(f"/api/v1/enterprise/{pk}", json={"name": old + "（新）"}).status_code == 200
    client.get("/logout/")
    return pk, old, old + "（新）"


def page(client, **filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    answer = client.get(f"{LIST}?{query}")
    assert answer.status_code == 200
    return visible_text(answer.get_data(as_text=True))


def test_admin_filters_by_user_table_record_and_action(app, client, renamed):
    pk, old, new = renamed
    login(client, "admin")
    change = f"企业名称：{old} → {new}"
    shown = page(client, **{BY_USERNAME: "city_station", BY_TABLE: "enterprise", BY_RECORD: pk})
    assert change in shown and "施工企业（enterprise）" in shown and "修改" in shown
    with app.app_context():  # the user by the person's name, not the login name
        station = db.session.query(AppUser).filter_by(username="city_station").one().get_full_name()
    assert station in shown
    assert change in page(client, **{BY_ACTION: "修改", BY_RECORD: pk, BY_TABLE: "enterprise"})
    assert "暂无记录" in page(client, **{BY_ACTION: "新增", BY_RECORD: pk, BY_TABLE: "enterprise", BY_USERNAME: "city_station"})
    assert change not in page(client, **{BY_USERNAME: "enterprise_01", BY_TABLE: "enterprise"})
    assert change not in page(client, **{BY_TABLE: "enterprise", BY_RECORD: pk + 1000})
    assert change not in page(client, **{BY_ACTION: "删除", BY_TABLE: "enterprise"})


def test_admin_filters_by_date_range_inclusive_of_both_days(app, client, renamed):
    pk, old, new = renamed
    login(client, "admin")
    today = datetime.date.today()
    change = f"企业名称：{old} → {new}"
    same_day = {BY_RECORD: pk, BY_TABLE: "enterprise", DATE_FROM: today.isoformat(), DATE_TO: today.isoformat()}
    assert change in page(client, **same_day)
    earlier = today - datetime.timedelta(days=30)
    assert change not in page(client, **{BY_RECORD: pk, DATE_FROM: earlier, DATE_TO: today - datetime.timedelta(days=1)})
    assert change not in page(client, **{BY_RECORD: pk, DATE_FROM: today + datetime.timedelta(days=1)})
    bad = page(client, **{DATE_FROM: "2026-13-45"})
    assert "起始日期应为“年-月-日”格式的日期" in bad and "2026-13-45" in bad


def test_admin_exports_the_filtered_log(app, client, renamed):
    pk, old, new = renamed
    login(client, "admin")
    query = f"{BY_TABLE}=enterprise&{BY_RECORD}={pk}"
    csv_text = client.get(f"/auditlogview/export/?{query}").get_data().decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].split(",")[:6] == ["序号", "时间", "用户", "操作", "数据表", "记录编号"]
    assert any(f"企业名称：{old} → {new}" in line and "修改" in line for line in lines[1:])
    assert all("enterprise" in line for line in lines[1:])
    workbook = client.get(f"/auditlogview/export.xlsx?{query}")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"


@pytest.mark.parametrize("username", ["city_station", "district_authority_laoshan", "supervisor_laoshan", "enterprise_01"])
def test_nobody_but_the_admin_reaches_the_log(app, client, username):
    with app.app_context():
        row = db.session.query(AuditLog).first().id
    login(client, username)
    for url in (LIST, f"/auditlogview/show/{row}", "/auditlogview/export/", "/auditlogview/export.xlsx", "/auditlogview/export.pdf"):
        answer = client.get(url)
        assert answer.status_code in (403, 404), url
        assert "→" not in answer.get_data(as_text=True), url
    for url in ("/api/v1/audit_log/", f"/api/v1/audit_log/{row}"):
        assert client.get(url).status_code in (401, 403, 404), url


def test_anonymous_visitors_are_sent_to_the_login(app, client):
    assert client.get(LIST).status_code in (302, 401, 403)
    assert client.get("/api/v1/audit_log/").status_code == 401


def test_even_the_admin_cannot_change_or_delete_audit_rows(app, client):
    with app.app_context():
        row = db.session.query(AuditLog).first().id
    before = records.count(app, AuditLog)
    login(client, "admin")
    assert client.delete(f"/api/v1/audit_log/{row}").status_code in (403, 404, 405)
    assert client.put(f"/api/v1/audit_log/{row}", json={"action": "x"}).status_code in (403, 404, 405)
    assert client.post("/api/v1/audit_log/", json={"action": "x", "table_name": "x"}).status_code in (403, 404, 405)
    token = csrf_token(client, LIST)
    client.post(f"/auditlogview/delete/{row}", data={"csrf_token": token})
    assert records.count(app, AuditLog, id=row) == 1
    assert records.count(app, AuditLog, action="delete", table_name="audit_log") == 0
    assert records.count(app, AuditLog) >= before
