"""Importing a registry file (CSV, XLSX or JSON) uploaded in the browser, as a job; the rows a file
rejects come back as a CSV to download. Re-running an import changes nothing that is already in."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from flask import current_app

from models import Job, db
from registry import open_registry
from registry.importer import import_rows
from services.errors import Invalid
from storage import job_store

REJECTIONS = "未导入的行.csv"


def run(job: Job, folder: Path, progress: Any) -> Any:
    from jobs.runner import Outcome

    source_file = folder / Path(job.params["file_name"]).name
    stream = job_store(current_app.config).open(job.params["file_key"])
    if stream is None:
        raise Invalid("找不到上传的文件，请重新上传")
    with stream, source_file.open("wb") as copy:
        shutil.copyfileobj(stream, copy, 1 << 20)
    source = open_registry(source_file)
    progress.start(source.total or 0)
    report = import_rows(db.session, current_app.extensions["criteria_pack"], source, lambda done: progress(done, f"第 {done} 行"))
    lines = [report.summary()]
    if report.enterprises_created or report.enterprises_renamed:
        lines.append(f"企业：新建 {report.enterprises_created}，更新名称 {report.enterprises_renamed}")
    if not report.rejections:
        return Outcome("\n".join(lines))
    target = folder / "rejections.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["行号", "字段", "原因"])
        writer.writerows([r.row, r.field, r.reason] for r in report.rejections)
    lines.append(f"{len(report.rejections)} 行未导入，原因见下载的“{REJECTIONS}”")
    return Outcome("\n".join(lines), target, REJECTIONS)
