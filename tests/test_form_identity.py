"""A settled form says who issued it and which it is: 出具单位, a 编号 from the pack's pattern (given at
the first print, kept, counted per series), the print date; 身份证号 print masked unless the pack
says otherwise; a bad 编号 pattern is refused with file and line."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from criteria import CriteriaError, load_pack
from criteria.problems_zh import problem_zh
from models import FormVerification, db
from tests import records
from tests.support import login
from tests.test_criteria_check import copy_pack, edit, line_of

NUMBER = re.compile(r"青建安考〔2026〕(\d{6})-(\d{2})-(\d{4})号")


def printed(app, kind: str, pk: int) -> str:
    client = app.test_client()
    login(client, "city_station")
    answer = client.get(f"/report/{kind}/{pk}.pdf")
    assert answer.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages).replace("\n", "")


def test_a_settled_form_prints_its_number_issuer_and_date_and_keeps_its_number(app):
    pack = app.extensions["criteria_pack"]
    general = records.ids(app, records.kind_model(app, "general"), state="approved")[0]
    text = printed(app, "general", general)
    found = NUMBER.search(text)
    assert found, text[:400]
    assert found[2] == f"{list(pack.kinds).index('general') + 1:02d}" and found[3] == "0001"
    assert "出具单位：青岛市住房和城乡建设局" in text
    assert re.search(r"打印日期：\s?\d{4}-\d{2}-\d{2}", text)  # pypdf may put a space at the line break
    assert NUMBER.search(printed(app, "general", general))[0] == found[0]  # printed again: the same number
    with app.app_context():
        stored = db.session.query(FormVerification).filter_by(assessment_id=general).one()
        assert stored.number == found[0]
        district = db.session.get(records.kind_model(app, "general"), general).district
        assert found[1] == district.division_code


def test_forms_of_one_series_count_up_and_other_series_start_at_one(app):
    numbers = []
    for kind in ("director", "general"):
        for pk in records.ids(app, records.kind_model(app, kind), state="approved"):
            numbers.append(NUMBER.search(printed(app, kind, pk)).groups())
    by_series: dict[tuple[str, str], list[str]] = {}
    for division, kind, serial in numbers:
        by_series.setdefault((division, kind), []).append(serial)
    assert len(numbers) >= 2
    for serials in by_series.values():
        assert serials == [f"{n:04d}" for n in range(1, len(serials) + 1)]


def test_id_numbers_print_masked(app):
    from models import Person

    login_client = app.test_client()
    login(login_client, "enterprise_01")
    own = records.enterprise_of(app, "enterprise_01")
    draft = records.ids(app, records.kind_model(app, "general"), enterprise_id=own, state="draft")[0]
    with app.app_context():
        numbers = [p.id_number for p in db.session.query(Person).filter_by(enterprise_id=own) if p.id_number]
    assert numbers, "the demo enterprise has people with 身份证号"
    pdf = login_client.get(f"/report/general/{draft}.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    shown = [n for n in numbers if n[:6] + "*" * (len(n) - 10) + n[-4:] in text]
    assert shown and not any(n in text for n in numbers)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("青建安考〔{year}〕{kind}号", "编号须含 {serial}（流水号）"),
        ("{year}-{district}-{serial}", "编号中不认识的部分“{district}”"),
        ("{year:04d}-{serial}", "只有流水号可以指定位数"),
        ("青岛市住房和城乡建设局建筑施工安全生产考核" * 6 + "{serial}", "超过了 120 个字符的上限"),
    ],
)
def test_a_bad_number_pattern_is_refused_with_its_line(tmp_path, pattern, expected):
    pack = copy_pack(tmp_path)
    edit(pack, "pack.yaml", '  number: "青建安考〔{year}〕{division}-{kind}-{serial:04d}号"', f'  number: "{pattern}"')
    with pytest.raises(CriteriaError) as caught:
        load_pack(pack)
    shown = [problem_zh(p) for p in caught.value.problems]
    line = line_of(pack, "pack.yaml", "  number:")
    assert any(expected in text and f"第 {line} 行" in text for text in shown), shown


def test_an_id_number_in_the_header_prints_masked(app):
    model = records.kind_model(app, "director")
    director = records.ids(app, model, state="approved")[0]
    with app.app_context():
        db.session.get(model, director).director_id_number = "370202198001011234"
        db.session.commit()
    text = printed(app, "director", director)
    assert "370202********1234" in text and "370202198001011234" not in text


@pytest.mark.parametrize(
    ("file", "old", "new", "at", "expected"),
    [
        ("general.yaml", "  header: [enterprise_name, period,", "  header: [enterprise_name, perod,", "  header:", "未知的表头行“perod”"),
        (
            "general.yaml",
            "    - {show: max,            label: 分值",
            "    - {show: points,         label: 分值",
            "{show: points",
            "栏目“points”只用于",
        ),
        ("general.yaml", "  dossier: true ", "  working: 计算说明\n  dossier: true ", "  working:", "只有按分项检查评分表计分"),
        (
            "project.yaml",
            '    title: "{name}检查评分表"',
            '    title: "{table}检查评分表"',
            '    title: "{table}',
            "不认识的占位符“{table}”",
        ),
        ("project.yaml", "    - {show: opinion, label: 检查意见", "    - {show: remark,  label: 检查意见", "{show: remark", "应为以下之一"),
        (
            "project.yaml",
            "{line: enterprise_name, label: 施工单位}",
            "{line: builder, label: 施工单位}",
            "{line: builder",
            "未知的表头行“builder”",
        ),
    ],
)
def test_a_bad_print_layout_is_refused_with_its_line(tmp_path, file, old, new, at, expected):
    pack = copy_pack(tmp_path)
    edit(pack, file, old, new)
    with pytest.raises(CriteriaError) as caught:
        load_pack(pack)
    shown = [problem_zh(p) for p in caught.value.problems]
    line = line_of(pack, file, at)
    assert any(expected in text and f"第 {line} 行" in text for text in shown), shown


def test_a_record_filed_before_its_guide_had_a_layout_prints_with_the_running_one(app, tmp_path):
    from services.render_form import render_record

    folder = copy_pack(tmp_path)
    general = (folder / "general.yaml").read_text(encoding="utf-8")
    (folder / "general.yaml").write_text(general[: general.index("\n# 打印的考核表")] + "\n", encoding="utf-8")
    older, running = load_pack(folder), app.extensions["criteria_pack"]
    model = records.kind_model(app, "general")
    pk = records.ids(app, model, state="approved")[0]
    with app.app_context():
        record = db.session.get(model, pk)
        alone = render_record(db.session, older, older.kinds["general"], record, True, "http://127.0.0.1")
        issued = render_record(db.session, older, older.kinds["general"], record, True, "http://127.0.0.1", issuing=running)
    alone_text, issued_text = ("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages) for pdf in (alone, issued))
    assert "填报人" in alone_text and "企业主要负责人（签字）" not in alone_text  # the plain layout of a guide without one
    assert "企业主要负责人（签字）" in issued_text and "企业一般安全生产条件动态考核表" in issued_text
