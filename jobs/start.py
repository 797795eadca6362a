"""Starting jobs: a row first (committed), then its id on the queue. What the starter asks for is
checked here, so a job that starts can run; a click repeated while the same job is still waiting or
running gets that job back instead of a second one."""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from jobs import print_forms
from jobs.queue import enqueue
from models import District, Job, db
from models.jobs import FAILED, QUEUED, RUNNING
from models.periods import OPEN, state_of
from models.scope import UserScope
from registry import RegistryFileError, open_registry
from services import periods
from services.errors import Invalid
from storage import job_store

PERIOD_RE = re.compile(r"[0-9A-Za-z_-]{1,20}")


def start(kind: str, title: str, params: dict[str, Any], user_id: int | None) -> Job:
    """The new job (or the same one already waiting or running for this user)."""
    same = db.session.scalars(
        select(Job).where(Job.kind == kind, Job.started_by == user_id, Job.state.in_((QUEUED, RUNNING))).order_by(Job.id.desc())
    )
    for job in same:
        if job.params == params:
            return job
    job = Job(kind=kind, title=title[:300], params=params, started_by=user_id)
    db.session.add(job)
    db.session.commit()
    try:
        enqueue(current_app.config, job.id)
    except Exception as error:  # the queue's store (Redis, the SQLite file) is unreachable
        job.state, job.message = FAILED, f"任务队列不可用，任务未能开始：{error}"[:2000]
        db.session.commit()
        raise Invalid(f"任务队列暂不可用，“{job.title}”未能开始；请稍后重试或联系管理员") from None
    return job


def start_export(view_name: str, args: list[list[str]], suffix: str, title: str, user_id: int) -> Job:
    """Export a list (as searched: ``args``, the request's query) that is too long for one request."""
    return start("list_export", title, {"view": view_name, "args": args, "format": suffix}, user_id)


def start_print(scope: UserScope, user_id: int, kind_code: str, period: str, district: str) -> Job:
    """Print every form of the kind and period in one district ('' for every district in scope)."""
    pack = current_app.extensions["criteria_pack"]
    errors = {}
    if kind_code not in pack.kinds or (scope.kinds is not None and kind_code not in scope.kinds):
        errors["kind"] = "请选择考核类别"
    if not PERIOD_RE.fullmatch(period or ""):
        errors["period"] = "请选择考核年度"
    district_id = None
    if district:
        found = db.session.scalar(select(District.id).where(District.id == int(district))) if district.isdigit() else None
        if found is None or (scope.kind == "district" and found not in scope.district_ids):
            errors["district"] = "所选辖区不在您的数据范围内"
        district_id = found
    elif scope.kind == "district" and len(scope.district_ids) == 1:
        district_id = next(iter(scope.district_ids))  # 全部 is their one district: say which
    if errors:
        raise Invalid("；".join(errors.values()) + "，未开始打印", errors)
    params = {"kind": kind_code, "period": period, "district_id": district_id}
    return start("print_forms", print_forms.title(kind_code, period, district_id), params, user_id)


def start_recompute(user_id: int, period: str, shown: str) -> Job:
    """Recompute the open period when the changes due are still those its preview showed."""
    period = periods.checked_period(period)
    if state_of(db.session, period) != OPEN:
        raise Invalid(f"{period} 年度已关闭，最终等次已冻结，未重算")
    return start("recompute", f"重算 {period} 年度最终等次", {"period": period, "shown": shown}, user_id)


def start_import(user_id: int, upload: Any) -> Job:
    """Keep the uploaded registry file in the job store (any host's worker reads it) and import it.
    Its format, encoding and columns are checked now: a wrong file is refused before it is kept."""
    name = Path(getattr(upload, "filename", "") or "").name
    if not name:
        raise Invalid("请选择要导入的文件（CSV、XLSX 或 JSON）", {"file": "未选择文件"})
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"upload{suffix}"
        upload.save(local)
        try:
            open_registry(local)
        except RegistryFileError as problem:
            raise Invalid(f"“{name}”未导入：{problem}", {"file": str(problem)}) from None
        key = f"uploads/{secrets.token_hex(8)}/registry{suffix}"
        job_store(current_app.config).put_file(key, local)
    return start("registry_import", f"导入项目登记文件“{name[:100]}”", {"file_key": key, "file_name": f"registry{suffix}"}, user_id)
