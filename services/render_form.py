"""Rendering an assessment's printed form: its data assembled from the record, its criteria version,
its history and its verification code, then drawn by ``reports.render_form``."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import AppUser, ReviewHistory
from models.record_scores import final_states, score_record
from reports import FormData, FormReview, FormSection, render_form
from reports.signing import FormSigner
from reports.values import masked_id_number, total_text
from services import form_layout as layout
from services.form_identity import issued
from services.form_signing import form_keywords
from workflow import dossier
from workflow.people import PERSON_LABELS


def dossier_sections(session: Session, pack: Pack, kind: Kind, record: Any, id_numbers: str = "masked") -> list[FormSection]:
    """The materials checklist and personnel lists the record shows (as submitted once it is);
    身份证号 masked unless ``id_numbers`` is ``full``."""
    if pack.dossier_kind(kind) is None:
        return []
    shown, _ = dossier.shown(session, pack, kind, record, datetime.date.today())
    materials = dossier.shown_materials(pack, kind, record)
    sections = [
        FormSection(
            "申报材料",
            ("序号", "材料名称", "已上传文件（PDF）"),
            [
                (str(number), material.name, "；".join(f["name"] for f in shown["materials"].get(material.code, [])) or "未上传")
                for number, material in enumerate(materials, start=1)
            ],
            (1, 8, 9),
        )
    ]
    for entry in pack.personnel_lists:
        people = shown.get("personnel", {}).get(entry.code, [])
        sections.append(
            FormSection(
                f"{entry.name}（{entry.certificate}）",
                (
                    PERSON_LABELS["name"],
                    PERSON_LABELS["id_number"],
                    entry.position_label,
                    PERSON_LABELS["certificate_no"],
                    PERSON_LABELS["certificate_valid_until"],
                ),
                [
                    (
                        p["name"],
                        p["id_number"] if id_numbers == "full" else masked_id_number(p["id_number"]),
                        p["role"],
                        p["certificate_no"],
                        p["valid_until"] + ("（已过期）" if p.get("expired") else ""),
                    )
                    for p in people
                ],
                (3, 6, 3, 6, 4),
            )
        )
    return sections


def form_data(
    session: Session,
    pack: Pack,
    kind: Kind,
    record: Any,
    code: str | None,
    verify_url: str | None,
    id_numbers: str = "masked",
    blank: bool = False,
) -> FormData:
    """What the printed form of ``record`` shows, copied from the record, the criteria and its history,
    laid out as the kind's ``print`` block says."""
    steps = {t.code: t.label for t in kind.workflow.transitions}
    history = (
        session.query(ReviewHistory)
        .filter_by(assessment_id=record.id, item_code=None)
        .order_by(ReviewHistory.created_on, ReviewHistory.id)
        .all()
    )
    users = {u.id: u for u in session.query(AppUser).filter(AppUser.id.in_({h.user_id for h in history}))}
    reviews = [
        FormReview(steps.get(h.action, h.action), h.opinion or "", signed_by(users.get(h.user_id)), h.created_on.date()) for h in history
    ]
    total, grade = record.total, record.grade
    if total is None and kind.items:
        preview = score_record(pack, kind, record, "self")
        if preview is not None:
            total, grade = preview.total, f"{preview.grade_label}（{'自评' if filled_by_enterprise(pack, kind) else '未审核'}）"
    score = layout.scored(pack, kind, record)
    working_title, working = layout.working(kind, score)
    title, subtitle = layout.title(pack, kind)
    sections = dossier_sections(session, pack, kind, record, id_numbers) if kind.printing.dossier else []
    return FormData(
        title=title,
        subtitle=subtitle,
        enterprise_name=str(record.enterprise),
        header_fields=layout.header_lines(session, pack, kind, record, blank, id_numbers),
        items=layout.item_rows(kind, record, score),
        columns=layout.columns(kind),
        graded=bool(kind.items) or kind.rated,
        total=total_text(total) or None,  # with the places the guide rounds to: 80.00, not 80
        grade_label=grade,
        working_title=working_title,
        working=working,
        reviews=reviews,
        criteria_version=record.criteria_version,
        verification_code=code,
        verify_url=verify_url,
        signatures=layout.signatures(kind),
        sections=sections,
        appendix=layout.check_sheets(kind) if blank else (),
    )


def filled_by_enterprise(pack: Pack, kind: Kind) -> bool:
    """The kind is filled in by the enterprise itself (its unreviewed result is a 自评)."""
    return any(role.code == kind.filled_by and role.scope == "enterprise" for role in pack.roles)


def signed_by(user: AppUser | None) -> str:
    """Who acted, as a reader of the form knows them: the person's name and authority
    (王某（某某区 区县主管部门）); an enterprise's own login by its name alone."""
    if user is None:
        return ""
    authority = "、".join(role.name for role in user.roles if role.name != "Public")
    if user.enterprise_id or not authority:
        return user.get_full_name()
    districts = "、".join(d.name for d in user.districts)
    return f"{user.get_full_name()}（{districts + ' ' if districts else ''}{authority}）"


def file_name(kind: Kind, record: Any, blank: bool = False) -> str:
    return f"{record.enterprise}_{kind.short_name}_{record.period}{'_空白表' if blank else ''}.pdf"


def settled(kind: Kind, record: Any) -> bool:
    """The record's result stands (no transition leaves its state): its form is an official document."""
    return record.state in final_states(kind)


def record_facts(kind: Kind, record: Any, code: str) -> dict[str, str]:
    """What a signed form states about its record, compared again when a copy is verified."""
    return {
        "code": code,
        "kind": kind.code,
        "state": record.state,
        "total": total_text(record.total),
        "grade": record.grade or "",
        "version": record.criteria_version or "",
    }


def render_record(
    session: Session,
    pack: Pack,
    kind: Kind,
    record: Any,
    blank: bool,
    base_url: str,
    signer: FormSigner | None = None,
    issuing: Pack | None = None,
) -> bytes:
    """The record's form, by the rules of ``pack`` (the guide version the record was filed under).

    A settled record's form carries its verification code (a QR code to ``base_url``/verify), its
    编号 and, with a ``signer``, a PAdES signature; any other prints as 草稿, with no code, number or
    signature, so it can never pass for a result. Who issues the form and how it is numbered is the
    ``issuing`` pack's (the one the platform runs now; ``pack`` when not given), and so is the layout
    of a record whose own version declares none (filed before its guide had one)."""
    issuing = issuing or pack
    kind = layout.laid_out(kind, issuing)
    identity = issued(session, issuing, kind, record) if not blank and settled(kind, record) else None
    code = identity.code if identity else None
    url = f"{base_url.rstrip('/')}/verify/{code}" if code else None
    data = form_data(session, pack, kind, record, code, url, issuing.printing.id_numbers, blank)
    data = replace(data, issuer=issuing.printing.issuer)
    if blank:
        data = replace(data, reviews=(), total=None, grade_label=None)
    elif identity is None:
        data = replace(data, watermark="草稿", printed_on=datetime.date.today())
    else:
        facts = form_keywords(record_facts(kind, record, identity.code))
        data = replace(data, keywords=facts, document_number=identity.number or "", printed_on=datetime.date.today())
    pdf = render_form(data, blank=blank)
    if code is not None and signer is not None:
        pdf = signer.sign(pdf, reason=f"{kind.name}结果（验证码 {code}）", location=pack.name)
    return pdf
