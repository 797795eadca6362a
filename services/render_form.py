"""Rendering an assessment's printed form: its data assembled from the record, its criteria version,
its history and its verification code, then drawn by ``reports.render_form``."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import AppUser, FormVerification, ReviewHistory
from models.assessments import header_values
from models.record_scores import score_record
from reports import FormData, FormItem, FormReview, FormSection, render_form
from reports.values import display
from workflow import dossier
from workflow.header import field_choices
from workflow.people import PERSON_LABELS
from workflow.records import project_choices

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand


def verification_code(session: Session, kind: Kind, record: Any) -> str:
    """The record's code, created once and kept."""
    found = session.query(FormVerification).filter_by(assessment_id=record.id).one_or_none()
    if found is None:
        found = FormVerification(code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)), assessment_id=record.id)
        session.add(found)
        session.commit()
    return found.code


def dossier_sections(session: Session, pack: Pack, kind: Kind, record: Any) -> list[FormSection]:
    """The materials checklist and personnel lists the record shows (as submitted once it is)."""
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
                        p["id_number"],
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


def form_data(session: Session, pack: Pack, kind: Kind, record: Any, code: str | None, verify_url: str | None) -> FormData:
    """What the printed form of ``record`` shows, copied from the record, the criteria and its history."""
    rows = {row.item_code: row for row in record.items}
    items = []
    for item in kind.items:
        row = rows.get(item.code)
        results = list((row.results or {}).values()) if row is not None else []
        assessed = row.assessed_score if row is not None else None
        if results:
            assessed = sum(results) / len(results)
        items.append(
            FormItem(
                item.name,
                item.standard,
                item.max,
                None if row is None or row.not_applicable else row.self_score,
                None if row is None or row.not_applicable else assessed,
                "不涉及" if row is not None and row.not_applicable else (row.opinion or "") if row else "",
            )
        )
    steps = {t.code: t.label for t in kind.workflow.transitions}
    history = (
        session.query(ReviewHistory)
        .filter_by(assessment_id=record.id, item_code=None)
        .order_by(ReviewHistory.created_on, ReviewHistory.id)
        .all()
    )
    users = {u.id: u for u in session.query(AppUser).filter(AppUser.id.in_({h.user_id for h in history}))}
    reviews = [
        FormReview(
            steps.get(h.action, h.action),
            h.opinion or "",
            users[h.user_id].username if h.user_id in users else "",  # as printed since the first release
            h.created_on.date(),
        )
        for h in history
    ]
    values = header_values(session, kind, record)
    total, grade = record.total, record.grade
    if total is None and kind.items:
        preview = score_record(pack, kind, record, "self")
        if preview is not None:
            total, grade = preview.total, f"{preview.grade_label}（自评）"
    return FormData(
        title=kind.name,
        subtitle=pack.name,
        enterprise_name=str(record.enterprise),
        project_name=str(record.project) if record.project_id else None,
        period=record.period or "",
        state_label=kind.state_labels.get(record.state, record.state),
        header_fields=header_lines(session, pack, kind, record, values),
        items=items,
        total=total,
        grade_label=grade,
        reviews=reviews,
        criteria_version=record.criteria_version,
        verification_code=code,
        verify_url=verify_url,
        sections=dossier_sections(session, pack, kind, record),
    )


def header_lines(session: Session, pack: Pack, kind: Kind, record: Any, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as a person reads it): a choice by its label, a project by its name."""
    projects = project_choices(session, kind, record) if kind.has_project_field else {}
    lines = []
    for field in kind.header_fields:
        value = values[field.code]
        labels = field_choices(field, kind, pack) if field.type == "choice" else projects if field.type == "project" else {}
        lines.append((field.label, str(labels[value] if value in labels else display(value))))
    return lines


def file_name(kind: Kind, record: Any, blank: bool = False) -> str:
    return f"{record.enterprise}_{kind.short_name}_{record.period}{'_空白表' if blank else ''}.pdf"


def render_record(session: Session, pack: Pack, kind: Kind, record: Any, blank: bool, base_url: str) -> bytes:
    code = None if blank else verification_code(session, kind, record)
    url = f"{base_url.rstrip('/')}/verify/{code}" if code else None
    data = form_data(session, pack, kind, record, code, url)
    if blank:
        data = FormData(**{**data.__dict__, "state_label": "", "reviews": (), "total": None, "grade_label": None})
    return render_form(data, blank=blank)
