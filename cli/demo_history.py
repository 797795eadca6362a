"""Demo records with the history a real one has: the workflow steps that led each record to its state
(who, when, with an opinion) and, for an enterprise whose checklist result is settled, a sample PDF
for every material and its personnel lists, so a printed demo form reads like a filed one."""

from __future__ import annotations

import datetime
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cli.demo_records import has_people, sample_people
from criteria.pack import Kind, Pack
from criteria.rules import Transition
from models import AppUser, EnterpriseMaterial, ReviewHistory
from models.assessments import scope_district_of
from models.evidence import pdf_columns, safe_name, store
from models.record_scores import final_states
from reports import render_list
from workflow.dossier import snapshot

START = datetime.datetime(2026, 3, 2, 9, 30)  # the demo year's first filing
OPINIONS = {
    "fill": "已按考核标准逐项自查，所附材料真实有效，申请审核。",
    "pass": "经审核，资料齐全，符合考核标准要求，同意。",
    "return": "部分资料不全，请按审核意见补充后重新提交。",
    "rate": "经审核，按考核标准评定等次。",
}


def path_to(kind: Kind, state: str) -> list[Transition]:
    """The fewest workflow steps from the initial state to ``state`` (none when it is the initial one)."""
    paths: dict[str, list[Transition]] = {kind.workflow.initial: []}
    queue = deque([kind.workflow.initial])
    while queue:
        current = queue.popleft()
        for step in kind.workflow.transitions:
            if current in step.from_states and step.to not in paths:
                paths[step.to] = [*paths[current], step]
                queue.append(step.to)
    return paths.get(state, [])


def _actor(pack: Pack, step: Transition, record: Any, district_id: int | None, users: list[AppUser]) -> AppUser | None:
    """A demo login that may take ``step`` on ``record``: its enterprise's, its district's or the city's."""
    for code in step.roles:
        role = pack.role(code)
        for user in users:
            if not any(r.name == role.label for r in user.roles):
                continue
            if role.scope == "enterprise" and user.enterprise_id != record.enterprise_id:
                continue
            if role.scope == "district" and district_id not in {d.id for d in user.districts}:
                continue
            return user
    return None


def _opinion(kind: Kind, step: Transition) -> str:
    if step.rates:
        return OPINIONS["rate"]
    if kind.state_flag(step.to, "editable"):
        return OPINIONS["return"]
    return OPINIONS["fill"] if kind.filled_by in step.roles else OPINIONS["pass"]


def add_history(session: Session, pack: Pack, kind: Kind, record: Any, users: list[AppUser], offset: int) -> int:
    """The steps that led ``record`` to its state, a few days apart; returns how many were added."""
    if session.query(ReviewHistory).filter_by(assessment_id=record.id).first() is not None:
        return 0
    district_id = scope_district_of(session, record)
    state, when = kind.workflow.initial, START + datetime.timedelta(days=offset)
    steps = path_to(kind, record.state)
    for number, step in enumerate(steps):
        user = _actor(pack, step, record, district_id, users)
        when += datetime.timedelta(days=3 + number, hours=number % 3)
        history = ReviewHistory(
            assessment_id=record.id, action=step.code, from_state=state, to_state=step.to, opinion=_opinion(kind, step), created_on=when
        )
        history.user_id = user.id if user is not None else None
        session.add(history)
        state = step.to
    return len(steps)


def sample_material(name: str, enterprise: str, period: str) -> bytes:
    """A one-page PDF standing in for a scanned material."""
    return render_list(f"{name}（演示材料）", ["企业", "考核年度", "说明"], [[enterprise, period, "演示数据：代替企业上传的扫描件"]])


def add_dossiers(session: Session, pack: Pack, records: list[tuple[Kind, Any]], evidence_dir: Path) -> int:
    """The checklist a settled record was submitted with: a sample PDF for each material and a person
    with a valid certificate on each list, kept in the record's ``dossier`` as submission keeps it.
    The rows stay only where no record of the enterprise's period is still open, so a record being
    filled keeps its own empty checklist. Returns the files added."""
    open_ones = {(r.enterprise_id, r.period) for kind, r in records if pack.dossier_kind(kind) and r.state not in final_states(kind)}
    added = 0
    for kind, record in records:
        checklist = pack.dossier_kind(kind)
        if checklist is None or record.state not in final_states(kind) or record.dossier:
            continue
        filed = {"enterprise_id": record.enterprise_id, "period": record.period}
        have = {row.material_code for row in session.query(EnterpriseMaterial).filter_by(**filed)}
        rows: list[Any] = []
        for material in checklist.materials:
            if material.code in have or material.rectification:
                continue
            name = material.for_period(record.period).name
            data = sample_material(name, str(record.enterprise), record.period)
            store(evidence_dir, data)
            rows.append(EnterpriseMaterial(**filed, material_code=material.code, **pdf_columns(data, safe_name(f"{name}.pdf"))))
        if not has_people(session, record.enterprise_id):
            rows += sample_people(pack, record.enterprise_id, datetime.date.today(), one_expired=False)
        session.add_all(rows)
        session.flush()
        record.dossier = snapshot(session, pack, kind, record)
        if (record.enterprise_id, record.period) in open_ones:
            for row in rows:
                session.delete(row)
        added += sum(isinstance(row, EnterpriseMaterial) for row in rows)
    return added
