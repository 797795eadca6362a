"""Demo records with the history a real one has: the workflow steps that led each record to its state
(who, when, with an opinion) and, for an enterprise whose checklist result is settled, a sample PDF
for every material and its personnel lists, so a printed demo form reads like a filed one."""

from __future__ import annotations

import datetime
from collections import deque
from typing import Any

from sqlalchemy.orm import Session

from cli.demo_records import has_people, sample_people
from criteria.pack import Kind, Pack
from criteria.rules import Transition
from models import AppUser, Attachment, EnterpriseMaterial, ReviewHistory
from models.assessments import scope_district_of
from models.evidence import pdf_columns, safe_name, store
from models.record_scores import final_states
from reports import render_list
from storage import FileStore
from workflow.dossier import Live, live, snapshot

START = datetime.datetime(2026, 3, 2, 9, 30)  # the demo year's first filing
OPINIONS = {
    "fill": "已按考核标准逐项填报，所附材料真实有效，提交审核。",
    "pass": "经审核，资料齐全，符合考核标准要求，同意。",
    "return": "部分资料不全，请按审核意见补充后重新提交。",
    "rate": "经审核，按考核标准评定等次。",
}


def path_to(kind: Kind, state: str) -> list[tuple[Transition, str]]:
    """The fewest workflow steps (each with the state it leads to) from the initial state to
    ``state``; none when it is the initial one. A rating may also lead to the rectification state."""
    paths: dict[str, list[tuple[Transition, str]]] = {kind.workflow.initial: []}
    queue = deque([kind.workflow.initial])
    while queue:
        current = queue.popleft()
        for step in kind.workflow.transitions:
            if current not in step.from_states:
                continue
            rounds = kind.rectification.state if step.rates and kind.rectification and kind.rectification.state else None
            for target in (step.to, rounds):
                if target and target not in paths:
                    paths[target] = [*paths[current], (step, target)]
                    queue.append(target)
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
    for number, (step, target) in enumerate(steps):
        user = _actor(pack, step, record, district_id, users)
        when += datetime.timedelta(days=3 + number, hours=number % 3)
        history = ReviewHistory(
            assessment_id=record.id, action=step.code, from_state=state, to_state=target, opinion=_opinion(kind, step), created_on=when
        )
        history.user_id = user.id if user is not None else None
        session.add(history)
        state = target
    return len(steps)


def sample_file(files: FileStore, name: str, record: Any, offset: int) -> dict[str, Any]:
    """A one-page PDF standing in for a scan named ``name``, stored under its hash; returns the
    columns of the row that names it, uploaded the day before the record was submitted."""
    data = render_list(
        f"{name}（演示材料）", ["企业", "考核年度", "说明"], [[str(record.enterprise), record.period, "演示数据：代替企业上传的扫描件"]]
    )
    store(files, data)
    uploaded = START + datetime.timedelta(days=offset, hours=-1)
    return {"created_on": uploaded, **pdf_columns(data, safe_name(f"{name}.pdf"))}


def add_dossiers(session: Session, pack: Pack, records: list[tuple[Kind, Any]], files: FileStore) -> int:
    """The checklist a settled record was submitted with: a sample PDF for each material and a person
    with a valid certificate on each list, kept in the record's ``dossier`` as submission keeps it.
    The rows are stored only where no record of the enterprise's period is still open; otherwise
    they stand in the snapshot alone, so a record being filled keeps its own empty checklist.
    Returns the files added."""
    open_ones = {(r.enterprise_id, r.period) for kind, r in records if pack.dossier_kind(kind) and r.state not in final_states(kind)}
    added = 0
    for offset, (kind, record) in enumerate(records):
        checklist = pack.dossier_kind(kind)
        if checklist is None or record.state not in final_states(kind) or record.dossier:
            continue
        filed = {"enterprise_id": record.enterprise_id, "period": record.period}
        have = {row.material_code for row in session.query(EnterpriseMaterial).filter_by(**filed)}
        materials = []
        for material in checklist.materials:
            if material.code in have or material.rectification:
                continue
            columns = sample_file(files, material.for_period(record.period).name, record, offset)
            materials.append(EnterpriseMaterial(**filed, material_code=material.code, **columns))
        people = (
            [] if has_people(session, record.enterprise_id) else sample_people(pack, record.enterprise_id, datetime.date.today(), False)
        )
        if (record.enterprise_id, record.period) in open_ones:
            stored = live(session, pack, record)
            found = Live({**stored.materials, **_by(materials, "material_code")}, {**stored.people, **_by(people, "list_code")})
            record.dossier = snapshot(session, pack, kind, record, found)
        else:
            session.add_all([*materials, *people])
            session.flush()
            record.dossier = snapshot(session, pack, kind, record)
        added += len(materials)
    return added


def add_record_files(session: Session, records: list[tuple[Kind, Any]], files: FileStore) -> int:
    """A sample PDF for each required file about a settled record (the signed, scanned form), which
    its submission could not have gone without; returns the files added."""
    added = 0
    for offset, (kind, record) in enumerate(records):
        if record.state not in final_states(kind):
            continue
        for entry in kind.record_evidence:
            if not entry.required:
                continue
            columns = sample_file(files, entry.name, record, offset)
            session.add(Attachment(assessment_id=record.id, item_code=f"record:{entry.code}", **columns))
            added += 1
    return added


def _by(rows: list[Any], key: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped
