"""Rectification rounds and ratings as pure rules: the deadline in working days, where a rating
sends a record, what a person form must hold."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from criteria import load_pack
from workflow.deadlines import add_working_days, deadline_zh, rectification_due
from workflow.people import expired, read_person
from workflow.rules import destination, opens_round, rating_refusal

D = datetime.date


@pytest.fixture(scope="module")
def licence():
    return load_pack().kinds["licence"]


def test_working_days_follow_the_state_councils_holiday_arrangement():
    friday = D(2026, 11, 27)
    assert add_working_days(friday, 1) == D(2026, 11, 30)  # Monday
    assert add_working_days(friday, 15) == D(2026, 12, 18)  # three full weeks
    # 国庆节 2026: 1–7 October off, Sunday 20 September and Saturday 10 October worked (调休)
    assert add_working_days(D(2026, 9, 28), 15) == D(2026, 10, 23)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)  # the 调休 Saturday is a working day
    assert add_working_days(D(2026, 9, 19), 1) == D(2026, 9, 20)  # so is the 调休 Sunday


def test_the_packs_own_dates_override_the_arrangement_and_extend_it_past_its_last_year():
    assert add_working_days(D(2026, 10, 7), 1, non_working=[D(2026, 10, 8)]) == D(2026, 10, 9)  # a local closure
    assert add_working_days(D(2026, 10, 9), 1, non_working=[D(2026, 10, 10)]) == D(2026, 10, 12)
    # 2027 is not announced in the calendar yet: Monday to Friday, plus what the pack lists
    assert add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 4)
    assert add_working_days(D(2026, 12, 30), 3, non_working=[D(2027, 1, 1)]) == D(2027, 1, 5)
    assert add_working_days(D(2027, 2, 5), 1, extra_working=[D(2027, 2, 6)]) == D(2027, 2, 6)


def test_a_deadline_is_named_by_its_date_and_weekday_and_a_provisional_one_says_so():
    assert deadline_zh(D(2026, 10, 23)) == "2026年10月23日（星期五）"
    assert deadline_zh(D(2027, 1, 4)) == "2027年1月4日（星期一）（暂定：该年度的国务院节假日安排尚未收录，按周一至周五计算）"


def test_the_deadline_reads_the_kinds_rectification_block(licence):
    rules = replace(licence.rectification, working_days=2, non_working_days=(D(2026, 12, 1),))
    assert rectification_due(rules, D(2026, 11, 30)) == D(2026, 12, 3)
    assert rectification_due(licence.rectification, D(2026, 11, 27)) == D(2026, 12, 18)


def test_a_rating_that_opens_a_round_goes_to_the_rectification_state(licence):
    rate = next(t for t in licence.workflow.transitions if t.rates)
    back = licence.workflow.transition("return")
    assert destination(licence, rate, "pass") == "rated" and not opens_round(licence, rate, "pass")
    for band in ("basic_pass", "fail"):
        assert destination(licence, rate, band) == "rectifying" and opens_round(licence, rate, band)
    assert destination(licence, back) == "returned" and opens_round(licence, back)
    labels = {"pass": "合格", "basic_pass": "基本合格", "fail": "不合格"}
    assert rating_refusal(licence, rate, None, labels) == "请选择评定结果：合格、基本合格、不合格"
    assert rating_refusal(licence, rate, "excellent", labels) is not None
    assert rating_refusal(licence, rate, "fail", labels) is None
    assert rating_refusal(licence, back, "pass", labels) == "“退回修改”不需要选择评定结果"


def test_a_person_is_checked_field_by_field(licence):
    form = {
        "list_code": "principal",
        "person_name": "孙负责",
        "id_number": "11010519491231002X",
        "certificate_no": "鲁建安A（2024）000001",
        "certificate_valid_until": "2027-06-30",
    }
    entry, errors = read_person(licence.personnel, form)
    assert errors == {} and entry.valid_until == D(2027, 6, 30) and entry.id_number == "11010519491231002X"
    _, errors = read_person(
        licence.personnel, {**form, "list_code": "boss", "id_number": "110105194912310021", "certificate_valid_until": "明年"}
    )
    assert errors["list_code"].startswith("人员名单“boss”不存在")
    assert errors["id_number"] == "身份证号校验位错误：第18位应为 X，实际为 1"
    assert errors["certificate_valid_until"] == "证书有效期应为日期（如 2027-06-30），填写的是“明年”"
    assert expired(D(2026, 1, 1), D(2026, 1, 2)) and not expired(D(2026, 1, 2), D(2026, 1, 2))
