"""Exporting a long list (CSV, Excel or PDF) as a job: the screens supply the exporter
(``app.extensions["list_export"]``, views.export_job), which reads the list as its starter saw it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from models import Job


def run(job: Job, folder: Path, progress: Any) -> Any:
    from jobs.runner import Outcome

    params = job.params
    export = current_app.extensions["list_export"]
    target, name, count = export(params["view"], params["args"], job.started_by, params["format"], folder, progress)
    return Outcome(f"已导出 {count} 行", target, name)
