"""The PDF renderers (reports/): text, page headers and footers, blank forms, embedded font, QR code.

Pure rendering: no app, no database. PDFs stay in memory; files only go to tmp_path.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import FormColumn, FormData, FormItem, FormReview, FormSection, FormSignature, render_form, render_list
from reports.fonts import FALLBACKS, FONT_PATH, has_glyph

ROOT = Path(__file__).resolve().parents[1]
ITEM_HEADERS = ("序号", "考核项目", "评价标准", "分值", "自评分", "核定分", "审核意见")
FOOTER = re.compile(r"第 (\d+) 页 共 (\d+) 页")
RARE_NAME = "青岛鑫犇建设有限公司"
SIGNATURES = (FormSignature("企业主要负责人（签字）"), FormSignature("企业（盖章）", True), FormSignature("区（市）主管部门（盖章）", True))


def make_form(items: list[FormItem] | None = None, **changes: object) -> FormData:
    values: dict[str, object] = {
        "title": "企业一般安全生产条件动态考核",
        "subtitle": "青岛市房屋建筑施工企业安全管理“三项考核”",
        "enterprise_name": RARE_NAME,
        "header_fields": [
            ("项目名称", "崂山区珺喆花园二期工程", True),
            ("考核期间", "2026年度"),
            ("状态", "已核定"),
            ("联系人", "王堃"),
            ("联系电话", "0532-88886666"),
            ("自评情况说明", "按青建〔2026〕3号文件完成自评"),
        ],
        "items": items
        if items is not None
        else [
            FormItem("安全生产管理制度", "建立健全安全生产责任制并定期考核。", 15, 13.75, 12.25, "制度目录不全"),
            FormItem("安全生产投入", "按规定提取和使用安全生产费用，建立使用台账。", 25, 23.5, 21.75, "台账缺少凭证"),
        ],
        "total": 86.75,
        "grade_label": "优良",
        "reviews": [FormReview("区（市）主管部门审核", "同意核定结果。", "张燚", "2026-03-12")],
        "criteria_version": "qingdao 2026.1",
        "signatures": SIGNATURES,
    }
    values.update(changes)
    if "header_fields" not in changes:  # the enterprise's name leads the header, as a kind's layout puts it
        values["header_fields"] = [("企业名称", values["enterprise_name"], True), *values["header_fields"]]  # type: ignore[misc]
    return FormData(**values)  # type: ignore[arg-type]


def many_items(count: int) -> list[FormItem]:
    return [
        FormItem(f"检查项{n:02d}", "按规定落实安全防护措施并留存检查记录，" * (1 + n % 4), 5, 4.5, 4.25, "") for n in range(1, count + 1)
    ]


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def font_dicts(pdf: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.append(ref.get_object())
    return fonts


def test_form_shows_enterprise_items_scores_and_reviews() -> None:
    text = "".join(pages_text(render_form(make_form())))
    for expected in (
        RARE_NAME, "崂山区珺喆花园二期工程", "2026年度", "已核定", "王堃", "0532-88886666",
        "安全生产管理制度", "安全生产投入", "建立健全安全生产责任制并定期考核", "15", "25",
        "13.75", "12.25", "23.5", "21.75", "制度目录不全", "86.75", "优良",
        "区（市）主管部门审核", "同意核定结果", "张燚", "2026-03-12",
        "企业主要负责人（签字）", "企业（盖章）", "区（市）主管部门（盖章）", "盖章处", "年", "qingdao 2026.1",
    ):  # fmt: skip
        assert expected in text, expected
    for header in ITEM_HEADERS:
        assert header in text


def test_long_item_table_repeats_header_and_numbers_every_page() -> None:
    items = many_items(70)
    pages = pages_text(render_form(make_form(items)))
    total = len(pages)
    assert total >= 3

    for number, text in enumerate(pages, start=1):
        assert FOOTER.findall(text) == [(str(number), str(total))], text[-200:]

    pages_with_items = [text for text in pages if any(item.name in text for item in items)]
    assert len(pages_with_items) >= 3
    for text in pages_with_items:
        first_item = min(text.index(item.name) for item in items if item.name in text)
        for header in ITEM_HEADERS:
            assert header in text[:first_item], f"{header} missing above the items of a page"
    # Every item is printed exactly once across the pages.
    everything = "".join(pages)
    assert all(everything.count(item.name) == 1 for item in items)


def test_blank_form_keeps_names_standards_and_maxima_but_no_scores() -> None:
    text = "".join(pages_text(render_form(make_form(), blank=True)))
    for expected in ("安全生产管理制度", "安全生产投入", "按规定提取和使用安全生产费用", "15", "25", RARE_NAME, "企业（盖章）"):
        assert expected in text, expected
    for absent in ("13.75", "12.25", "23.5", "21.75", "制度目录不全", "台账缺少凭证", "86.75", "优良", "同意核定结果", "张燚"):
        assert absent not in text, absent
    assert "区（市）主管部门审核" in text  # the review step stays, its opinion is left to write


def test_font_is_embedded_as_subset_and_nothing_else_is_used() -> None:
    for pdf in (render_form(make_form(verification_code="QD7F3K9A", verify_url="https://example.org/v/QD7F3K9A")),
                render_list("名单", ["序号", "企业名称"], [["1", RARE_NAME]])):  # fmt: skip
        fonts = font_dicts(pdf)
        assert fonts
        for font in fonts:
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei.*", font["/BaseFont"]), font["/BaseFont"]
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
        # A subset, not the whole 5 MB collection.
        assert len(pdf) < FONT_PATH.stat().st_size / 20


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_embedded_subset(tmp_path: Path) -> None:
    path = tmp_path / "form.pdf"
    path.write_bytes(render_form(make_form()))
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        emb, sub = line.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), line


def test_rare_name_characters_round_trip() -> None:
    for char in "〔〕鑫犇珺堃燚喆":
        assert has_glyph(char), char
    assert not has_glyph("㵘")  # CJK Extension A is not in the main font: the fallback draws it
    text = "".join(pages_text(render_form(make_form())))
    assert RARE_NAME in text
    assert "青建〔2026〕3号" in text
    assert "珺喆" in text


RARE_TEXT = "检查人：王䶮、张㵘 ✗ ☑ ☐ □"


def ink(pdf: bytes, tmp_path: Path) -> bytes:
    """Page 1 as 60 dpi grey pixels (pdftoppm's PGM body)."""
    path = tmp_path / "ink.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "1", str(path)], capture_output=True, check=True).stdout


def assert_every_character_prints(text: str, tmp_path: Path) -> None:
    """Each character is in the text layer, and the page image changes when it is printed."""
    printed = "".join(pages_text(render_form(make_form(header_fields=[("审核意见", text)]))))
    for char in text.replace(" ", ""):
        assert char in printed, char
    empty = ink(render_form(make_form(enterprise_name="")), tmp_path)
    for char in set(text) - {" "}:
        assert ink(render_form(make_form(enterprise_name=char)), tmp_path) != empty, f"{char} left no ink"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_rare_characters_and_marks_print_from_the_fallback_font(tmp_path: Path) -> None:
    assert_every_character_prints(RARE_TEXT, tmp_path)
    fonts = font_dicts(render_form(make_form(enterprise_name=RARE_TEXT)))
    assert {re.sub(r"^/[A-Z]{6}\+|-\d+$", "", font["/BaseFont"]) for font in fonts} == {"WenQuanYiMicroHei", "HanaMinA"}
    assert all("/FontFile2" in font["/FontDescriptor"].get_object() for font in fonts)  # both embedded, as subsets


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or not FALLBACKS[-1][1].is_file(), reason="needs poppler-utils and fonts-hanazono (HanaMinB)"
)
def test_extension_b_prints_and_extracts_when_hanaminb_is_installed(tmp_path: Path) -> None:
    assert_every_character_prints("𠀀𠮷", tmp_path)


def test_a_character_no_font_has_prints_a_visible_mark() -> None:
    text = "".join(pages_text(render_form(make_form(enterprise_name="王\U0010fffd"))))
    assert "王〓" in text


def test_verification_code_and_qr_code() -> None:
    url = "https://aqkh.example.gov.cn/verify/QD2026-7F3K9A"
    with_code = render_form(make_form(verification_code="QD2026-7F3K9A", verify_url=url))
    without = render_form(make_form())
    pages = pages_text(with_code)
    assert "QD2026-7F3K9A" in pages[0]
    assert all("QD2026-7F3K9A" in text for text in pages)  # also in every page footer
    assert "验证码" not in "".join(pages_text(without))

    def rectangles(pdf: bytes) -> int:
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        return len(re.findall(rb"\bre\b", page.get_contents().get_data()))

    # The QR symbol is drawn as vector modules: far more rectangles than the tables alone.
    assert rectangles(with_code) - rectangles(without) > 100


def test_same_data_gives_same_bytes() -> None:
    assert render_form(make_form()) == render_form(make_form())


def test_very_long_texts_continue_on_following_rows() -> None:
    items = [FormItem("超长标准项", "安全技术交底记录齐全" * 400, 10, 8, 7, "整改意见" * 200)]
    reviews = [FormReview("市安监站复核", "复核意见" * 500, "李喆", "2026-04-01")]
    header = [("自评情况说明", "说明" * 1500)]
    pages = pages_text(render_form(make_form(items, reviews=reviews, header_fields=header)))
    text = "".join(pages)
    assert len(pages) >= 3
    assert "超长标准项" in text and "（续）" in text


def test_list_is_landscape_with_repeated_header_and_page_numbers() -> None:
    columns = ["序号", "统一社会信用代码", "企业名称", "所在区（市）", "最终得分", "等级"]
    rows = [[str(n), f"91370200MA3C{n:05d}X", f"企业{n:03d}", "崂山区", "90.5", "优良"] for n in range(1, 91)]
    rows.append(["91", "91370200MA3C00091X", RARE_NAME])  # short rows are padded
    pdf = render_list("2026年度安全生产考核评价名单", columns, rows, subtitle="青岛市住房和城乡建设局")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)

    pages = pages_text(pdf)
    assert len(pages) >= 3
    assert "2026年度安全生产考核评价名单" in pages[0] and "青岛市住房和城乡建设局" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert FOOTER.findall(text) == [(str(number), str(len(pages)))]
        assert all(column in text for column in columns)
    everything = "".join(pages)
    assert all(f"企业{n:03d}" in everything for n in range(1, 91))
    assert RARE_NAME in everything


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_rasterize(tmp_path: Path) -> None:
    path = tmp_path / "form.pdf"
    path.write_bytes(render_form(make_form(verification_code="QD1", verify_url="https://example.org/v/QD1")))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.glob("page-*.png"))


def test_reports_import_neither_flask_nor_sqlalchemy() -> None:
    code = "import sys, reports; bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; sys.exit(', '.join(bad) or None)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_a_form_prints_its_materials_and_personnel_sections():
    data = FormData(
        title="建筑施工企业安全生产许可证动态考核",
        subtitle="测试",
        enterprise_name="青岛测试建设有限公司",
        header_fields=[("考核期间", "2026")],
        grade_label="基本合格",
        sections=[
            FormSection("申报材料", ("序号", "材料名称", "已上传文件（PDF）"), [("1", "营业执照（副本）", "执照.pdf")], (1, 8, 9)),
            FormSection("企业主要负责人（安全生产考核合格证书（A证））", ("姓名", "有效期至"), [("张伟", "2025-01-31（已过期）")]),
        ],
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_form(data))).pages)
    for expected in ("申报材料", "营业执照（副本）", "执照.pdf", "企业主要负责人", "张伟", "已过期", "基本合格"):
        assert expected in text
    assert "考核项目" not in text  # a form with sections and no items prints no empty item table


def test_the_scored_items_and_result_print_before_the_dossier_lists():
    materials = FormSection("申报材料", ("序号", "材料名称"), [("1", "营业执照（副本）")])
    text = "".join(pages_text(render_form(make_form(sections=[materials])))).replace("\n", "")
    assert text.index("安全生产管理制度") < text.index("考核总分") < text.index("申报材料") < text.index("审核记录")


def test_a_rated_form_states_its_result_and_an_event_states_none():
    rated = "".join(pages_text(render_form(make_form(items=[], grade_label="合格", total=None)))).replace("\n", "")
    assert "考核结果合格" in rated.replace(" ", "") and "考核总分" not in rated and "考核项目" not in rated
    event = "".join(pages_text(render_form(make_form(items=[], grade_label=None, total=None, graded=False))))
    assert "考核结果" not in event and "考核总分" not in event and "考核项目" not in event


def test_a_weighted_form_prints_the_guides_columns_each_averaged_sheet_and_the_working() -> None:
    columns = [FormColumn("number", "序号", 10), FormColumn("name", "分项", 40), FormColumn("max", "权重", 14)]
    columns += [FormColumn("result", "分项表得分", 20), FormColumn("points", "折算得分", 20), FormColumn("opinion", "检查意见", 60)]
    items = [
        FormItem("安全管理", "", 10, result="85.00", points="8.50"),
        FormItem("脚手架", "", 10, result="80.00", points="8.00", parts=[("扣件式钢管脚手架", "70.00"), ("悬挑式脚手架", "90.00")]),
    ]
    working = ["脚手架：2 张分项表取平均 80.00", "缺项：基坑工程；按 实得分 16.50 ÷ 应得分 20 × 100 折算"]
    data = make_form(items, columns=columns, working_title="计算说明", working=working, total="82.50")
    text = "".join(pages_text(render_form(data))).replace("\n", "")
    for expected in ("分项表得分", "折算得分", "（扣件式钢管脚手架）70.00", "（悬挑式脚手架）90.00", "8.50", "计算说明", *working):
        assert expected.replace(" ", "") in text.replace(" ", ""), expected
    assert "评价标准" not in text and "自评分" not in text  # only the guide's columns
    blank = "".join(pages_text(render_form(data, blank=True)))
    assert "8.50" not in blank and "计算说明" not in blank and "扣件式钢管脚手架" not in blank


def test_appendix_sheets_print_after_the_signatures_with_their_signing_line() -> None:
    sheet = FormSection(
        "安全管理检查评分表",
        ("序号", "类别", "检查项目", "应得分", "扣减分", "实得分"),
        [("1", "保证项目", "安全生产责任制", "10", "", "")],
    )
    sheet = FormSection(sheet.title, sheet.headings, [*sheet.rows, ("", "", "合计", "100", "", "")], footer="检查人（签字）：______")
    text = "".join(pages_text(render_form(make_form(appendix=[sheet]), blank=True))).replace("\n", "")
    assert text.index("区（市）主管部门（盖章）") < text.index("安全管理检查评分表") < text.index("合计") < text.index("检查人（签字）")


def test_a_form_without_signatures_prints_no_signature_block() -> None:
    assert "签字确认" not in "".join(pages_text(render_form(make_form(signatures=()))))


def test_a_list_cell_longer_than_a_page_continues_on_the_next_rows() -> None:
    detail = "；".join(f"申报材料{n:03d}：营业执照（副本）.pdf → 已上传" for n in range(400))  # an audit row of a whole checklist
    pages = pages_text(
        render_list("审计日志", ["序号", "操作", "变更内容（原值 → 新值）"], [["1", "修改", detail], ["2", "新增", "状态：草稿"]])
    )
    printed = "".join(pages).replace("\n", "")
    assert len(pages) > 2 and "申报材料399" in printed and printed.index("申报材料399") < printed.index("状态：草稿")


def test_a_long_list_prints_every_row_once_with_the_header_on_every_page():
    """A list is laid out a page at a time as its rows stream in (a generator is read once): every
    row is printed once, in order, and each page starts with the header."""
    columns = ["序号", "企业名称", "等次"]
    rows = ([str(n), f"青岛第{n:04d}建设有限公司", "合格"] for n in range(1, 301))
    reader = PdfReader(io.BytesIO(render_list("名单", columns, rows)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 5
    assert all("企业名称" in page for page in pages)
    printed = [int(n) for page in pages for n in re.findall(r"青岛第(\d{4})建设有限公司", page)]
    assert printed == list(range(1, 301))
