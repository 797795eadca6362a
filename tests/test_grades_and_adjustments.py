"""Stored final grades: computed on approval and by recompute; adjustments applied, limited, revoked."""

from __future__ import annotations

import pytest

from models import AuditLog, FinalGradeRecord, GradeAdjustment, db
from tests import records
from tests.conftest import sync
from tests.support import csrf_token, login, visible_text


def grade(app, enterprise_id, code, project_id=None):
    with app.app_context():
        row = (
            db.session.query(FinalGradeRecord)
            .filter_by(enterprise_id=enterprise_id, grade_code=code, project_id=project_id, period="2026")
            .one()
        )
        return row.label, row.computed_label, row.score


def graded_enterprise(app):
    with app.app_context():
        return (
            db.session.query(FinalGradeRecord)
            .filter_by(grade_code="enterprise", period="2026")
            .filter(FinalGradeRecord.label.is_not(None))
            .order_by(FinalGradeRecord.enterprise_id)
            .first()
            .enterprise_id
        )


def add_adjustment(client, enterprise_id, direction, reason, final="enterprise"):
    token = csrf_token(client, "/gradeadjustmentview/add")
    return client.post(
        "/gradeadjustmentview/add",
        data={
            "csrf_token": token,
            "enterprise": str(enterprise_id),
            "project": "__None",
            "period": "2026",
            "final_grade": final,
            "direction": direction,
            "reason_code": reason,
            "note": "测试",
        },
        follow_redirects=True,
    )


def test_demo_approvals_produce_stored_grades_with_reasons(app, client):
    enterprise_id = graded_enterprise(app)
    label, computed, score = grade(app, enterprise_id, "enterprise")
    assert label == computed and score is not None
    login(client, "city_station")
    with app.app_context():
        row_id = db.session.query(FinalGradeRecord).filter_by(enterprise_id=enterprise_id, grade_code="enterprise").one().id
    page = visible_text(client.get(f"/finalgradeenterpriseview/show/{row_id}").get_data(as_text=True))
    assert "评定依据" in page and "得分" in page and label in page


def test_promotion_once_per_period_direct_fail_and_revocation(app, client):
    enterprise_id = graded_enterprise(app)
    before, computed, score = grade(app, enterprise_id, "enterprise")
    scale = [b.label for b in app.extensions["criteria_pack"].scales["supervision"].bands]
    login(client, "city_station")
    assert "新增成功" in add_adjustment(client, enterprise_id, "promote", "national_award").get_data(as_text=True)
    promoted, still_computed, same_score = grade(app, enterprise_id, "enterprise")
    assert promoted == scale[max(scale.index(before) - 1, 0)]
    assert (still_computed, same_score) == (computed, score)  # the computed grade and score never change

    second = add_adjustment(client, enterprise_id, "promote", "provincial_award")
    assert "同一对象同一考核周期内只能升一档一次" in second.get_data(as_text=True)
    assert records.count(app, GradeAdjustment, enterprise_id=enterprise_id) == 1

    add_adjustment(client, enterprise_id, "direct_fail", "falsified_materials")
    assert grade(app, enterprise_id, "enterprise")[0] == scale[-1]

    with app.app_context():
        fail_id = db.session.query(GradeAdjustment).filter_by(enterprise_id=enterprise_id, direction="direct_fail").one().id
    token = csrf_token(client, "/gradeadjustmentview/list/")
    client.post(
        "/gradeadjustmentview/action_post", data={"csrf_token": token, "action": "revoke", "rowid": str(fail_id)}, follow_redirects=True
    )
    assert grade(app, enterprise_id, "enterprise")[0] == promoted
    with app.app_context():
        revoked = db.session.get(GradeAdjustment, fail_id)
        assert revoked.revoked_on is not None and revoked.revoked_by_fk is not None
    assert client.post(f"/api/v1/grade_adjustment/{fail_id}", json={}).status_code in (403, 404, 405)


def test_a_veto_blocks_promotion(app, client):
    with app.app_context():
        row = db.session.query(FinalGradeRecord).filter_by(grade_code="licence", period="2026").first()
        row.forced = True
        db.session.commit()
        enterprise_id = row.enterprise_id
    login(client, "city_station")
    answer = add_adjustment(client, enterprise_id, "promote", "national_award", final="licence")
    assert "不能升档" in answer.get_data(as_text=True)
    assert records.count(app, GradeAdjustment, enterprise_id=enterprise_id, final_grade="licence") == 0


def test_only_the_city_station_adjusts_and_lists_follow_the_scope(app, client):
    login(client, "district_authority_shinan")
    assert client.get("/gradeadjustmentview/add").status_code in (302, 403)
    rows = visible_text(client.get("/finalgradeenterpriseview/list/").get_data(as_text=True))
    with app.app_context():
        names = {(r.enterprise.name, r.district.name) for r in db.session.query(FinalGradeRecord).filter_by(grade_code="enterprise")}
    for name, district in names:
        assert (name in rows) == (district == "市南区")


@pytest.fixture
def reweighted_pack(pack_copy):
    grading = pack_copy / "grading.yaml"
    text = grading.read_text(encoding="utf-8")
    text = text.replace("- {final_grade: licence, weight: 0.60, required: true}", "- {final_grade: licence, weight: 0.20, required: true}")
    text = text.replace("- {kind: director,       weight: 0.40}", "- {kind: director,       weight: 0.80}")
    grading.write_text(text, encoding="utf-8")
    return pack_copy


@pytest.fixture
def reweighted_app(reweighted_pack, app_for_pack):
    sync(app_for_pack)  # the edited pack becomes the version in force
    return app_for_pack


def test_recompute_after_a_weight_change_changes_only_the_composite(reweighted_app):
    app = reweighted_app
    with app.app_context():
        before = {(r.enterprise_id, r.project_id, r.grade_code): (r.score, r.label) for r in db.session.query(FinalGradeRecord)}
    result = app.test_cli_runner().invoke(args=["grades", "recompute", "--period", "2026"])
    assert result.exit_code == 0, result.output
    assert "重算完成" in result.output
    with app.app_context():
        after = {(r.enterprise_id, r.project_id, r.grade_code): (r.score, r.label) for r in db.session.query(FinalGradeRecord)}
    assert before.keys() == after.keys()
    changed = {key[2] for key in before if before[key] != after[key]}
    assert changed == {"enterprise"}


def test_dashboard_counts_grades_per_district_inside_the_scope(app, client):
    login(client, "city_station")
    page = client.get("/grades/dashboard?grade=enterprise&period=2026").get_data(as_text=True)
    assert "<svg" in page and "distribution-table" in page
    with app.app_context():
        districts = {r.district.name for r in db.session.query(FinalGradeRecord).filter_by(grade_code="enterprise")}
    assert all(name in page for name in districts)
    client.get("/logout/")
    login(client, "district_authority_laoshan")
    text = visible_text(client.get("/grades/dashboard?grade=enterprise&period=2026").get_data(as_text=True))
    assert all(name not in text for name in districts - {"崂山区"})


def test_evaluation_list_prints_as_pdf_and_exports_excel(app, client):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    login(client, "city_station")
    pdf = client.get("/finalgradeenterpriseview/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    sheet = load_workbook(io.BytesIO(client.get("/finalgradeenterpriseview/export.xlsx").data)).active
    rows = list(sheet.values)
    assert rows[0] == ("序号", "施工企业", "所在区（市）", "本地企业", "考核年度", "得分", "评定等次", "考核标准版本")
    assert all(row[1] in text.replace("\n", "") for row in rows[1:])


def test_the_cli_scorer_agrees_with_the_stored_result_of_an_approved_assessment(app):
    import json

    from models.record_scores import payload_of

    pack = app.extensions["criteria_pack"]
    for code in ("general", "director", "project"):
        model = records.kind_model(app, code)
        with app.app_context():
            record = db.session.query(model).filter(model.state == "approved", model.total.isnot(None)).first()
            assert record is not None, f"the demo data has an approved {code} assessment"
            payload, stored = payload_of(pack.kinds[code], record), (float(record.total), record.grade)
        result = app.test_cli_runner().invoke(args=["criteria", "score", code], input=json.dumps(payload))
        assert result.exit_code == 0, result.output
        body = json.loads(result.output)
        assert (body["total"], body["grade"]) == stored


def test_each_grade_row_opens_its_adjustment_and_links_the_assessments_it_came_from(app, client):
    """动态调整 is a button on each grade row (for the city station, which records adjustments): it
    opens the form naming that row's enterprise, period and grade; a grade's page links every
    assessment it was computed from to its 办理 page."""
    import re

    from models.aggregate import AssessmentRecord

    enterprise_id = graded_enterprise(app)
    with app.app_context():
        row = db.session.query(FinalGradeRecord).filter_by(enterprise_id=enterprise_id, grade_code="enterprise", period="2026").one()
        row_id, name = row.id, row.enterprise.name
        approved = {
            r.id for r in db.session.query(AssessmentRecord).filter_by(enterprise_id=enterprise_id, period="2026") if r.state == "approved"
        }
    login(client, "city_station")
    listed = client.get("/finalgradeenterpriseview/list/").get_data(as_text=True)
    assert f'href="/gradeadjustmentview/add?grade={row_id}"' in listed
    form = client.get(f"/gradeadjustmentview/add?grade={row_id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{enterprise_id}">{re.escape(name)}</option>', form)
    assert 'value="2026"' in form and '<option selected value="enterprise">' in form
    shown = client.get(f"/finalgradeenterpriseview/show/{row_id}").get_data(as_text=True)
    linked = {int(pk) for pk in re.findall(r'href="/assessment/\w+/(\d+)"', shown)}
    assert approved and approved <= linked
    client.get("/logout/")

    login(client, "district_authority_laoshan")  # reviews, but does not adjust
    assert "/gradeadjustmentview/add?grade=" not in client.get("/finalgradeenterpriseview/list/").get_data(as_text=True)


def test_a_suspended_licence_reaches_the_enterprise_grade_and_only_the_licence_takes_it(app, client):
    """RULES.md §8.5: a direct 不合格 comes before the caps, so 安许证暂扣 on the licence grade makes the
    enterprise D through the licence cap; the reason is for the licence grade only."""
    with app.app_context():
        rows = db.session.query(FinalGradeRecord).filter(FinalGradeRecord.period == "2026", FinalGradeRecord.label.is_not(None))
        enterprise_id = next(row.enterprise_id for row in rows.filter_by(grade_code="licence").order_by(FinalGradeRecord.id))
    login(client, "city_station")
    refused = visible_text(add_adjustment(client, enterprise_id, "direct_fail", "licence_suspended").get_data(as_text=True))
    assert "“安全生产许可证被暂扣”不适用于施工企业监管等次" in refused
    assert records.count(app, GradeAdjustment, enterprise_id=enterprise_id) == 0
    added = add_adjustment(client, enterprise_id, "direct_fail", "licence_suspended", final="licence")
    assert "新增成功" in added.get_data(as_text=True)
    assert grade(app, enterprise_id, "licence")[0] == "不合格"
    label, computed, _score = grade(app, enterprise_id, "enterprise")
    assert label == "D" and computed != "D"  # shown after the cap; the computed grade stays as it was


def test_the_form_opened_from_a_grade_row_offers_only_the_reasons_for_that_grade(app, client):
    login(client, "city_station")
    with app.app_context():
        row = db.session.query(FinalGradeRecord).filter_by(grade_code="enterprise", period="2026").first()
    page = client.get(f"/gradeadjustmentview/add?grade={row.id}").get_data(as_text=True)
    assert "提供虚假材料" in page and "安全生产许可证被暂扣" not in page  # 安许证暂扣 is for the licence grade


def test_a_recompute_in_passes_of_a_few_enterprises_writes_what_one_pass_writes(app, monkeypatch):
    """A full recompute reads the province a pass of enterprises at a time: the grades it stores and
    the progress it reports do not depend on the size of a pass."""
    from sqlalchemy import delete

    from grading import recompute, store

    def rebuilt(pass_size: int) -> tuple[dict, list[tuple[int, int]]]:
        monkeypatch.setattr(store, "PASS_SIZE", pass_size)
        seen: list[tuple[int, int]] = []
        with app.app_context():
            db.session.execute(delete(FinalGradeRecord.__table__))
            db.session.commit()
            changes = recompute(
                db.session,
                app.extensions["criteria_pack"],
                app.extensions["kind_models"],
                "2026",
                lambda d, t: seen.append((d, t)),
            )
            rows = {
                (r.grade_code, r.enterprise_id, r.project_id): (r.score, r.band, r.label, r.reasons, r.district_id)
                for r in db.session.query(FinalGradeRecord)
            }
            ids = {str(r.id): (r.grade_name, r.label) for r in db.session.query(FinalGradeRecord)}
            logged = {
                a.record_id: (a.detail["grade_name"]["to"], a.detail["label"]["to"])
                for a in db.session.query(AuditLog).filter_by(table_name="final_grade", action="insert")
                if a.record_id in ids
            }
        assert changes and rows
        assert logged == ids  # each new row's audit entry names that row
        return rows, seen

    whole, _ = rebuilt(10**6)
    passes, seen = rebuilt(3)
    assert passes == whole
    total = seen[-1][1]
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len({d for d, _ in seen if d % 3 == 0}) >= 2  # the ends of several passes were reported


def test_records_approved_before_results_were_stored_are_scored_once_together(app, monkeypatch):
    """A database upgraded from before stored results (revision 0006) has approved records without
    one: the next recompute scores them under the rules each was filed under, stores each result
    without touching the record's change time or version, and grades exactly as with the results
    stored. It reads and writes them a chunk at a time, not one record at a time."""
    from sqlalchemy import delete, event, null, select, update

    from grading import inputs, recompute
    from models import assessment_table as table
    from models.record_scores import final_states

    def rebuilt() -> dict:
        with app.app_context():
            db.session.execute(delete(FinalGradeRecord.__table__))
            db.session.commit()
            recompute(db.session, app.extensions["criteria_pack"], app.extensions["kind_models"], "2026")
            db.session.commit()
            return {
                (r.grade_code, r.enterprise_id, r.project_id): (r.score, r.label, r.reasons) for r in db.session.query(FinalGradeRecord)
            }

    def stored() -> dict:
        with app.app_context():
            return {
                r.id: (r.result, r.changed_on, r.lock_version)
                for r in db.session.execute(select(table.c.id, table.c.result, table.c.changed_on, table.c.lock_version))
            }

    def cleared(ids) -> None:
        with app.app_context():
            db.session.execute(update(table).where(table.c.id.in_(ids)).values(result=null(), changed_on=table.c.changed_on))
            db.session.commit()

    def statements_of_a_recompute(without_result) -> int:
        cleared(without_result)
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listen)
        try:
            rebuilt()
        finally:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", listen)
        return len(seen)

    grades, results = rebuilt(), stored()
    settled = {key for key, (result, _, _) in results.items() if result is not None}
    assert len(settled) >= 3, "the demo data has approved records with a result"
    cleared(settled)
    assert rebuilt() == grades
    assert stored() == results  # every result is back, and nothing else changed

    # the statements do not grow with the records: one record of a kind, then every record of it
    monkeypatch.setattr(inputs, "SETTLE_CHUNK", 10**6)
    with app.app_context():
        one, kind = db.session.execute(select(table.c.id, table.c.kind).where(table.c.id.in_(settled), table.c.period == "2026")).first()
    of_one = statements_of_a_recompute({one})
    with app.app_context():
        final = sorted(final_states(app.extensions["criteria_pack"].kinds[kind]))[0]
        of_kind = (table.c.kind == kind, table.c.period == "2026")
        db.session.execute(update(table).where(*of_kind).values(state=final, changed_on=table.c.changed_on))
        db.session.commit()
        every = set(db.session.scalars(select(table.c.id).where(*of_kind)))
    assert len(every) > 3
    assert statements_of_a_recompute(every) == of_one
