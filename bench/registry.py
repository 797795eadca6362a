"""Registry intake: a CSV export of new projects imported into the data set (a work copy)."""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from flask import Flask

from bench.figures import Figure, at_most
from cli import demo_data
from registry.importer import import_rows
from registry.reader import open_registry


def write_export(path: Path, rows: int, districts: list[str]) -> None:
    """A registry export as the city's system writes it: new projects of existing-looking enterprises."""
    import random

    rng = random.Random(demo_data.SEED + 7)
    enterprises = [(f"导入{demo_data.TRADE_NAMES[i % 30]}{i:04d}建设有限公司", demo_data.credit_code(rng)) for i in range(rows // 5)]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["施工许可证号", "项目名称", "施工单位", "统一社会信用代码", "项目经理", "所在区（市）", "建筑面积"])
        for index in range(rows):
            name, code = enterprises[index % len(enterprises)]
            writer.writerow(
                [
                    f"3702IMP{index:07d}",
                    f"导入项目{index:05d}号楼工程",
                    name,
                    code,
                    demo_data.MANAGERS[index % 10],
                    districts[index % len(districts)],
                    rng.randint(8, 120) * 1000,
                ]
            )


def import_figures(app: Flask, rows: int) -> list[Figure]:
    pack = app.extensions["criteria_pack"]
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        from models import db

        path = Path(folder) / "registry.csv"
        write_export(path, rows, [d.name for d in pack.districts])
        started = time.perf_counter()
        report = import_rows(db.session, pack, open_registry(path))
        seconds = time.perf_counter() - started
    if report.rejections:
        raise RuntimeError(f"导入被拒绝的行：{report.rejections[:3]}")
    return [at_most(f"registry_import_{rows}", seconds, "s", 10 * rows / 10000)]
