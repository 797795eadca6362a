"""The database side of the workflow: facts of a stored assessment, and the changes a step makes.

Every function works in the caller's session and leaves committing to it, so a transition, its
item changes and its history rows land in one transaction or not at all.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import Attachment, Project, ReviewHistory
from models.record_scores import final_states, settle
from workflow import dossier
from workflow.deadlines import deadline_zh, rectification_due
from workflow.rules import Actor, Facts, destination, item_meaning, opens_round, status_for


def actor_of(user: Any, pack: Pack) -> Actor:
    roles = frozenset(r.code for r in (pack.role_by_label(role.name) for role in user.roles) if r is not None)
    return Actor(user_id=user.id, roles=roles, enterprise_id=getattr(user, "enterprise_id", None))


RECORD_EVIDENCE = "record:"  # item_code prefix of a file about the whole record (kind.record_evidence)


def project_choices(session: Session, kind: Kind, record: Any) -> dict[str, str]:
    """What a project header field of the record may hold: the 施工许可证号 of each project its
    enterprise has registered (shown with the project's name), and the value it holds now (an entry
    filed before the field was a picker keeps the name it was given)."""
    rows = session.query(Project.permit_no, Project.name).filter(Project.enterprise_id == record.enterprise_id).order_by(Project.name)
    found = {permit_no: f"{name}（{permit_no}）" for permit_no, name in rows}
    for field in kind.header_fields:
        held = getattr(record, field.code, None) if field.type == "project" else None
        if held and held not in found:
            found[held] = f"{held}（原填写，未对应已登记的项目）"
    return found


def record_evidence_key(code: str) -> str:
    """The Attachment.item_code of a record-level evidence entry of the kind."""
    return f"{RECORD_EVIDENCE}{code}"


def evidence_of(session: Session, kind: Kind, record: Any) -> dict[str, list[Attachment]]:
    """Uploaded files of the record, by item code ('' for the whole record, 'record:<code>' for
    the kind's record-level evidence)."""
    found: dict[str, list[Attachment]] = {}
    rows = session.query(Attachment).filter_by(assessment_id=record.id).order_by(Attachment.id)
    for row in rows:
        found.setdefault(row.item_code or "", []).append(row)
    return found


def missing_parts(kind: Kind, record: Any, evidence: dict[str, list[Attachment]]) -> list[str]:
    """What 'complete' still lacks: required header fields, record-level files, item scores, evidence."""
    # A field of the record's version that the database no longer has (dropped by a later revision)
    # cannot be filled in, so it cannot be missing either.
    missing = [
        f.label for f in kind.header_fields if f.required and hasattr(type(record), f.code) and getattr(record, f.code) in (None, "")
    ]
    missing += [entry.name for entry in kind.record_evidence if entry.required and not evidence.get(record_evidence_key(entry.code))]
    rows = {row.item_code: row for row in record.items}
    for item in kind.items:
        row = rows.get(item.code)
        if row is None or row.not_applicable:
            continue
        if not kind.scoring.entered(kind.scoring.stored_entry(item, row)):
            missing.append(f"{item.name}的{kind.scoring.entry_label}")
        if item.evidence and not evidence.get(item.code):
            missing.append(f"{item.name}的证明材料（{'、'.join(item.evidence)}）")
    return missing


def facts_of(
    session: Session,
    kind: Kind,
    record: Any,
    pack: Pack | None = None,
    evidence: dict[str, list[Attachment]] | None = None,
    live: dossier.Live | None = None,
) -> Facts:
    """The record's facts; with ``pack``, 'complete' also covers the materials and personnel lists.
    ``evidence`` and ``live``: what a page already read for the record."""
    evidence = evidence if evidence is not None else evidence_of(session, kind, record)
    missing = missing_parts(kind, record, evidence)
    if pack is not None:
        missing += dossier.missing(session, pack, kind, record, live)
    return Facts(
        state=record.state,
        enterprise_id=record.enterprise_id,
        created_by=record.created_by_fk,
        city_reviewed=bool(record.district.city_reviewed),  # the district it is scoped by routes its review
        missing=tuple(missing),
        # a 不涉及 item is not reviewed, unless the filler marked it so after it was passed
        item_meanings=tuple(
            item_meaning(kind, row.review_status) for row in record.items if not row.not_applicable or row.changed_since_review
        ),
    )


def history(
    session: Session,
    kind: Kind,
    record: Any,
    actor: Actor,
    action: str,
    to_state: str,
    opinion: str | None = None,
    item_code: str | None = None,
    from_state: str | None = None,
    row: Any = None,
) -> None:
    """One history row; ``row``: the item a decision was taken on (its scores are kept with it)."""
    scores = {}
    if row is not None:
        scores = {"self_score": row.self_score, "assessed_score": row.assessed_score, "score_decision": row.score_decision}
    session.add(
        ReviewHistory(
            assessment_id=record.id,
            item_code=item_code,
            action=action,
            from_state=from_state,
            to_state=to_state,
            opinion=opinion or None,
            user_id=actor.user_id,
            **scores,
        )
    )


def apply_transition(
    session: Session, pack: Pack, kind: Kind, record: Any, transition: dict[str, Any], actor: Actor, opinion: str, rating: str | None = None
) -> None:
    """Move the record and write the history row (the caller commits). A final state fixes the
    record's total and grade from the reviewed scores; a rating sets the record's band (and a
    rating in the rectification bands, or a return that opens one, starts a 整改 round with its
    deadline); leaving a state the filler could change keeps the materials and personnel lists
    as they were submitted."""
    before = record.state
    if dossier.can_change(kind, before):
        record.dossier = dossier.snapshot(session, pack, kind, record)
    record.state = destination(kind, transition, rating)
    notes = []
    if transition.rates:
        record.rating = rating
        record.grade = pack.band_labels(kind).get(rating, rating)
        notes.append(f"评定结果：{record.grade}")
    if opens_round(kind, transition, rating):
        now = datetime.datetime.now()
        record.rectification_opened = now
        record.rectification_due = rectification_due(kind.rectification, now.date())
        notes.append(f"整改期限：{deadline_zh(record.rectification_due)}（{kind.rectification.working_days} 个工作日）")
    if notes:
        opinion = "；".join(notes) + (f"。{opinion}" if opinion else "")
    if record.state in final_states(kind) and kind.items:
        settle(pack, kind, record)
    if transition.reopens_rejected_items:
        pending = status_for(kind, "pending")
        for row in record.items:
            if item_meaning(kind, row.review_status) == "reject":
                row.review_status = pending
    history(session, kind, record, actor, transition.code, record.state, opinion, from_state=before)


ACCEPT, OVERRIDE = "accept", "override"  # the score decision: √ takes the claim, × sets the reviewer's own


def decide_item(
    session: Session, kind: Kind, record: Any, row: Any, actor: Actor, passed: bool, assessed: Decimal | None, opinion: str
) -> None:
    """A reviewer's two decisions on one item (RULES §3.6): the score (√ when ``assessed`` is None: the
    self score stands; × otherwise: the reviewer's score stands) and the item's status (通过 when
    ``passed``, else 驳回)."""
    row.score_decision = ACCEPT if assessed is None else OVERRIDE
    row.assessed_score = row.self_score if assessed is None else assessed
    row.review_status = status_for(kind, "pass" if passed else "reject")
    row.opinion = opinion or None
    row.changed_since_review = False
    action = "item_pass" if passed else "item_reject"
    history(session, kind, record, actor, action, record.state, opinion, item_code=row.item_code, row=row)


def filled(row: Any) -> tuple[Any, ...]:
    """What the filler entered on an item row: 不涉及, the self score, the sub-table results."""
    return (bool(row.not_applicable), row.self_score, row.results)


def reopen_if_changed(kind: Kind, row: Any, before: tuple[Any, ...]) -> bool:
    """An item the filler changed after it was passed goes back to 待审核, marked as changed: the
    reviewer's acceptance covered what was there, not what is there now."""
    if before == filled(row) or item_meaning(kind, row.review_status) != "pass":
        return False
    row.review_status = status_for(kind, "pending")
    row.changed_since_review = True
    return True
