"""Periods that close: a grading revision changes an open period's final grades only through a
recompute the city station previews and then applies; closing freezes them with the criteria version
they were computed under, whatever is revised afterwards."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import FinalGradeRecord, db
from tests.jobs_support import run_queued
from tests.support import csrf_token, login, visible_text
from tests.test_guide_in_database import newest_number, save, stored_text

PERIOD = "2026"  # the demo data's period


def grading_revision(text: str) -> str:
    """The licence band 合格 from 80 instead of 85, and the licence part of the supervision grade
    weighed 0.50 instead of 0.60 (the director part 0.50)."""
    text = text.replace("min: 85, max: 100}   # [V2]", "min: 80, max: 100}   # [V2]", 1)
    text = text.replace(
        "{code: basic_pass, label: 基本合格, colour: yellow, min: 70, max: 85}",
        "{code: basic_pass, label: 基本合格, colour: yellow, min: 70, max: 80}",
        1,
    )
    text = text.replace("{final_grade: licence, weight: 0.60, required: true}", "{final_grade: licence, weight: 0.50, required: true}", 1)
    return text.replace("{kind: director,       weight: 0.40}", "{kind: director,       weight: 0.50}", 1)


def grades(app) -> dict[tuple, tuple]:
    with app.app_context():
        rows = db.session.scalars(select(FinalGradeRecord).where(FinalGradeRecord.period == PERIOD))
        return {(r.grade_code, r.enterprise_id, r.project_id): (r.score, r.label, r.criteria_version_id) for r in rows}


def revise_grading(app) -> None:
    admin = app.test_client()
    login(admin, "admin")
    assert save(admin, "grading.yaml", grading_revision(stored_text(app, "grading.yaml")), "调整等次分数线和权重").status_code == 302


def post(client, url: str, **data) -> str:
    token = csrf_token(client, "/periods/")
    return visible_text(client.post(url, data={"csrf_token": token, **data}, follow_redirects=True).get_data(as_text=True))


def test_an_open_periods_grades_change_only_through_a_previewed_recompute(app):
    before = grades(app)
    revise_grading(app)
    assert grades(app) == before  # a revision alone recomputes nothing
    station = app.test_client()
    login(station, "city_station")
    page = visible_text(station.get(f"/periods/{PERIOD}/recompute").get_data(as_text=True))
    changes = re.findall(r"(\S+ \S+：\S+ → \S+(?:（得分 \S+ → \S+）)?)", page)
    assert "将会改变" in page and any("得分" in line for line in changes), page[:2000]
    shown = re.search(r'name="shown" value="([0-9a-f]+)"', station.get(f"/periods/{PERIOD}/recompute").get_data(as_text=True)).group(1)
    # the recompute runs as a job; its page follows it and says how it ended
    assert f"已开始“重算 {PERIOD} 年度最终等次”" in post(station, f"/periods/{PERIOD}/recompute", shown="0" * 64)
    run_queued(app)
    assert "预览之后等次的计算依据发生了变化" in visible_text(station.get("/jobs/").get_data(as_text=True))
    assert grades(app) == before  # a stale preview applies nothing
    post(station, f"/periods/{PERIOD}/recompute", shown=shown)
    assert run_queued(app) == 1
    done = visible_text(station.get("/jobs/").get_data(as_text=True))
    assert re.search(r"重算完成：\d+ 项最终等次的等次或得分已更新", done)
    after = grades(app)
    assert after != before and {v[2] for k, v in after.items() if after[k][:2] != before.get(k, (None, None))[:2]} == {
        newest_number_id(app)
    }
    # the command line reports the score changes too: nothing is left to change now
    result = app.test_cli_runner().invoke(args=["grades", "recompute", "--period", PERIOD])
    assert result.exit_code == 0 and "重算完成：0 项最终等次的等次或得分发生变化" in result.output


def newest_number_id(app) -> int:
    from models import CriteriaVersion

    with app.app_context():
        return db.session.scalar(select(CriteriaVersion.id).where(CriteriaVersion.number == newest_number(app)))


def test_a_closed_periods_grades_stay_as_they_were_when_a_band_moves(app):
    station = app.test_client()
    login(station, "city_station")
    closed = post(station, f"/periods/{PERIOD}/close")
    assert re.search(rf"{PERIOD} 年度已关闭，\d+ 项最终等次已冻结", closed)
    frozen = grades(app)
    assert {version for _, _, version in frozen.values()} == {newest_number_id(app)}  # the version they were computed under
    listed = visible_text(station.get("/periods/").get_data(as_text=True))
    assert "已关闭（等次已冻结）" in listed and "第 1 版" in listed

    revise_grading(app)
    refused = app.test_cli_runner().invoke(args=["grades", "recompute", "--period", PERIOD])
    assert refused.exit_code == 1 and "年度已关闭，最终等次已冻结" in refused.output
    assert "已关闭" in post(station, f"/periods/{PERIOD}/recompute", shown="x")
    assert grades(app) == frozen
    grade_list = visible_text(station.get("/finalgradelicenceview/list/").get_data(as_text=True))
    assert "考核标准版本" in grade_list and "第 1 版" in grade_list

    assert f"{PERIOD} 年度的最终等次已发布" in post(station, f"/periods/{PERIOD}/publish")
    assert "已发布，不能重新开启" in post(station, f"/periods/{PERIOD}/reopen")
    assert grades(app) == frozen


def test_closing_is_refused_while_a_recompute_is_due_and_only_the_station_runs_periods(app):
    revise_grading(app)
    station = app.test_client()
    login(station, "city_station")
    refused = post(station, f"/periods/{PERIOD}/close")
    assert re.search(r"有 \d+ 项最终等次与现行考核标准的计算结果不一致，未关闭", refused)
    assert "进行中" in visible_text(station.get("/periods/").get_data(as_text=True))
    assert "应为 2000～2100 之间的四位年份" in post(station, "/periods/open", period="明年")
    assert "已开启 2027 年度" in post(station, "/periods/open", period="2027")
    district = app.test_client()
    login(district, "district_authority_shinan")
    assert district.get("/periods/").status_code in (302, 403)
