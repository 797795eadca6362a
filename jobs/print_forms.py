"""Printing every form of a kind, district and period: into one ZIP as a job (the 任务 page), or into a
folder from the command line (``flask report batch``); one loop serves both."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from models import AppUser, District, Job, db
from models.criteria_versions import kind_for, pack_for
from models.scope import NOBODY, UserScope, scope_clause, scope_of
from reports.memory import steady_memory
from services.errors import Invalid
from services.form_signing import configured_signer
from services.render_form import file_name, render_record

FAILURES = "未能生成的考核表.txt"


def printed(record: Any, blank: bool = False) -> bytes:
    """The record's form as the web prints it: QR codes to PUBLIC_BASE_URL, settled forms signed."""
    config, kind, running = current_app.config, kind_for(record), current_app.extensions["criteria_pack"]
    return render_record(db.session, pack_for(record), kind, record, blank, config["PUBLIC_BASE_URL"], configured_signer(config), running)


def record_ids(kind_code: str, period: str, district_id: int | None, scope: UserScope) -> list[int]:
    """The records of the kind and period (in one district, or all) that ``scope`` reaches."""
    model = current_app.extensions["kind_models"][kind_code].assessment
    query = select(model.id).where(model.period == period).order_by(model.id)
    if district_id is not None:
        query = query.where(model.district_id == district_id)
    clause = scope_clause(model, scope)
    if clause is not None:
        query = query.where(clause)
    return list(db.session.scalars(query))


def print_each(kind_code: str, ids: Sequence[int], write: Callable[[str, bytes], None], progress: Callable[[int, str], None]) -> list[str]:
    """Render each record's form and ``write(name, pdf)`` it; a record that fails is reported and the
    rest go on. Returns the failures."""
    model = current_app.extensions["kind_models"][kind_code].assessment
    kind = current_app.extensions["criteria_pack"].kinds[kind_code]
    failures: list[str] = []
    with steady_memory() as after_form:
        for done, pk in enumerate(ids, 1):
            label = f"第 {pk} 号记录"
            try:
                record = db.session.get(model, pk)
                label = f"{record.enterprise}（第 {pk} 号）"
                write(f"{pk:06d}_{file_name(kind, record)}".replace("/", "_"), printed(record))
            except Exception as exc:  # one bad record must not stop the batch
                db.session.rollback()
                failures.append(f"{label}：{exc}")
            finally:
                db.session.expunge_all()  # keep memory flat over thousands of records
                after_form()
            progress(done, label)
    return failures


def scope_of_starter(job: Job) -> UserScope:
    starter = db.session.get(AppUser, job.started_by) if job.started_by else None
    return scope_of(starter, current_app.extensions["criteria_pack"]) if starter else NOBODY


def title(kind_code: str, period: str, district_id: int | None) -> str:
    kind = current_app.extensions["criteria_pack"].kinds[kind_code]
    district = db.session.get(District, district_id) if district_id else None
    return f"打印 {period} 年度{district.name if district else '全部辖区'}的{kind.name}表"


def run(job: Job, folder: Path, progress: Any) -> Any:
    from jobs.runner import Outcome

    params, title = dict(job.params), job.title  # read now: printing detaches the session's objects
    if params["kind"] not in current_app.extensions["criteria_pack"].kinds:
        raise Invalid("考核标准修订后已没有该考核类别，未打印")
    ids = record_ids(params["kind"], params["period"], params.get("district_id"), scope_of_starter(job))
    progress.start(len(ids))
    target = folder / "forms.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        failures = print_each(params["kind"], ids, archive.writestr, progress)
        if failures:
            archive.writestr(FAILURES, "\n".join(failures) + "\n")
    message = f"已生成 {len(ids) - len(failures)} 份考核表"
    if failures:
        message += f"，{len(failures)} 份未能生成（见压缩包中的“{FAILURES}”）"
    if not ids:
        message = "没有符合条件的考核记录，未生成考核表"
    return Outcome(message, target, f"{title}.zip")
