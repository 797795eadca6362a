"""Long work as background jobs: started from the browser, followed on the 任务 page, the result
downloaded; a job holds only its starter's records and only its starter (and the administrator) sees
it; a worker that dies mid-job leaves nothing partial and the job starts over."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from sqlalchemy import select, update

from jobs.queue import enqueue
from jobs.runner import execute
from models import District, Job, Project, db
from models.base import _now
from models.jobs import DONE, FAILED, QUEUED, RUNNING, claim, finish, requeue_stale
from storage import job_store
from tests.jobs_support import run_queued
from tests.support import csrf_token, login, visible_text
from tests.test_registry_import import sample_rows, write_csv

PERIOD = "2026"


def district(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(District.id).where(District.code == code))


def records(app, kind: str, district_id: int | None) -> int:
    model = app.extensions["kind_models"][kind].assessment
    with app.app_context():
        query = select(model.id).where(model.period == PERIOD)
        if district_id:
            query = query.where(model.district_id == district_id)
        return len(db.session.scalars(query).all())


def start_print(client, kind: str, district_id: int | str) -> str:
    token = csrf_token(client, "/jobs/")
    answer = client.post(
        "/jobs/print", data={"csrf_token": token, "kind": kind, "period": PERIOD, "district": district_id}, follow_redirects=True
    )
    return visible_text(answer.get_data(as_text=True))


def newest_job(app) -> Job:
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        db.session.expunge(job)
        return job


def test_the_city_station_prints_one_districts_forms_into_one_zip(app):
    station = app.test_client()
    login(station, "city_station")
    shinan = district(app, "shinan")
    page = start_print(station, "general", shinan)
    assert "已开始“打印 2026 年度市南区的" in page and "排队中" in page
    job = newest_job(app)
    assert station.get(f"/jobs/{job.id}/status").get_json()["state"] == QUEUED
    assert run_queued(app) == 1
    status = station.get(f"/jobs/{job.id}/status").get_json()
    expected = records(app, "general", shinan)
    assert expected > 0 and status["state"] == DONE and status["percent"] == 100 and status["total"] == expected
    assert status["message"] == f"已生成 {expected} 份考核表"
    download = station.get(status["result"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert len(names) == expected and all(n.endswith(".pdf") for n in names)
    assert all(zipfile.ZipFile(io.BytesIO(download.data)).read(n).startswith(b"%PDF-") for n in names[:3])
    listed = visible_text(station.get("/jobs/").get_data(as_text=True))
    assert "已完成" in listed and "下载 ZIP（" in listed and status["result_label"].startswith("下载 ZIP（")


def test_a_district_official_prints_only_their_district_and_sees_only_their_jobs(app):
    station, official, company = app.test_client(), app.test_client(), app.test_client()
    login(station, "city_station")
    login(official, "district_authority_shinan")
    login(company, "enterprise_01")
    start_print(station, "general", "")
    city_job = newest_job(app)
    refused = start_print(official, "general", district(app, "laoshan"))
    assert "所选辖区不在您的数据范围内" in refused and newest_job(app).id == city_job.id  # nothing queued
    start_print(official, "general", "")  # 全部辖区: all of theirs
    mine = newest_job(app)
    run_queued(app)
    with app.app_context():
        zipped = job_store(app.config).read(db.session.get(Job, mine.id).result_key)
    assert len(zipfile.ZipFile(io.BytesIO(zipped)).namelist()) == records(app, "general", district(app, "shinan"))
    # another user's job does not exist for them; an enterprise user has no 任务 page at all
    assert official.get(f"/jobs/{city_job.id}/status").status_code == 404
    assert official.get(f"/jobs/{city_job.id}/result").status_code == 404
    assert city_job.title not in official.get("/jobs/").get_data(as_text=True)
    assert company.get("/jobs/").status_code in (302, 403)
    assert company.get(f"/jobs/{city_job.id}/status").status_code in (302, 403)
    assert 'href="/jobs/"' not in company.get("/").get_data(as_text=True)


def test_a_repeated_click_gets_the_waiting_job_back(app):
    station = app.test_client()
    login(station, "city_station")
    start_print(station, "general", "")
    first = newest_job(app)
    start_print(station, "general", "")
    assert newest_job(app).id == first.id


def test_a_job_whose_worker_died_starts_over_and_offers_only_a_whole_result(app):
    station = app.test_client()
    login(station, "city_station")
    start_print(station, "director", district(app, "shinan"))
    job = newest_job(app)
    with app.app_context():
        with db.engine.begin() as connection:  # a worker took it, then was killed (SIGKILL): the queue lost it
            first = claim(connection, job.id)
        # its message is gone from the queue with the dead worker; here the id is still queued once,
        # and a worker taking it finds the job running and leaves it alone
        assert first == 1 and run_queued(app) == 1
        assert db.session.get(Job, job.id).state == RUNNING
        assert requeue_stale(db.engine, 60, 3) == []  # still within its heartbeat's limit
        db.session.execute(update(Job).where(Job.id == job.id).values(heartbeat_on=_now() - datetime.timedelta(seconds=120)))
        db.session.commit()
        assert requeue_stale(db.engine, 60, 3) == [job.id]
        assert db.session.get(Job, job.id).state == QUEUED
        with db.engine.begin() as connection:  # the dead attempt can no longer finish it
            assert not finish(connection, job.id, first, DONE, message="partial")
        enqueue(app.config, job.id)
    run_queued(app)
    with app.app_context():
        done = db.session.get(Job, job.id)
        assert done.state == DONE and done.attempts == 2 and done.result_key.startswith(f"{job.id}/2/")
        assert not [key for key in job_store(app.config).keys(f"{job.id}/") if not key.startswith(f"{job.id}/2/")]


def test_a_job_interrupted_too_often_fails_with_a_message(app):
    station = app.test_client()
    login(station, "city_station")
    start_print(station, "general", district(app, "shinan"))
    job = newest_job(app)
    with app.app_context():
        for _ in range(3):
            with db.engine.begin() as connection:
                claim(connection, job.id)
            db.session.execute(update(Job).where(Job.id == job.id).values(heartbeat_on=_now() - datetime.timedelta(hours=1)))
            db.session.commit()
            requeue_stale(db.engine, 60, 3)
        assert db.session.get(Job, job.id).state == FAILED
    assert "执行进程中断 3 次" in visible_text(station.get("/jobs/").get_data(as_text=True))


def test_an_unknown_kind_or_period_is_refused_on_the_page_and_starts_nothing(app):
    station = app.test_client()
    login(station, "city_station")
    token = csrf_token(station, "/jobs/")
    answer = station.post(
        "/jobs/print", data={"csrf_token": token, "kind": "nosuch", "period": "../x", "district": ""}, follow_redirects=True
    )
    page = visible_text(answer.get_data(as_text=True))
    assert "请选择考核类别" in page and "请选择考核年度" in page and "未开始打印" in page
    with app.app_context():
        assert db.session.query(Job).count() == 0


def test_an_unreachable_queue_is_said_and_the_job_is_marked_failed(app):
    app.config["JOB_QUEUE"] = "redis://127.0.0.1:1/0"  # nothing listens there
    station = app.test_client()
    login(station, "city_station")
    page = start_print(station, "general", "")
    assert "任务队列暂不可用" in page
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.state == FAILED and "任务队列不可用" in job.message


def test_the_city_station_imports_a_registry_file_as_a_job(app, tmp_path):
    station = app.test_client()
    login(station, "city_station")
    rows = sample_rows(30)
    rows[4][3] = "not-a-code"  # one row the import refuses
    path = write_csv(tmp_path / "登记.csv", rows)
    token = csrf_token(station, "/jobs/")
    with path.open("rb") as handle:
        page = station.post("/jobs/import", data={"csrf_token": token, "file": (handle, "登记.csv")}, follow_redirects=True)
    assert "已开始“导入项目登记文件“登记.csv”" in visible_text(page.get_data(as_text=True))
    run_queued(app)
    job = newest_job(app)
    assert job.state == DONE and "新建 29" in job.message and "拒绝 1" in job.message
    rejected = station.get(f"/jobs/{job.id}/result")
    assert rejected.status_code == 200 and "第" not in rejected.data.decode("utf-8-sig").splitlines()[0]
    assert "统一社会信用代码" in rejected.data.decode("utf-8-sig")
    with app.app_context():
        assert db.session.query(Project).filter(Project.permit_no.like("TEST%")).count() == 29
    # a file of the wrong kind is refused at once, and nothing is kept or queued
    with app.app_context():
        before = db.session.query(Job).count()
    answer = station.post("/jobs/import", data={"csrf_token": token, "file": (io.BytesIO(b"x"), "登记.xls")}, follow_redirects=True)
    assert ".xls 请另存为 .xlsx" in visible_text(answer.get_data(as_text=True))
    with app.app_context():
        assert db.session.query(Job).count() == before


@pytest.mark.parametrize("username", ["supervisor_shinan", "district_authority_shinan"])
def test_only_the_roles_that_push_the_registry_may_import_it(app, username):
    client = app.test_client()
    login(client, username)
    token = csrf_token(client, "/jobs/")
    answer = client.post("/jobs/import", data={"csrf_token": token, "file": (io.BytesIO(b"a,b\n"), "x.csv")})
    assert answer.status_code in (302, 403) and "导入项目登记文件" not in client.get("/jobs/").get_data(as_text=True)


def test_a_job_runs_once_even_when_its_id_is_queued_twice(app):
    station = app.test_client()
    login(station, "city_station")
    start_print(station, "director", district(app, "shinan"))
    job = newest_job(app)
    enqueue(app.config, job.id)  # the reaper and a late message both queue it
    assert run_queued(app) == 2
    with app.app_context():
        assert db.session.get(Job, job.id).attempts == 1
        execute(job.id)  # a finished job is left alone
        assert db.session.get(Job, job.id).attempts == 1
    assert station.get(f"/jobs/{job.id}/status").get_json()["state"] == DONE


def test_a_form_that_cannot_be_printed_is_listed_in_the_zip_and_the_others_are_printed(app, monkeypatch):
    from jobs import print_forms

    station = app.test_client()
    login(station, "city_station")
    real, failed = print_forms.printed, []

    def printed(record, blank=False):
        if not failed:
            failed.append(record.id)
            raise ValueError("字体文件缺失")
        return real(record, blank)

    monkeypatch.setattr(print_forms, "printed", printed)
    start_print(station, "general", "")  # every district
    run_queued(app)
    job = newest_job(app)
    expected = records(app, "general", None)
    assert expected > 2 and job.state == DONE
    assert job.message == f"已生成 {expected - 1} 份考核表，1 份未能生成（见压缩包中的“{print_forms.FAILURES}”）"
    with app.app_context():
        archive = zipfile.ZipFile(io.BytesIO(job_store(app.config).read(job.result_key)))
    assert len(archive.namelist()) == expected  # the others, and the list of what failed
    assert f"（第 {failed[0]} 号）：字体文件缺失" in archive.read(print_forms.FAILURES).decode()
