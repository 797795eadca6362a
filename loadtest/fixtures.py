"""The records the load journeys need, added to a demo-seeded database, and where to find them.

``python -m loadtest.fixtures TARGETS.json`` (run with the load database in ``DATABASE_URL``) adds,
for each simulated user slot, one assessment waiting for review and one approved assessment of an
enterprise, with a PDF evidence file and a verification code (so the printed form is never created
by two requests at once), and writes the URLs, ids and logins the journeys use to TARGETS.json.

Nothing here names an item, a kind or a role: the kind is the first enterprise self-assessment of the
pack whose demo data has a record in review and an approved one; who may review a record is asked
of the same workflow rules and data scope the 办理 page uses.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, url_for
from reportlab.pdfgen import canvas
from sqlalchemy import Column, func, inspect, select
from sqlalchemy.orm import Session

from cli import demo_data
from criteria.pack import Kind, Pack
from models import AppUser, Attachment, District, Enterprise, db
from models.aggregate import busiest_kind
from models.evidence import store
from models.record_scores import final_states
from services.form_identity import verification_code
from storage import evidence_store
from views.assessments import review_states
from views.filters import DistrictIs, text_filter
from views.scope import scope_clause, scope_of
from workflow import choices
from workflow.records import actor_of, facts_of

HEADER_SKIP = {
    "id",
    "enterprise_id",
    "project_id",
    "district_id",
    "kind",
    "period",
    "state",
    "lock_version",
    "created_on",
    "changed_on",
    "created_by_fk",
    "changed_by_fk",
}


@dataclass(frozen=True)
class Templates:
    kind: Kind
    model: type
    in_review: Any
    approved: Any


def evidence_pdf() -> bytes:
    """A small, valid one-page PDF (the upload check looks at its content, not its name)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "Load test evidence")
    page.showPage()
    page.save()
    return buffer.getvalue()


def pick_templates(session: Session, pack: Pack, kind_models: dict[str, Any]) -> Templates:
    """The first enterprise kind scored item by item whose demo data has a record in review and an
    approved one; both are copied for every slot."""
    for kind in pack.kinds.values():
        if kind.subject != "enterprise" or not kind.items or any(item.subtables for item in kind.items):
            continue
        model = kind_models[kind.code].assessment
        waiting = session.query(model).filter(model.state.in_(review_states(kind))).order_by(model.id).first()
        done = session.query(model).filter(model.state.in_(final_states(kind)), model.total.isnot(None)).order_by(model.id).first()
        if waiting is not None and done is not None:
            return Templates(kind, model, waiting, done)
    raise RuntimeError("演示数据中没有可用于压力测试的考核（需要一份待审核、一份已审核通过的企业考核）；请先运行 flask --app app demo")


def copy_record(template: Any, enterprise: Enterprise, period: str) -> Any:
    """A new record of the template's kind for ``enterprise`` and ``period``, same header and items."""
    model = type(template)
    record = model(enterprise_id=enterprise.id, period=period, state=template.state)
    for attribute in inspect(model).column_attrs:
        if attribute.key not in HEADER_SKIP and isinstance(attribute.expression, Column):
            setattr(record, attribute.key, getattr(template, attribute.key))
    item_model = type(template.items[0])
    for row in template.items:
        record.items.append(
            item_model(
                item_code=row.item_code,
                not_applicable=row.not_applicable,
                self_score=row.self_score,
                assessed_score=row.assessed_score,
                results=row.results,
                review_status=row.review_status,
            )
        )
    return record


def reaches(session: Session, pack: Pack, user: AppUser, record: Any) -> bool:
    """Whether ``record`` is inside ``user``'s data scope (the clause every list and page uses)."""
    model = type(record)
    clause = scope_clause(model, scope_of(user, pack))
    if clause is None:
        return True
    return bool(session.execute(select(func.count()).select_from(model).where(model.id == record.id, clause)).scalar_one())


def reviewer_of(session: Session, pack: Pack, kind: Kind, record: Any, users: list[AppUser]) -> AppUser:
    """The first login that may review ``record`` on its 办理 page."""
    facts = facts_of(session, kind, record)
    for user in users:
        reviews = [t for t, _ in choices(kind, actor_of(user, pack), facts) if not t.self_review]  # a review step
        if reviews and reaches(session, pack, user, record):
            return user
    raise RuntimeError(f"没有可审核 {record.enterprise} 的演示账号")


def owner_of(pack: Pack, enterprise: Enterprise, users: list[AppUser]) -> AppUser:
    """The enterprise's own login."""
    for user in users:
        if user.enterprise_id == enterprise.id and scope_of(user, pack).kind == "enterprise":
            return user
    raise RuntimeError(f"{enterprise} 没有企业账号")


def filter_arg(app: Flask, view_name: str, column: str, filter_class: type) -> str:
    """The list page's query argument of one search filter (``_flt_<index>_<column>``)."""
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view_name)
    found = view._filters.get_search_filters()[column]
    index = next(i for i, f in enumerate(found) if isinstance(f, filter_class))
    return f"_flt_{index}_{column}"


def urls(app: Flask, model: type) -> dict[str, str]:
    name = model.__name__
    auth = type(app.appbuilder.sm.auth_view).__name__  # the login view the security manager installed
    with app.test_request_context():
        return {
            "login": url_for(f"{auth}.login"),
            "logout": url_for(f"{auth}.logout"),
            "list": url_for(f"{name}View.list"),
            "page_arg": f"page_{name}View",
            "pending": url_for(f"{name}PendingView.list"),
            "district_filter": filter_arg(app, f"{name}PendingView", "enterprise", DistrictIs),
            "text_filter": filter_arg(app, f"{name}View", "enterprise", text_filter(Enterprise)),
            "api_list": url_for(f"{name}Api.get_list"),
            "project_list": url_for("ProjectView.list"),
            "project_api": url_for("ProjectApi.get_list"),
            "enterprise_api": url_for("EnterpriseApi.get_list"),
        }


def add_slots(app: Flask, session: Session, templates: Templates, count: int) -> list[dict[str, Any]]:
    """``count`` slots, one per simulated user at most: a record in review (with evidence) and an
    approved record of one enterprise, the enterprise's login and the login that reviews it."""
    pack: Pack = app.extensions["criteria_pack"]
    kind, pdf = templates.kind, evidence_pdf()
    content_hash, _ = store(evidence_store(app.config), pdf)
    users = session.query(AppUser).order_by(AppUser.username).all()
    # Only enterprises with a login of their own: at city scale most have none, and a slot needs
    # its owner to log in. More users than such enterprises take earlier periods of the same ones.
    owned = {user.enterprise_id for user in users if user.enterprise_id is not None}
    companies = [c for c in session.query(Enterprise).order_by(Enterprise.id) if c.id in owned]
    first_item = next(item.code for item in kind.items)
    made = []
    for index in range(count):
        company = companies[index % len(companies)]
        # Earlier periods than the demo's, a new pair of years each time the enterprises run out.
        year = int(demo_data.PERIOD) - 1 - 2 * (index // len(companies))
        waiting = copy_record(templates.in_review, company, str(year))
        done = copy_record(templates.approved, company, str(year - 1))
        session.add_all([waiting, done])
        session.flush()
        attachment = Attachment(
            assessment_id=waiting.id,
            item_code=first_item,
            file_name="压力测试证明材料.pdf",
            content_hash=content_hash,
            size=len(pdf),
            media_type="application/pdf",
        )
        session.add(attachment)
        session.flush()
        made.append((company, waiting, done, attachment))
    session.commit()

    slots = []
    for company, waiting, done, attachment in made:
        for record in (waiting, done):
            verification_code(session, kind, record)
        district = session.get(District, company.district_id)
        with app.test_request_context():
            links = {
                "page": url_for("AssessmentWorkflowView.page", kind_code=kind.code, pk=waiting.id),
                "review": url_for("AssessmentWorkflowView.review", kind_code=kind.code, pk=waiting.id),
                "file": url_for("AssessmentWorkflowView.file", attachment_id=attachment.id, download="1"),
                "report": url_for("ReportView.form", kind_code=kind.code, pk=waiting.id),
                "approved_report": url_for("ReportView.form", kind_code=kind.code, pk=done.id, download="1"),
            }
        slots.append(
            {
                **links,
                "enterprise": company.name,
                "district": district.name,
                "period": waiting.period,
                "item": first_item,
                "owner": owner_of(pack, company, users).username,
                "reviewer": reviewer_of(session, pack, kind, waiting, users).username,
            }
        )
    return slots


def busiest_api(app: Flask, session: Session) -> str:
    """The REST list of the kind with the most records: the heaviest list, what the REST figure
    measures."""
    models = app.extensions["kind_models"]
    kind, _ = busiest_kind(session, list(models))
    with app.test_request_context():
        return url_for(f"{models[kind].assessment.__name__}Api.get_list")


def build(app: Flask, count: int) -> dict[str, Any]:
    """Add the records (one commit; each printed form's verification code is then made once) and
    describe them for the journeys."""
    pack: Pack = app.extensions["criteria_pack"]
    templates = pick_templates(db.session, pack, app.extensions["kind_models"])
    slots = add_slots(app, db.session, templates, count)
    district_users = [u.username for u in db.session.query(AppUser).order_by(AppUser.username) if scope_of(u, pack).kind == "district"]
    return {
        "password": demo_data.DEMO_PASSWORD,
        "kind": templates.kind.code,
        "urls": {**urls(app, templates.model), "busiest_api": busiest_api(app, db.session)},
        "slots": slots,
        "district_users": district_users,
        "list_user": next(
            u.username
            for u in db.session.query(AppUser).order_by(AppUser.id)
            if scope_of(u, pack).kind == "all" and not scope_of(u, pack).is_admin
        ),
    }


def main(argv: list[str]) -> int:
    from app import create_app

    if len(argv) != 2:
        print("用法：python -m loadtest.fixtures TARGETS.json 数量", file=sys.stderr)
        return 2
    target, count = Path(argv[0]), int(argv[1])
    app = create_app()
    with app.app_context():
        data = build(current_app, count)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
