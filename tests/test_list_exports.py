"""Every list with a fixed filter (a grade type, a workflow state, the local tab) exports the rows
it shows: the same rows in the same order in PDF, CSV and Excel, numbered, without its buttons."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.test_scope_enterprise import login
from views.scoped_views import ScopedModelView


class ListRows(HTMLParser):
    """The cells of the list table's data rows (FAB's bordered table, after its head), as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_list = self.in_head = self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and "table-bordered" in (dict(attrs).get("class") or ""):
            self.in_list = True
        elif self.in_list and tag == "thead":
            self.in_head = True
        elif self.in_list and not self.in_head and tag == "tr":
            self.rows.append([])
        elif self.in_list and not self.in_head and tag == "td":
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_list = False
        elif tag == "thead":
            self.in_head = False
        elif tag == "td":
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data.strip()


def fixed_lists(app) -> list[ScopedModelView]:
    return [
        v
        for v in app.appbuilder.baseviews
        if isinstance(v, ScopedModelView) and (v._base_filters.get_filters_values() or (v.extra_args or {}).get("local_tabs"))
    ]


def screen_rows(client, view: ScopedModelView, query: str) -> list[list[str]] | None:
    """The rows on screen (one page of 100), or None when the role may not open the list."""
    name = type(view).__name__
    page = client.get(f"{view.route_base}/list/?psize_{name}=100{query}")
    if page.status_code == 403:
        assert client.get(f"{view.route_base}/export/").status_code == 403
        return None
    assert page.status_code == 200, view.route_base
    parser = ListRows()
    parser.feed(page.get_data(as_text=True))
    return [row for row in parser.rows if row]


def exports(client, view: ScopedModelView, query: str) -> dict[str, list[list[str]]]:
    base = f"{view.route_base}"
    body = client.get(f"{base}/export/?{query}").get_data(as_text=True).lstrip("\ufeff")
    csv_rows = list(csv.reader(io.StringIO(body)))
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx?{query}").data)).active
    pdf = client.get(f"{base}/export.pdf?{query}").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    return {"csv": csv_rows, "xlsx": [list(row) for row in sheet.values], "pdf_text": [[text]]}


@pytest.mark.parametrize("user", ["city_station", "district_authority_shibei"])  # the city's lists, a reviewer's queues
def test_each_fixed_list_exports_exactly_its_rows(app, client, user):
    login(client, user)
    views = fixed_lists(app)
    assert len(views) >= 6, [type(v).__name__ for v in views]
    checked = 0
    for view in views:
        for query in ("", "&_flt_0_is_local=y", "&_flt_0_is_local=n") if (view.extra_args or {}).get("local_tabs") else ("",):
            shown = screen_rows(client, view, query)
            if shown is None:
                continue
            found = exports(client, view, query.lstrip("&"))
            csv_rows, xlsx_rows = found["csv"], found["xlsx"]
            assert csv_rows[0][0] == "序号" and xlsx_rows[0][0] == "序号"
            assert len(csv_rows) - 1 == len(shown) == len(xlsx_rows) - 1, (type(view).__name__, query)
            assert [r[0] for r in csv_rows[1:]] == [str(n) for n in range(1, len(shown) + 1)]
            assert "办理" not in csv_rows[0] and "审核" not in csv_rows[0] and "动态调整" not in csv_rows[0]
            for on_screen, in_csv, in_xlsx in zip(shown, csv_rows[1:], xlsx_rows[1:], strict=True):
                # The first data column (an enterprise, a project) reads the same on screen and in each file.
                name = in_csv[1]
                assert name in on_screen, (type(view).__name__, name, on_screen)
                assert in_xlsx[1] == name
                assert name in found["pdf_text"][0][0]
            checked += len(shown)
    assert checked > 0


def test_text_that_a_spreadsheet_would_run_is_neutralised(app, client):
    from tests.test_registration import register

    name = '=HYPERLINK("http://example.org/x","点此")'
    answer = register(client, enterprise_name=name)
    assert answer.status_code == 200 and "正在等待" in answer.get_data(as_text=True)
    login(client, "district_authority_laoshan")
    body = client.get("/enterpriseregistrationview/export/").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["序号", "企业名称"] and "审核" not in rows[0]
    assert ["'" + name] == [row[1] for row in rows[1:] if "HYPERLINK" in row[1]]
    sheet = load_workbook(io.BytesIO(client.get("/enterpriseregistrationview/export.xlsx").data)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value)]
    assert [(c.value, c.data_type) for c in cells] == [("'" + name, "s")]  # text, never a formula


def test_numbers_are_numbers_with_their_places(app, client):
    login(client, "city_station")
    sheet = load_workbook(io.BytesIO(client.get("/finalgradeenterpriseview/export.xlsx").data)).active
    rows = list(sheet.values)
    score = rows[0].index("得分")
    scores = [row[score] for row in rows[1:] if row[score] is not None]
    assert scores and all(isinstance(value, int | float) for value in scores)
    assert all(isinstance(row[0], int) for row in rows[1:])  # 序号
    body = client.get("/finalgradeenterpriseview/export/").get_data(as_text=True).lstrip("\ufeff")
    listed = [row[score] for row in list(csv.reader(io.StringIO(body)))[1:] if row[score]]
    assert listed and all(re.fullmatch(r"\d+\.\d{2}", value) for value in listed), listed  # 90.70, not 90.7


def test_the_non_local_tab_lists_non_local_enterprises(app, client):
    from models import db
    from models.grades import FinalGradeRecord as FinalGrade

    with app.app_context():
        row = db.session.query(FinalGrade).filter_by(grade_code="enterprise").order_by(FinalGrade.id).first()
        row.is_local = False  # an enterprise registered elsewhere (外地企业)
        db.session.commit()
        name = str(row.enterprise)
    login(client, "city_station")
    view = next(v for v in fixed_lists(app) if v.route_base == "/finalgradeenterpriseview")
    non_local = screen_rows(client, view, "&_flt_0_is_local=n")
    local = screen_rows(client, view, "&_flt_0_is_local=y")
    assert [name] == [row[1] for row in non_local] and all(row[1] != name for row in local)
    assert [row[1] for row in exports(client, view, "_flt_0_is_local=n")["csv"][1:]] == [name]
