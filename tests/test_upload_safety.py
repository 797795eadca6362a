"""Every upload door refuses what is not a readable PDF, and a refused upload leaves no trace.

The doors: item evidence of a self-assessment, the daily entry's document (record:document) and
the supervisor's signed form of a project assessment (record:<code>), all on the 办理 page; the
attachment API is read-only. After every refusal there is no new file under EVIDENCE_DIR, no
Attachment row and no 考核记录 (history) row. File names are not refused but sanitised: only the
last path part, without control or invisible characters, at most 200 characters, ending in .pdf;
the file itself is stored under its content hash, never under the name.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from models import Attachment, District, Enterprise, Project, ReviewHistory, db
from models.evidence import safe_name
from tests import records
from tests.support import login
from tests.workflow_support import PDF, one_page_pdf, page_url, text, upload


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def no_pages() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


# (what is sent, the file name, what the page says)
REFUSED = [
    (b"", "空文件.pdf", "文件为空"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "照片.pdf", "内容不是 PDF"),
    (b"PK\x03\x04" + b"\x00" * 64, "材料.docx", "内容不是 PDF"),
    (PDF[: len(PDF) // 2], "一半.pdf", "PDF 文件不完整"),
    (b"%PDF-1.7\n" + b"\x00garbage\xff" * 40 + b"\n%%EOF\n", "损坏.pdf", "PDF 文件已损坏"),
    (PDF.replace(b"/Kids [3 0 R]", b"/Kids [7 0 R]"), "坏引用.pdf", "PDF 文件没有任何页面"),
    (encrypted("user-secret"), "加密.pdf", "PDF 文件设有密码"),
    (no_pages(), "空白.pdf", "PDF 文件没有任何页面"),
]


def laoshan_user(app) -> tuple[int, str]:
    with app.app_context():
        from models import AppUser

        company = db.session.query(Enterprise).join(District).filter(District.code == "laoshan").order_by(Enterprise.id).first()
        return company.id, db.session.query(AppUser).filter_by(enterprise_id=company.id).first().username


def open_door(app, client, door: str) -> tuple[str, int, str]:
    """Log in as the user of that door and make a fresh draft; returns (kind, id, upload position)."""
    pack = app.extensions["criteria_pack"]
    if door == "project":
        with app.app_context():
            project = (
                db.session.query(Project)
                .join(District, Project.district_id == District.id)
                .filter(District.code == "shinan")
                .order_by(Project.id)
                .first()
                .id
            )
        login(client, "supervisor_shinan")
        answer = client.post("/api/v1/assessment_project/", json={"project": project, "period": "2027"})
        signed = next(e for e in pack.kinds["project"].record_evidence if e.required)
        position = f"record:{signed.code}"
    else:
        enterprise_id, username = laoshan_user(app)
        login(client, username)
        body = {"enterprise": enterprise_id, "period": "2027"}
        if door == "general":
            body.update(contact_person="张三", contact_phone="13912345678")
        answer = client.post(f"/api/v1/assessment_{door}/", json=body)
        position = "record:document" if door == "daily" else next(i.code for i in pack.kinds[door].items if i.evidence)
    assert answer.status_code == 201, answer.get_json()
    return door, answer.get_json()["id"], position


def traces(app, kind: str, pk: int, evidence: Path) -> tuple[int, int, list[str]]:
    with app.app_context():
        attachments = db.session.query(Attachment).filter_by(assessment_id=pk).count()
        history = db.session.query(ReviewHistory).filter_by(assessment_id=pk).count()
    files = sorted(str(p.relative_to(evidence)) for p in evidence.rglob("*") if p.is_file())
    return attachments, history, files


@pytest.fixture
def evidence(app, tmp_path) -> Path:
    """An empty evidence folder (the demo's sample materials stay in the app's own copy)."""
    folder = tmp_path / "uploads"
    app.config["EVIDENCE_DIR"] = str(folder)
    return folder


@pytest.mark.parametrize("door", ["general", "daily", "project"])
def test_every_door_refuses_what_is_not_a_readable_pdf_and_stores_nothing(app, client, evidence, door):
    kind, pk, position = open_door(app, client, door)
    before = traces(app, kind, pk, evidence)
    assert before == (0, 0, [])
    for content, name, expected in REFUSED:
        page = text(upload(client, kind, pk, position, content, name))
        assert f"“{safe_name(name)}”未上传：" in page and expected in page, (name, expected)
        assert traces(app, kind, pk, evidence) == before, name

    page = text(upload(client, kind, pk, position, PDF, ""))  # no file chosen
    assert "请选择要上传的 PDF 文件" in page
    app.config["MAX_CONTENT_LENGTH"] = 4096
    assert "文件过大" in text(upload(client, kind, pk, position, one_page_pdf("x" * 6000), "大文件.pdf"))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    assert traces(app, kind, pk, evidence) == before

    # an upload position of another kind (or none that exists) is refused with a message, not stored
    this = app.extensions["criteria_pack"].kinds[kind]
    other = next(
        i.code
        for k in app.extensions["criteria_pack"].kinds.values()
        if k.code != kind
        for i in k.items
        if i.code not in {j.code for j in this.items}
    )
    refused = upload(client, kind, pk, other)
    assert refused.status_code == 400 and f"上传位置“{other}”不属于本考核" in text(refused)
    assert traces(app, kind, pk, evidence) == before

    assert "已上传“证明.pdf”" in text(upload(client, kind, pk, position))  # the same door still works
    attachments, _, files = traces(app, kind, pk, evidence)
    assert attachments == 1 and len(files) == 1


def test_a_pdf_with_only_an_owner_password_opens_and_is_accepted(app, client, evidence):
    kind, pk, position = open_door(app, client, "general")
    assert "已上传" in text(upload(client, kind, pk, position, encrypted(""), "仅限制打印.pdf"))
    assert traces(app, kind, pk, evidence)[0] == 1


NAMES = [  # (the name as the server receives it, the name shown and stored)
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/var/lib/platform/evidence/x.pdf", "x.pdf"),
    ("C:\\Users\\张工\\Desktop\\扫描件.pdf", "扫描件.pdf"),
    ("..\\..\\boot.ini", "boot.ini.pdf"),
    ("安全\x00生产\x1b[31m\u202eFDP.exe\t\r\n.pdf", "安全生产[31mFDP.exe.pdf"),
    ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ("..", "证明材料.pdf"),
    (" . .pdf", "证明材料.pdf"),
    ("", "证明材料.pdf"),
    ("报告.PDF", "报告.pdf"),
]


@pytest.mark.parametrize(("sent", "shown"), NAMES)
def test_safe_name(sent, shown):
    assert safe_name(sent) == shown


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        # a multipart header carries a backslash escaped as two; the server receives one
        ("C:\\\\Users\\\\张工\\\\Desktop\\\\扫描件.pdf", "扫描件.pdf"),
        ("安全\x00生产\x1b[31m\u202eFDP.exe\t.pdf", "安全生产[31mFDP.exe.pdf"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_file_names_are_sanitised_and_the_file_lives_under_its_hash(app, client, evidence, sent, shown):
    kind, pk, position = open_door(app, client, "general")
    page = text(upload(client, kind, pk, position, PDF, sent))
    assert f"已上传“{shown}”" in page
    with app.app_context():
        attachment = db.session.query(Attachment).filter_by(assessment_id=pk).one()
        assert attachment.file_name == shown
        stored = attachment.content_hash
    files = [p for p in evidence.rglob("*") if p.is_file()]
    assert [p.relative_to(evidence).as_posix() for p in files] == [f"{stored[:2]}/{stored}.pdf"]
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert not list(evidence.parent.glob("**/passwd*")) and not list(evidence.parent.glob("**/boot.ini*"))
    served = client.get(f"/assessment/file/{records.ids(app, Attachment, assessment_id=pk)[0]}?download=1")
    assert served.status_code == 200 and served.data == PDF
    assert "/" not in served.headers["Content-Disposition"].split("filename", 1)[1]


def test_the_attachment_api_is_no_upload_door(app, client, evidence):
    kind, pk, _ = open_door(app, client, "general")
    before = traces(app, kind, pk, evidence)
    answer = client.post("/api/v1/attachment/", json={"file_name": "../x.pdf", "assessment_id": pk, "content_hash": "0" * 64, "size": 1})
    assert answer.status_code in (403, 405)
    assert traces(app, kind, pk, evidence) == before
    assert page_url(kind, pk)  # the record is still there, untouched
