"""Make the database of the previous main that tests/test_aggregate_migration.py upgrades.

Run it with the code of the release before the assessment aggregate (commit 7a5fba5), from a checkout
of that commit, with the platform's virtualenv:

    git worktree add /tmp/prevmain 7a5fba5 && cd /tmp/prevmain
    /path/to/platform/.venv/bin/python /path/to/platform/tests/reference/previous_main/make.py OUT_DIR

It seeds the demo data with that release's own commands and adds what the upgrade must keep: records
approved through the 办理 page (items reviewed, evidence uploaded, history, printed forms with their
verification codes), a project assessment located outside its contractor's district, and the defect
the upgrade mends: a draft of enterprise_02 with two uploaded files, deleted, whose id the next new
record of enterprise_01 takes. It writes OUT_DIR/platform.db, OUT_DIR/evidence/ and
OUT_DIR/expected.json: every record, item, file, history row and verification code as that release
stored them, and the SHA-256 of each approved record's printed form (dates and document ids blanked).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the previous release's code, not this checkout's

from flask_migrate import upgrade

from models import AppUser, Attachment, District, FormVerification, Project, ReviewHistory, db
from tests.conftest import make_app
from tests.support import login
from tests.workflow_support import PDF, file_and_approve, one_page_pdf, post, text, upload

BASE_URL = "https://platform.example/"
PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]")


def normalised_pdf_hash(pdf: bytes) -> str:
    """The printed form without its creation date and document id (they change with every print)."""
    return hashlib.sha256(PDF_DATES.sub(b"", pdf)).hexdigest()


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "platform.db"
    database.unlink(missing_ok=True)
    evidence = out / "evidence"
    shutil.rmtree(evidence, ignore_errors=True)
    url = f"sqlite:///{database}"
    app = make_app(url, EVIDENCE_DIR=str(evidence))
    with app.app_context():
        upgrade()
    app = make_app(url, EVIDENCE_DIR=str(evidence))
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    pack = app.extensions["criteria_pack"]
    with app.app_context():
        own = db.session.query(AppUser).filter_by(username="enterprise_01").one().enterprise_id
        second = db.session.query(AppUser).filter_by(username="enterprise_02").one().enterprise_id

    # Records approved through the 办理 page: items, evidence, history.
    def eighty(item):
        return item.max * 8 // 10

    header = {"contact_person": "张三", "contact_phone": "13912345678"}
    approved = [
        ("general", file_and_approve(app, client, "general", own, "enterprise_01", "city_station", eighty, header, "2025")),
        (
            "director",
            file_and_approve(
                app,
                client,
                "director",
                own,
                "enterprise_01",
                "city_station",
                eighty,
                {"director_name": "李四", "contact_phone": "0532-88886666"},
                "2025",
            ),
        ),
    ]

    # A project located outside its contractor's district, filled by that district's supervisor.
    with app.app_context():
        project = next(p for p in db.session.query(Project).order_by(Project.id) if p.district_id != p.enterprise.district_id)
        district = db.session.get(District, project.district_id).code
        project_id = project.id
    login(client, f"supervisor_{district}")
    made = client.post("/api/v1/assessment_project/", json={"project": project_id, "period": "2026", "inspection_unit": "质监站"})
    assert made.status_code == 201, made.get_json()
    client.get("/logout/")

    # The defect: enterprise_02's deleted draft leaves its files behind for the next record's id.
    login(client, "enterprise_02")
    draft = client.post("/api/v1/assessment_general/", json={"enterprise": second, "period": "2024", **header}).get_json()["id"]
    first_item = pack.kinds["general"].items[0].code
    for number in (1, 2):
        assert "已上传" in text(
            upload(client, "general", draft, first_item, one_page_pdf(f"enterprise_02 file {number}"), f"二号企业材料{number}.pdf")
        )
    assert client.delete(f"/api/v1/assessment_general/{draft}").status_code == 200
    client.get("/logout/")
    login(client, "enterprise_01")
    taken = client.post("/api/v1/assessment_general/", json={"enterprise": own, "period": "2024", **header}).get_json()["id"]
    assert "已上传" in text(upload(client, "general", taken, first_item, PDF, "一号企业材料.pdf"))
    assert "得分已保存" in text(post(client, "general", taken, "scores", {f"score_{first_item}": "5"}))
    client.get("/logout/")

    # Printed forms: each approved record gets its verification code.
    login(client, "admin")
    forms = {}
    for kind, pk in approved:
        assert client.get(f"/report/{kind}/{pk}.pdf").status_code == 200
    client.get("/logout/")
    from views.reports import render_record

    with app.app_context():
        from models.criteria_versions import kind_for, pack_for

        for kind, pk in approved:
            record = db.session.get(app.extensions["kind_models"][kind].assessment, pk)
            forms[f"{kind}:{pk}"] = normalised_pdf_hash(
                render_record(db.session, pack_for(record), kind_for(record), record, False, BASE_URL)
            )
        expected = snapshot(app)
    expected["forms"] = forms
    expected["leak"] = {"deleted_draft": draft, "taken_by": taken, "project_outside": made.get_json()["id"]}
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def snapshot(app) -> dict:
    """Every record, item, file, history row and code as this release stores them."""
    found: dict = {"records": [], "attachments": [], "history": [], "codes": {}}
    for code, models in app.extensions["kind_models"].items():
        table = models.assessment.__table__
        for record in db.session.query(models.assessment).order_by(models.assessment.id):
            values = {c.key: getattr(record, c.key) for c in table.columns}
            values["kind"] = code
            values["items"] = [
                {c.key: getattr(row, c.key) for c in models.item.__table__.columns if c.key not in ("id", "assessment_id")}
                for row in record.items
            ]
            found["records"].append(values)
    for row in db.session.query(Attachment).order_by(Attachment.id):
        found["attachments"].append({c.key: getattr(row, c.key) for c in Attachment.__table__.columns})
    for row in db.session.query(ReviewHistory).order_by(ReviewHistory.id):
        found["history"].append({c.key: getattr(row, c.key) for c in ReviewHistory.__table__.columns})
    for row in db.session.query(FormVerification):
        found["codes"][row.code] = {"kind": row.record_kind, "record_id": row.record_id}
    return found


if __name__ == "__main__":
    build(Path(sys.argv[1]).resolve())
