"""Compute and store the final grades of a period from the approved records (RULES.md §8).

Reads only records in a final workflow state; scores them with the pure scorers, combines them with
``scoring.final``, applies the active adjustments with ``scoring.adjust`` and upserts one
FinalGradeRecord per grade. Runs in the caller's session: an approval and the grades it changes land
in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from criteria.pack import Kind, Pack
from models import Enterprise, FinalGradeRecord, GradeAdjustment, KindModels, Project
from models.record_scores import final_states, score_record
from scoring import adjust
from scoring.catalogue import DailyEntry
from scoring.final import EnterpriseInput, FinalGrade, ProjectInput, enterprise_grades


def _approved(session: Session, kind: Kind, models: KindModels, period: str, **filters: Any) -> list[Any]:
    model = models.assessment
    return (session.query(model).filter(model.period == period, model.state.in_(final_states(kind)))
            .filter_by(**filters).order_by(model.changed_on, model.id).all())


def _daily_kind(pack: Pack) -> Kind | None:
    return next((k for k in pack.kinds.values() if k.scoring["method"] == "catalogue"), None)


def _daily_entries(kind: Kind, records: list[Any]) -> list[DailyEntry]:
    rules = kind.scoring
    entries = []
    for record in records:
        code = getattr(record, rules["entry_field"])
        if code:
            count = getattr(record, rules["count_field"]) or 1
            project = getattr(record, rules["project_field"]) if rules.get("project_field") else None
            entries.append(DailyEntry(code, int(count), project or None))
    return entries


def enterprise_input(session: Session, pack: Pack, models: dict[str, KindModels], enterprise: Enterprise,
                     period: str) -> EnterpriseInput | None:
    """What the enterprise's final grades are computed from, or None when nothing is approved."""
    specs = pack.final_grades
    results = {}
    for spec in specs:
        source = spec.get("source")
        if not source or spec["subject"] != "enterprise":
            continue
        kind = pack.kinds[source["kind"]]
        approved = _approved(session, kind, models[kind.code], period, enterprise_id=enterprise.id)
        scored = [r for r in (score_record(pack, kind, record) for record in approved) if r is not None]
        if scored:
            results[kind.code] = scored[-1]
    daily_kind = _daily_kind(pack)
    daily = _daily_entries(daily_kind, _approved(session, daily_kind, models[daily_kind.code], period,
                                                 enterprise_id=enterprise.id)) if daily_kind else []
    projects = []
    for spec in specs:
        if spec["subject"] != "project":
            continue
        kind = pack.kinds[spec["source"]["kind"]]
        for project in session.query(Project).filter_by(enterprise_id=enterprise.id).order_by(Project.id):
            scored = [r for r in (score_record(pack, kind, record) for record in
                                  _approved(session, kind, models[kind.code], period, project_id=project.id)) if r]
            if scored:
                own = [e for e in daily if e.project in (project.name, project.permit_no)]
                projects.append(ProjectInput(str(project.id), scored, own))
    if not results and not projects and not daily:
        return None
    return EnterpriseInput(results, projects, daily)


def _store(session: Session, pack: Pack, grade: FinalGrade, enterprise: Enterprise, period: str,
           project: Project | None) -> str | None:
    """Upsert one grade with its adjustments applied; returns a line when the shown grade changed."""
    spec = next(f for f in pack.final_grades if f["code"] == grade.code)
    scale = pack.scales[spec["scale"]]
    project_id = project.id if project else None
    active = (session.query(GradeAdjustment)
              .filter_by(enterprise_id=enterprise.id, project_id=project_id, period=period, final_grade=grade.code)
              .filter(GradeAdjustment.revoked_on.is_(None)).order_by(GradeAdjustment.created_on, GradeAdjustment.id).all())
    band, extra = grade.grade, []
    if band is not None:
        band, extra = adjust.apply(pack.adjustments, scale, band, grade.forced,
                                   [adjust.Adjustment(a.direction, a.reason_code, a.note or "") for a in active])
    label = next((b["label"] for b in scale["bands"] if b["code"] == band), None)
    row = (session.query(FinalGradeRecord)
           .filter_by(period=period, grade_code=grade.code, enterprise_id=enterprise.id, project_id=project_id)
           .one_or_none())
    before = row.label if row else None
    if row is None:
        row = FinalGradeRecord(period=period, grade_code=grade.code, enterprise_id=enterprise.id, project_id=project_id)
        session.add(row)
    row.grade_name = grade.name
    row.district_id = project.district_id if project else enterprise.district_id
    row.is_local = enterprise.is_local
    row.score = grade.score
    row.computed_band, row.computed_label = grade.grade, grade.label
    row.band, row.label, row.forced = band, label, grade.forced
    row.reasons = [*grade.reasons, *extra]
    if before != label:
        subject = f"{enterprise.name}" + (f"／{project.name}" if project else "")
        return f"{subject} {grade.name}：{before or '无'} → {label or '无'}"
    return None


def recompute_enterprise(session: Session, pack: Pack, models: dict[str, KindModels], enterprise: Enterprise,
                         period: str) -> list[str]:
    """Recompute and store every final grade of one enterprise; returns what changed."""
    data = enterprise_input(session, pack, models, enterprise, period)
    if data is None:
        # Row by row (not a bulk DELETE) so each removed grade reaches the audit log.
        for stale in session.query(FinalGradeRecord).filter_by(enterprise_id=enterprise.id, period=period):
            session.delete(stale)
        return []
    graded = enterprise_grades(pack, data)
    changes = [_store(session, pack, grade, enterprise, period, None) for grade in graded.grades.values()]
    for key, grade in graded.projects.items():
        changes.append(_store(session, pack, grade, enterprise, period, session.get(Project, int(key))))
    return [c for c in changes if c]


def recompute(session: Session, pack: Pack, models: dict[str, KindModels], period: str,
              progress: Callable[[int], None] | None = None) -> list[str]:
    """Every enterprise of the period (any record, or an existing grade); commits per 200 enterprises."""
    candidates = {row[0] for row in session.query(FinalGradeRecord.enterprise_id).filter_by(period=period)}
    for models_of_kind in models.values():
        model = models_of_kind.assessment
        candidates |= {row[0] for row in session.query(model.enterprise_id).filter(model.period == period)}
    changes: list[str] = []
    for index, enterprise_id in enumerate(sorted(candidates), 1):
        changes += recompute_enterprise(session, pack, models, session.get(Enterprise, enterprise_id), period)
        if index % 200 == 0:
            session.commit()
        if progress:
            progress(index)
    session.commit()
    return changes


