"""A list export longer than EXPORT_SYNC_ROWS runs as a job: the page says so and moves to 任务, the
job writes the same rows the request would have (the starter's scope, search and order), read in
batches, and its file downloads there. A user without the 任务 page (an enterprise, whose lists hold
only its own records) exports in the request."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from models import Job, db
from tests.jobs_support import run_queued
from tests.support import login, visible_text

LIST = "/projectassessmentview"


def newest_job(app) -> Job:
    with app.app_context():
        job = db.session.query(Job).order_by(Job.id.desc()).first()
        db.session.expunge(job)
        return job


@pytest.mark.parametrize("username", ["city_station", "supervisor_shinan"])
def test_a_long_export_becomes_a_job_with_the_rows_the_request_would_have_written(app, username):
    client = app.test_client()
    login(client, username)
    direct = client.get(f"{LIST}/export/?_oc_ProjectAssessmentView=period&_od_ProjectAssessmentView=asc")
    assert direct.status_code == 200 and direct.mimetype == "text/csv"
    rows = direct.get_data(as_text=True).count("\n") - 1
    assert rows > 0

    app.config["EXPORT_SYNC_ROWS"] = rows - 1
    answer = client.get(f"{LIST}/export/?_oc_ProjectAssessmentView=period&_od_ProjectAssessmentView=asc", follow_redirects=True)
    page = visible_text(answer.get_data(as_text=True))
    assert f"共 {rows} 行，超过 {rows - 1} 行，已转为后台任务" in page and "排队中" in page
    assert run_queued(app) == 1
    job = newest_job(app)
    assert job.state == "done" and job.message == f"已导出 {rows} 行" and job.total == rows
    through_job = client.get(f"/jobs/{job.id}/result")
    assert through_job.mimetype == "text/csv" and through_job.get_data(as_text=True) == direct.get_data(as_text=True)

    client.get(f"{LIST}/export.xlsx")
    run_queued(app)
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{newest_job(app).id}/result").data)).active
    assert sheet.max_row == rows + 1 and sheet.cell(1, 1).value == "序号"


def test_an_enterprise_exports_in_the_request(app):
    app.config["EXPORT_SYNC_ROWS"] = 0
    client = app.test_client()
    login(client, "enterprise_01")
    answer = client.get("/generalassessmentview/export/")
    assert answer.status_code == 200 and answer.mimetype == "text/csv" and "序号" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Job).count() == 0
