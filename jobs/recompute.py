"""Recomputing a period's final grades as a job (after the 考核年度 page's preview)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models import Job
from services import periods


def run(job: Job, folder: Path, progress: Any) -> Any:
    from jobs.runner import Outcome

    period = job.params["period"]
    changed = periods.apply_recompute(period, job.params["shown"], lambda done, total: progress(done, f"第 {done} 家企业", total))
    return Outcome(f"{period} 年度重算完成：{len(changed)} 项最终等次的等次或得分已更新。")
