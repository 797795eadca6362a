"""Printed forms through the web and the CLI: scope, file names, verification, layout."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from models import FormVerification, db
from reports import FormData, FormItem, FormReview, render_form
from tests import records
from tests.support import login

REFERENCE = Path(__file__).resolve().parent / "reference" / "form-page1.png"


def own_record(app, username="enterprise_01", kind="general"):
    own = records.enterprise_of(app, username)
    return records.ids(app, records.kind_model(app, kind), enterprise_id=own)[0]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_filled_form_downloads_inside_the_scope_with_a_meaningful_name(app, client):
    login(client, "enterprise_01")
    pk = own_record(app)
    answer = client.get(f"/report/general/{pk}.pdf?download=1")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    disposition = unquote(answer.headers["Content-Disposition"])
    assert "一般条件考核_2026.pdf" in disposition and "青岛海川建设集团有限公司" in disposition
    text = pdf_text(answer.data)
    kind = app.extensions["criteria_pack"].kinds["general"]
    assert "青岛海川建设集团有限公司" in text and kind.items[0].name in text
    # A draft prints as 草稿, with no verification code: it can never pass for a result.
    assert "草稿" in text and "验证码" not in text
    assert records.count(app, FormVerification, assessment_id=pk) == 0
    other = records.ids(app, records.kind_model(app, "general"))
    outside = next(
        i
        for i in other
        if i != pk
        and i not in records.ids(app, records.kind_model(app, "general"), enterprise_id=records.enterprise_of(app, "enterprise_01"))
    )
    assert client.get(f"/report/general/{outside}.pdf").status_code == 404


def test_blank_form_has_items_and_no_scores(app, client):
    login(client, "enterprise_01")
    pk = own_record(app)
    text = pdf_text(client.get(f"/report/general/{pk}.pdf?blank=1").data).replace("\n", "")
    kind = app.extensions["criteria_pack"].kinds["general"]
    assert all(item.name in text for item in kind.items[:3])
    assert "验证码" not in text and "（自评）" not in text


def test_verification_page_confirms_a_genuine_code_and_rejects_a_made_up_one(app, client):
    login(client, "city_station")
    pk = records.ids(app, records.kind_model(app, "general"), state="approved")[0]
    client.get(f"/report/general/{pk}.pdf")
    with app.app_context():
        code = db.session.query(FormVerification).filter_by(assessment_id=pk).one().code
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{code}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "真实有效" in body and "考核总分" in body and "联系电话" not in body
    missing = anonymous.get("/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and "未找到验证码" in missing.get_data(as_text=True)


def test_cli_renders_one_form_and_a_batch(app, tmp_path):
    runner = app.test_cli_runner()
    pk = own_record(app)
    single = runner.invoke(args=["report", "general", str(pk), "-o", str(tmp_path / "one.pdf")])
    assert single.exit_code == 0, single.output
    assert "青岛海川建设集团有限公司" in pdf_text((tmp_path / "one.pdf").read_bytes())
    batch = runner.invoke(args=["report", "batch", "--kind", "general", "--period", "2026", "-o", str(tmp_path / "all")])
    assert batch.exit_code == 0, batch.output
    produced = sorted((tmp_path / "all").glob("*.pdf"))
    assert len(produced) == records.count(app, records.kind_model(app, "general"), period="2026")
    assert runner.invoke(args=["report", "nonsense", "1", "-o", str(tmp_path / "x.pdf")]).exit_code == 2


def sample_form() -> FormData:
    return FormData(
        title="企业一般安全生产条件动态考核",
        subtitle="参考样张",
        enterprise_name="青岛鑫犇建设有限公司",
        header_fields=[
            ("企业名称", "青岛鑫犇建设有限公司", True),
            ("考核期间", "2026"),
            ("状态", "审核通过"),
            ("联系人", "张三"),
            ("联系电话", "0532-88886666"),
        ],
        items=[FormItem(f"考核项目{n}", "评价标准全文" * 6, 10, 9, 8.5, "材料齐全") for n in range(1, 9)],
        total=85.0,
        grade_label="合格",
        reviews=[FormReview("审核通过", "同意", "reviewer", "2026-03-01")],
        criteria_version="2026.1+sample",
        verification_code="ABCDEFGH23",
        verify_url="http://127.0.0.1/verify/ABCDEFGH23",
    )


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) is not installed")
def test_page_one_matches_the_reference_image(tmp_path):
    """A broken font (boxes) or a collapsed layout changes far more pixels than the tolerance allows."""
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render_form(sample_form()))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    rendered = Image.open(tmp_path / "page.png").convert("L")
    if not REFERENCE.exists():  # the first run on a machine with poppler writes the reference to review
        REFERENCE.parent.mkdir(exist_ok=True)
        rendered.save(REFERENCE)
        pytest.fail(f"reference image written to {REFERENCE}; look at it and commit it")
    reference = Image.open(REFERENCE).convert("L")
    assert rendered.size == reference.size
    difference = ImageStat.Stat(ImageChops.difference(rendered, reference)).mean[0]
    assert difference < 2.0, f"page 1 differs from the reference by {difference:.2f} grey levels on average"


def test_a_daily_entry_prints_its_entry_and_points_and_no_empty_score_table(app, client):
    from workflow.header import entry_points

    login(client, "city_station")
    model = records.kind_model(app, "daily")
    pk = records.ids(app, model, state="approved")[0]
    kind = app.extensions["criteria_pack"].kinds["daily"]
    with app.app_context():
        record = db.session.get(model, pk)
        entry = next(e for e in kind.catalogue if e.code == record.entry)
        points = entry_points(kind, record)
    text = pdf_text(client.get(f"/report/daily/{pk}.pdf").data).replace("\n", "")
    assert entry.name in text and f"分值{points}" in text.replace(" ", "")
    assert "考核项目" not in text and "考核总分" not in text and entry.code not in text
