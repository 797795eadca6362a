"""Project-registry intake: CSV / XLSX / JSON exports upserted by 施工许可证号 and 统一社会信用代码."""

from __future__ import annotations

import csv
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from models import AuditLog, District, Enterprise, Project, db
from models.credit_code import ALPHABET, check_character
from registry import ImportReport, RegistryFileError, import_rows, read_rows

HEADER = ["施工许可证号", "项目名称", "施工单位", "统一社会信用代码", "项目经理", "所在区（市）", "建筑面积", "项目地址"]
ENGLISH = ["permit_no", "name", "enterprise_name", "credit_code", "project_manager", "district", "building_area", "address"]


def credit_code(n: int) -> str:
    body = f"91370299{n:09d}"
    return body + check_character(body)


def sample_rows(count: int, start: int = 0) -> list[list[Any]]:
    """Generated rows in HEADER order; every third project belongs to the same enterprise."""
    districts = ["市南区", "shibei", "李沧区", "崂山区", "huangdao"]
    return [
        [
            f"TEST{start + i:08d}",
            f"测试项目{start + i}号楼",
            f"青岛测试建设{(start + i) // 3}有限公司",
            credit_code((start + i) // 3),
            f"经理{i % 7}",
            districts[i % len(districts)],
            1000 + i * 10,
            f"测试路{i}号",
        ]
        for i in range(count)
    ]


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_json(path: Path, rows: list[list[Any]], wrap: bool = True) -> Path:
    records = [dict(zip(ENGLISH, row, strict=True)) for row in rows]
    path.write_text(json.dumps({"records": records} if wrap else records, ensure_ascii=False), encoding="utf-8")
    return path


def run(app, path: Path, **options: Any) -> ImportReport:
    with app.app_context():
        return import_rows(db.session, app.extensions["criteria_pack"], read_rows(path), **options)


def snapshot(app) -> tuple[list[tuple], list[tuple], int]:
    """Every registry row with its change stamp, and the number of audit rows."""
    with app.app_context():
        projects = [
            (p.id, p.permit_no, p.name, p.enterprise_id, p.project_manager, p.district_id, p.building_area, p.address, p.changed_on)
            for p in db.session.scalars(select(Project).order_by(Project.id))
        ]
        companies = [
            (e.id, e.credit_code, e.name, e.district_id, e.is_local, e.changed_on)
            for e in db.session.scalars(select(Enterprise).order_by(Enterprise.id))
        ]
        return projects, companies, db.session.query(AuditLog).count()


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.rejected


WRITERS = {
    "csv": write_csv,
    "json": write_json,  # XLSX with the short district header 所在区
    "xlsx": lambda path, rows: write_xlsx(path, rows, [*HEADER[:5], "所在区", *HEADER[6:]]),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_each_format_imports_and_a_reimport_changes_nothing(app, tmp_path, kind):
    path = WRITERS[kind](tmp_path / f"registry.{kind}", sample_rows(6))
    report = run(app, path)
    assert counts(report) == (6, 0, 0, 0), report.rejections
    assert (report.enterprises_created, report.enterprises_renamed) == (2, 0)
    with app.app_context():
        project = db.session.scalar(select(Project).filter_by(permit_no="TEST00000001"))
        assert (project.name, project.project_manager, project.address) == ("测试项目1号楼", "经理1", "测试路1号")
        assert project.district.name == "市北区" and project.building_area == Decimal("1010.00")
        company = project.enterprise
        assert (company.name, company.credit_code, company.is_local) == ("青岛测试建设0有限公司", credit_code(0), True)
        assert company.district.name == "市南区"  # a new enterprise takes its first project's district

    before = snapshot(app)
    again = run(app, path)
    assert counts(again) == (0, 0, 6, 0) and again.rejections == []
    assert (again.enterprises_created, again.enterprises_renamed) == (0, 0)
    assert snapshot(app) == before


def test_bad_rows_are_reported_with_row_and_field_and_the_good_rows_land(app, tmp_path):
    rows = sample_rows(6)
    bad_code = credit_code(100)
    rows[1][3] = bad_code[:17] + next(c for c in ALPHABET if c != bad_code[17])  # row 3: wrong check character
    rows[2][5] = "火星区"  # row 4: unknown district
    rows[3][0] = ""  # row 5: missing permit number
    rows[4][6] = -5  # row 6: negative area
    report = run(app, write_csv(tmp_path / "bad.csv", rows))
    assert counts(report) == (2, 0, 0, 4)
    assert [(r.row, r.field) for r in report.rejections] == [
        (3, "统一社会信用代码"),
        (4, "所在区（市）"),
        (5, "施工许可证号"),
        (6, "建筑面积"),
    ]
    reasons = [r.reason for r in report.rejections]
    assert "校验位错误" in reasons[0] and "火星区" in reasons[1] and reasons[2] == "请填写施工许可证号"
    assert "负数" in reasons[3]
    with app.app_context():
        landed = set(db.session.scalars(select(Project.permit_no).where(Project.permit_no.like("TEST%"))))
    assert landed == {"TEST00000000", "TEST00000005"}


def test_contradictions_inside_one_file_are_rejected_so_reimport_stays_unchanged(app, tmp_path):
    rows = sample_rows(3)
    rows.append(list(rows[0]))  # row 5: the permit of row 2 again
    rows[2][2] = "另一个名称有限公司"  # row 4: same credit code as rows 2-3, another name
    path = write_json(tmp_path / "dup.json", rows, wrap=False)
    report = run(app, path)
    assert counts(report) == (2, 0, 0, 2)
    assert [(r.row, r.field) for r in report.rejections] == [(3, "施工单位"), (4, "施工许可证号")]  # JSON: record index
    assert "第 1 行" in report.rejections[1].reason
    before = snapshot(app)
    assert counts(run(app, path)) == (0, 0, 2, 2)
    assert snapshot(app) == before


def demo_row(app) -> tuple[str, list[Any]]:
    """The first demo project as a registry row (HEADER order; the district by its pack code)."""
    with app.app_context():
        project = db.session.scalars(select(Project).order_by(Project.id)).first()
        return project.permit_no, [
            project.permit_no,
            project.name,
            project.enterprise.name,
            project.enterprise.credit_code,
            project.project_manager,
            project.district.code,
            str(project.building_area),
            "",
        ]


def test_an_existing_demo_project_is_updated_when_its_manager_changes(app, tmp_path):
    permit_no, row = demo_row(app)
    path = write_csv(tmp_path / "same.csv", [row])
    assert counts(run(app, path)) == (0, 0, 1, 0)  # the registry agrees with the demo data
    before = snapshot(app)
    row[4] = "孙晓明"
    assert counts(run(app, write_csv(tmp_path / "manager.csv", [row]))) == (0, 1, 0, 0)
    after = snapshot(app)
    changed = [(old, new) for old, new in zip(before[0], after[0], strict=True) if old != new]
    assert len(changed) == 1 and changed[0][1][1] == permit_no and changed[0][1][4] == "孙晓明"
    assert changed[0][0][:4] + changed[0][0][5:8] == changed[0][1][:4] + changed[0][1][5:8]
    assert after[1] == before[1]  # no enterprise touched
    assert after[2] == before[2] + 1  # one audited update


def test_enterprise_is_renamed_and_project_moves_to_another_enterprise(app, tmp_path):
    permit_no, row = demo_row(app)
    row[2] = "青岛更名后建设集团有限公司"
    report = run(app, write_csv(tmp_path / "renamed.csv", [row]))
    assert counts(report) == (0, 1, 0, 0) and report.enterprises_renamed == 1
    row[3], row[2] = credit_code(999), "新接手建设有限公司"
    report = run(app, write_csv(tmp_path / "moved.csv", [row]))
    assert counts(report) == (0, 1, 0, 0) and report.enterprises_created == 1
    with app.app_context():
        project = db.session.scalar(select(Project).filter_by(permit_no=permit_no))
        assert project.enterprise.credit_code == credit_code(999)


def test_gb18030_csv_english_headers_blank_lines_and_optional_columns(app, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (
            "permit_no,name,enterprise_name,credit_code,所在区(市),企业注册区,本地企业,备注\r\n"
            f"GBK001,胶州测试项目,济南外地建工有限公司,{credit_code(500)},胶州市,jimo,否,忽略\r\n"
            "\r\n"
            f"GBK002,平度测试项目,济南外地建工有限公司,{credit_code(500)},370283,,否,\r\n"
        ).encode("gb18030")
    )
    assert [number for number, _ in read_rows(path)] == [2, 4]
    assert counts(run(app, path)) == (2, 0, 0, 0)
    with app.app_context():
        company = db.session.scalar(select(Enterprise).filter_by(credit_code=credit_code(500)))
        assert (company.district.code, company.is_local) == ("jimo", False)
        districts = {p.permit_no: p.district.code for p in db.session.scalars(select(Project).filter_by(enterprise=company))}
        assert districts == {"GBK001": "jiaozhou", "GBK002": "pingdu"}


def test_file_level_problems_raise_before_any_row(tmp_path):
    missing = write_csv(tmp_path / "missing.csv", [["x", "y"]], header=["项目名称", "施工单位"])
    with pytest.raises(RegistryFileError, match="施工许可证号"):
        read_rows(missing)
    with pytest.raises(RegistryFileError, match="施工许可证号"):
        read_rows(write_xlsx(tmp_path / "missing.xlsx", [], header=HEADER[1:]))
    (tmp_path / "list.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RegistryFileError, match="不支持"):
        read_rows(tmp_path / "list.xls")
    (tmp_path / "utf16.csv").write_text(",".join(HEADER), encoding="utf-16")
    with pytest.raises(RegistryFileError, match="UTF-8"):
        read_rows(tmp_path / "utf16.csv")
    (tmp_path / "broken.json").write_text('{"records": [', encoding="utf-8")
    with pytest.raises(RegistryFileError, match="JSON"):
        read_rows(tmp_path / "broken.json")


def test_cli_prints_summary_and_rejections_and_exits_0(app, tmp_path):
    rows = sample_rows(3)
    rows[1][3] = "91370200MA3C1234X"  # 17 characters
    result = app.test_cli_runner().invoke(args=["registry", "import", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "新建 2，更新 0，未变化 0，拒绝 1"
    assert lines[-1] == "第 3 行 统一社会信用代码：统一社会信用代码应为18位，当前为17位"


def test_cli_exits_1_for_a_file_without_the_permit_column(app, tmp_path):
    path = write_csv(tmp_path / "no_permit.csv", [row[1:] for row in sample_rows(2)], header=HEADER[1:])
    before = snapshot(app)
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "缺少必需的列：施工许可证号（permit_no）" in result.output
    assert snapshot(app) == before
    unknown = app.test_cli_runner().invoke(args=["registry", "import", str(tmp_path / "registry.pdf")])
    assert unknown.exit_code == 1 and "不支持的文件格式" in unknown.output


def test_progress_is_reported_per_batch(app, tmp_path):
    done: list[int] = []
    report = run(app, write_xlsx(tmp_path / "p.xlsx", sample_rows(5)), progress=done.append, batch_size=2)
    assert counts(report) == (5, 0, 0, 0) and done == [2, 4, 5]


def test_ten_thousand_generated_rows_import_through_the_cli(app, tmp_path):
    """City-scale intake; the speed target lives in the benchmark, not here."""
    path = write_csv(tmp_path / "big.csv", sample_rows(10000))
    with app.app_context():
        before = db.session.query(Project).count()
        districts = db.session.query(District).count()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "新建 10000，更新 0，未变化 0，拒绝 0" in result.output
    with app.app_context():
        assert db.session.query(Project).count() == before + 10000
        assert db.session.query(District).count() == districts
    print(f"\n10000 rows imported in {elapsed:.2f} s ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")


def test_a_row_the_database_refuses_rolls_back_alone(app, tmp_path, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from registry import importer

    real = importer._Writer._upsert

    def refuse_one(self, row, counts):
        status = real(self, row, counts)
        if row.permit_no == "TEST00000003":  # this row also created the enterprise rows 6-7 use
            self.session.flush()
            raise IntegrityError("INSERT ...", None, Exception("模拟的数据库错误"))
        return status

    monkeypatch.setattr(importer._Writer, "_upsert", refuse_one)
    report = run(app, write_csv(tmp_path / "refused.csv", sample_rows(6)))
    assert counts(report) == (5, 0, 0, 1) and report.enterprises_created == 2
    assert [(r.row, r.field, r.reason) for r in report.rejections] == [(5, "记录", "数据库拒绝保存：模拟的数据库错误")]
    with app.app_context():
        permits = set(db.session.scalars(select(Project.permit_no).where(Project.permit_no.like("TEST%"))))
        assert permits == {f"TEST{i:08d}" for i in (0, 1, 2, 4, 5)}
        assert db.session.query(Enterprise).filter_by(credit_code=credit_code(1)).count() == 1
