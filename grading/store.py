"""Compute and store the final grades of a period from the approved records (RULES.md §8).

Set-based: ``grading.inputs`` loads everything a recompute needs with a fixed number of queries,
however many enterprises it covers; the pure ``scoring.final`` and ``scoring.adjust`` combine it;
only the grade rows that changed are written, in bulk, each with its audit row. Runs in the
caller's session: an approval and the grades it changes land in one transaction.
"""

from __future__ import annotations

import datetime
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from criteria.pack import Pack
from grading import forked as forked_passes
from grading.inputs import READ_ONLY, Loaded, Span, Unsettled, load
from models import Enterprise, FinalGradeRecord, KindModels
from models.audit import write_rows
from models.bulk import insert_rows
from models.periods import frozen
from scoring import adjust
from scoring.final import FinalGrade, enterprise_grades

GRADE_TABLE = FinalGradeRecord.__table__
COMPARED = ("grade_name", "district_id", "is_local", "score", "computed_band", "computed_label", "band", "label", "forced", "reasons")

Key = tuple[str, int, int | None]  # grade code, enterprise id, project id


def _row(loaded: Loaded, grade: FinalGrade, shown: FinalGrade, enterprise_id: int, project_id: int | None, period: str) -> dict[str, Any]:
    """The stored form of one grade: as computed from the records (``grade``), and as shown with the
    active adjustments (``shown``: its band, label and reasons)."""
    enterprise = loaded.enterprises[enterprise_id]
    return {
        "period": period,
        "grade_code": grade.code,
        "enterprise_id": enterprise_id,
        "project_id": project_id,
        "grade_name": grade.name,
        "district_id": loaded.projects_by_id[project_id].district_id if project_id else enterprise.district_id,
        "is_local": enterprise.is_local,
        "score": grade.score,
        "computed_band": grade.grade,
        "computed_label": grade.label,
        "band": shown.grade,
        "label": shown.label,
        "forced": grade.forced,
        "reasons": shown.reasons,
    }


def _computed(pack: Pack, loaded: Loaded, period: str, graded_one: Callable[[int], None] | None) -> dict[Key, dict[str, Any]]:
    """The grade rows of every enterprise ``loaded`` holds inputs for; ``graded_one`` gets each
    enterprise's id when its grades are done."""
    rows: dict[Key, dict[str, Any]] = {}
    own: dict[int, dict[tuple[str | None, str], list[adjust.Adjustment]]] = {}
    for (enterprise_id, project_id, code), active in loaded.adjustments.items():
        own.setdefault(enterprise_id, {})[(None if project_id is None else str(project_id), code)] = active
    for enterprise_id in sorted(loaded.inputs):
        graded = enterprise_grades(pack, loaded.inputs[enterprise_id])
        shown = enterprise_grades(pack, loaded.inputs[enterprise_id], own[enterprise_id]) if enterprise_id in own else graded
        for code, grade in graded.grades.items():
            rows[(code, enterprise_id, None)] = _row(loaded, grade, shown.grades[code], enterprise_id, None, period)
        for key, grade in graded.projects.items():
            rows[(grade.code, enterprise_id, int(key))] = _row(loaded, grade, shown.projects[key], enterprise_id, int(key), period)
        if graded_one:
            graded_one(enterprise_id)
    return rows


def _subject(loaded: Loaded, key: Key) -> str:
    _, enterprise_id, project_id = key
    name = loaded.enterprises[enterprise_id].name
    return f"{name}／{loaded.projects_by_id[project_id].name}" if project_id else name


AUDITED = ("grade_name", "score", "label")  # what the audit log keeps of a new or removed grade row


def _side(row: Any, side: str) -> dict[str, Any]:
    return {k: {side: row[k] if isinstance(row, dict) else getattr(row, k)} for k in AUDITED}


def _changed(before: Any, row: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    old = {f: json.loads(before.reasons) if f == "reasons" and before.reasons else getattr(before, f) for f in fields}
    return {f: {"from": old[f], "to": row[f]} for f in fields}


def _shown(value: Any) -> str:
    return "无" if value in (None, "") else (format(value.normalize(), "f") if isinstance(value, Decimal) else str(value))


def _line(subject: str, name: str, before: Any, row: dict[str, Any] | None) -> str | None:
    """What an official reads of one grade's change: its label, and its score when that moved."""
    label_before, label_after = (before.label if before else None), (row["label"] if row else None)
    score_before, score_after = (before.score if before else None), (row["score"] if row else None)
    score_moved = score_before is not None and score_after is not None and Decimal(score_before) != Decimal(score_after)
    if label_before == label_after and not score_moved:
        return None
    text = f"{subject} {name}：{_shown(label_before)} → {_shown(label_after)}"
    return f"{text}（得分 {_shown(Decimal(score_before))} → {_shown(Decimal(score_after))}）" if score_moved else text


@dataclass
class Diff:
    """What a recompute would write: new rows, changed fields, rows no longer computed, and a line per
    grade whose label or score changes."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    audit: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    stale: list[tuple[Key, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _diff(loaded: Loaded, computed: dict[Key, dict[str, Any]]) -> Diff:
    now = datetime.datetime.now()
    found = Diff()
    for key, row in computed.items():
        before = loaded.stored.get(key)
        if before is None:
            found.inserts.append({**row, "computed_on": now})
        else:
            differ = [
                field for field in COMPARED if getattr(before, field) != (json.dumps(row[field]) if field == "reasons" else row[field])
            ]
            if not differ:
                continue
            version = {"criteria_version_id": row["criteria_version_id"]}
            found.updates.append({**{f: row[f] for f in differ}, **version, "computed_on": now, "_id": before.id})
            found.audit.append(("update", before.id, _changed(before, row, differ)))
        line = _line(_subject(loaded, key), row["grade_name"], before, row)
        if line:
            found.lines.append(line)
    found.stale = [(key, before) for key, before in loaded.stored.items() if key not in computed]
    found.lines += [line for key, before in found.stale if (line := _line(_subject(loaded, key), before.grade_name, before, None))]
    return found


def _write(session: Session, found: Diff) -> list[str]:
    """Insert, update and delete only what changed; returns a line per grade that changed."""
    audit = list(found.audit)
    if found.inserts:
        # Written in bulk (models.bulk), then the new ids read back by their key: RETURNING made
        # the drivers render every row into the statement (PostgreSQL's cold recompute took 4×).
        keyed = {(row["grade_code"], row["enterprise_id"], row["project_id"]): row for row in found.inserts}
        insert_rows(session, GRADE_TABLE, found.inserts)
        table = GRADE_TABLE.c
        enterprises = [key[1] for key in keyed]
        written = select(table.id, table.grade_code, table.enterprise_id, table.project_id).where(
            table.period == found.inserts[0]["period"], table.enterprise_id.between(min(enterprises), max(enterprises))
        )
        for new_id, *key in session.execute(written):
            if tuple(key) in keyed:
                audit.append(("insert", new_id, _side(keyed[tuple(key)], "to")))
    for row in found.updates:  # few on a recompute; executemany needs one shape, so one statement each
        values = {k: v for k, v in row.items() if k != "_id"}
        session.execute(update(GRADE_TABLE).where(GRADE_TABLE.c.id == row["_id"]).values(**values))
    if found.stale:
        session.execute(delete(GRADE_TABLE).where(GRADE_TABLE.c.id.in_([before.id for _, before in found.stale])))
        audit += [("delete", before.id, _side(before, "from")) for _, before in found.stale]
    write_rows(session, GRADE_TABLE.name, audit)
    return found.lines


class PeriodFrozen(Exception):
    """The period is closed: its final grades are not recomputed."""


def _planned(
    session: Session,
    pack: Pack,
    models: dict[str, KindModels],
    period: str,
    enterprise_ids: list[int] | None,
    version_id: int | None,
    span: Span | None = None,
    graded_one: Callable[[int], None] | None = None,
) -> Diff:
    loaded = load(session, pack, models, period, enterprise_ids, span)
    computed = _computed(pack, loaded, period, graded_one)
    for row in computed.values():
        row["criteria_version_id"] = version_id
    return _diff(loaded, computed)


PASS_SIZE = 5000  # enterprises per pass of a full recompute


def _spans(ids: list[int], size: int) -> list[tuple[Span, int]]:
    """Passes of ``size`` enterprises in id order, each with the number of enterprises passed at its
    end: a pass holds the ids from its first to the next pass's first."""
    return [
        (Span(ids[start], ids[start + size] if start + size < len(ids) else ids[-1] + 1), min(start + size, len(ids)))
        for start in range(0, len(ids), size)
    ]


FORK_FROM = 2000  # enterprises from which forked processes plan the passes: below, starting them costs more


def _passes(
    session: Session,
    pack: Pack,
    models: dict[str, KindModels],
    period: str,
    version_id: int | None,
    progress: Callable[[int, int], None] | None,
    processes: int = 1,
    written: Callable[[Diff], object] | None = None,
) -> list[Diff]:
    """The plan of a full recompute, one pass of at most ``PASS_SIZE`` enterprises (in id order) at a
    time: it holds one pass's inputs and the changes found so far, not the whole province's inputs.
    ``progress`` gets the enterprises passed (by their place in id order) and their number;
    ``written``, when given, each pass's plan as soon as it is made.

    With ``processes`` above 1 and ``FORK_FROM`` enterprises or more, the passes are planned in that
    many forked processes (``grading.forked``), each pass at most an even share of the enterprises.
    A child writes nothing: when a pass finds records approved before results were stored (a
    database upgraded from before them), which the recompute scores and stores on the way, the
    whole plan is made again in this process (what ``written`` wrote of it undone first)."""
    ids = session.execute(select(Enterprise.id).order_by(Enterprise.id)).scalars().all()
    if processes > 1 and len(ids) >= FORK_FROM and forked_passes.can_fork(session):
        spans = _spans(ids, min(PASS_SIZE, -(-len(ids) // processes)))

        def plan_one(child: Session, span: Span) -> Diff:
            child.info[READ_ONLY] = True
            return _planned(child, pack, models, period, None, version_id, span)

        try:
            with session.begin_nested() if written else nullcontext():
                forked = forked_passes.planned(session, [span for span, _ in spans], plan_one, processes)
                return _collected(forked, spans, progress, written)
        except Unsettled:
            pass
    place = {enterprise_id: index for index, enterprise_id in enumerate(ids, 1)}
    graded_one = (lambda enterprise_id: progress(place[enterprise_id], len(ids))) if progress else None
    spans = _spans(ids, PASS_SIZE)
    in_process = (_planned(session, pack, models, period, None, version_id, span, graded_one) for span, _ in spans)
    return _collected(in_process, spans, progress, written)


def _collected(
    plans: Iterable[Diff],
    spans: list[tuple[Span, int]],
    progress: Callable[[int, int], None] | None,
    written: Callable[[Diff], object] | None,
) -> list[Diff]:
    """Each pass's plan as it comes, handed to ``written`` and its end reported to ``progress``."""
    found = []
    for plan_of_pass, (_, end) in zip(plans, spans, strict=True):
        found.append(plan_of_pass)
        if written:
            written(plan_of_pass)
        if progress:
            progress(end, spans[-1][1])
    return found


def recompute_enterprise(
    session: Session, pack: Pack, models: dict[str, KindModels], enterprise: Enterprise, period: str, version_id: int | None = None
) -> list[str]:
    """Recompute and store every final grade of one enterprise; returns what changed (caller commits).
    A closed period's grades stay frozen: nothing is recomputed."""
    session.flush()
    if frozen(session, period):
        return []
    return _write(session, _planned(session, pack, models, period, [enterprise.id], version_id))


def plan(
    session: Session,
    pack: Pack,
    models: dict[str, KindModels],
    period: str,
    version_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
    write: bool = False,
) -> list[Diff]:
    """What a full recompute of the period would write, pass by pass; ``progress`` gets the
    enterprises passed and their number. ``processes`` above 1 plans the passes in forked processes,
    which read what is committed: the session must hold no unwritten change.

    Writes nothing, unless ``write``: the plan is then written in the session's transaction, which
    the caller commits (or rolls back), and a closed period raises PeriodFrozen. On PostgreSQL each
    pass is written as soon as it is planned, while the forked processes plan the next ones: a cold
    recompute's writing (a grade row and an audit row for every grade) overlaps its planning. On
    SQLite every pass is planned before the first row is written: a write holds the one write lock
    until the commit, and a job's progress is written on another connection."""
    if write:
        _refuse_frozen(session, period)  # before the plan: a closed period is not read at all
    as_planned = write and session.connection().dialect.name == "postgresql"
    written = (lambda found: _write(session, found)) if as_planned else None
    with _collector_paused():
        plans = _passes(session, pack, models, period, version_id, progress, processes, written)
    if write and not as_planned:
        for found in plans:
            _write(session, found)
    return plans


def lines_of(plans: list[Diff]) -> list[str]:
    """A line per grade whose label or score the plan changes."""
    return [line for found in plans for line in found.lines]


def preview(
    session: Session, pack: Pack, models: dict[str, KindModels], period: str, version_id: int | None = None, processes: int = 1
) -> list[str]:
    """Every grade of the period whose label or score a recompute would change, writing nothing."""
    return lines_of(plan(session, pack, models, period, version_id, processes=processes))


def recompute(
    session: Session,
    pack: Pack,
    models: dict[str, KindModels],
    period: str,
    progress: Callable[[int, int], None] | None = None,
    version_id: int | None = None,
    processes: int = 1,
) -> list[str]:
    """Every final grade of the period, in one transaction; ``progress`` gets the enterprises passed
    and their number; ``processes`` as for ``plan``. PeriodFrozen when the period is closed."""
    plans = plan(session, pack, models, period, version_id, progress, processes, write=True)
    session.commit()
    return lines_of(plans)


def _refuse_frozen(session: Session, period: str) -> None:
    session.flush()
    if frozen(session, period):
        raise PeriodFrozen(f"{period} 年度已关闭，最终等次已冻结，未重算")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A pass of a full recompute holds some ten thousand small objects (rows, results, grade rows)
    that all live until it ends. Python's cycle collector would walk that growing heap again and again,
    freeing nothing: 40 % of a cold recompute at city scale. It runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
