"""City-scale demo data (``demo --scale city``): thousands of enterprises and projects and one period
of approved assessments with their grades, reproducible from a seed and written in bulk.

The counts are topped up to the scale's totals, so the sample data of the plain demo counts towards
them and a second run adds nothing. Every kind of the pack is filled the way its YAML declares:
one approved record per enterprise for the enterprise kinds, ``project_assessments`` spread over the
projects for the project kinds, ``daily_entries`` catalogue entries for the catalogue kind.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from cli import demo_data, demo_records
from cli.grades import advance
from criteria.pack import Kind
from grading import recompute
from models import District, Enterprise, KindModels, Project, assessment_item_table, assessment_table
from models.criteria_versions import Pinned, pinned_values

CHUNK = 2000


@dataclass(frozen=True)
class Scale:
    enterprises: int
    local: int
    projects: int
    project_assessments: int
    daily_entries: int


CITY = Scale(enterprises=6000, local=4000, projects=8000, project_assessments=24000, daily_entries=30000)


def times(scale: Scale, factor: float) -> Scale:
    return Scale(*(int(getattr(scale, name) * factor) for name in Scale.__dataclass_fields__))


# city: Qingdao's size; quick: a tenth; city3 and city10: three and ten times (city10 is about a
# province such as Shandong)
SCALES = {"city": CITY, "quick": times(CITY, 0.1), "city3": times(CITY, 3), "city10": times(CITY, 10)}


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, table: Any, rows: list[dict[str, Any]], label: str) -> list[int]:
    """Insert in chunks with a progress bar; returns the new ids in the order of ``rows``."""
    ids: list[int] = []
    if not rows:
        return ids
    with click.progressbar(length=len(rows), label=f"  {label}", show_pos=True) as bar:
        for chunk in _chunks(rows):
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids += session.execute(statement, chunk).scalars().all()
            bar.update(len(chunk))
    return ids


def _count(session: Session, column: Any, *where: Any) -> int:
    return session.execute(select(func.count(column)).where(*where)).scalar_one()


def _enterprises(session: Session, scale: Scale, rng: random.Random, districts: list[int]) -> list[int]:
    existing = _count(session, Enterprise.id)
    local_existing = _count(session, Enterprise.id, Enterprise.is_local.is_(True))
    codes = set(session.execute(select(Enterprise.credit_code)).scalars())
    rows = []
    for index in range(existing, scale.enterprises):
        local = index - existing < scale.local - local_existing
        code = demo_data.credit_code(rng)
        while code in codes:
            code = demo_data.credit_code(rng)
        codes.add(code)
        trade = demo_data.TRADE_NAMES[index % len(demo_data.TRADE_NAMES)]
        origin = "青岛" if local else demo_data.OUT_OF_TOWN[index % len(demo_data.OUT_OF_TOWN)]
        rows.append(
            {
                "name": f"{origin}{trade}{index + 1:04d}建设有限公司",
                "credit_code": code,
                "district_id": districts[index % len(districts)],
                "is_local": local,
                "licence_no": f"（鲁）JZ安许证字[2024]{30000 + index:06d}",
                "contact_person": "安全科",
                "contact_phone": "0532-88886666",
            }
        )
    _insert(session, Enterprise.__table__, rows, "企业")
    return list(session.execute(select(Enterprise.id).order_by(Enterprise.id)).scalars())


def _projects(
    session: Session, scale: Scale, rng: random.Random, districts: list[int], enterprises: list[int]
) -> list[tuple[int, int, str]]:
    existing = _count(session, Project.id)
    owners = dict(session.execute(select(Enterprise.id, Enterprise.district_id)).all())
    rows = []
    for index in range(existing, scale.projects):
        owner = enterprises[index % len(enterprises)] if index < len(enterprises) else rng.choice(enterprises)
        district = owners[owner] if rng.random() < 0.7 else rng.choice(districts)
        kind = demo_data.PROJECT_TYPES[index % len(demo_data.PROJECT_TYPES)]
        rows.append(
            {
                "name": f"城区{index + 1:05d}号{kind}工程",
                "permit_no": f"370200{index:06d}2026C",
                "enterprise_id": owner,
                "district_id": district,
                "project_manager": demo_data.MANAGERS[index % len(demo_data.MANAGERS)],
                "building_area": Decimal(rng.randint(8, 120) * 1000),
            }
        )
    _insert(session, Project.__table__, rows, "项目")
    return list(session.execute(select(Project.id, Project.enterprise_id, Project.permit_no).order_by(Project.id)).all())


def _records(
    session: Session,
    version: Pinned,
    kind: Kind,
    models: KindModels,
    subjects: list[dict[str, Any]],
    rng: random.Random,
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> int:
    """Approved records of ``kind`` for ``subjects`` (enterprise_id / project_id), with item rows."""
    state = demo_records.final_state(kind)
    records, item_rows = [], []
    for subject in subjects:
        items = demo_records.items(kind, rng, reviewed=True)
        result = demo_records.score_rows(version.pack, kind, items)
        record = {
            "period": demo_data.PERIOD,
            "state": state,
            **pinned_values(version, kind),
            "project_id": None,
            **subject,
            **demo_records.header(kind, version.pack, rng),
            "total": result.total if result else None,
            "grade": result.grade_label if result else None,
            "result": result.summary() if result else None,
            **demo_records.verdict(version.pack, kind, state, datetime.datetime(2026, 3, 1, 9, 0)),
        }
        if extra:
            record.update(extra(record))
        records.append(record)
        item_rows.append(items)
    districts = _scope_districts(session, kind, records)
    header = models.header
    core = [
        {**{k: v for k, v in record.items() if k in assessment_table.c}, "kind": kind.code, "district_id": district}
        for record, district in zip(records, districts, strict=True)
    ]
    ids = _insert(session, assessment_table, core, kind.name)
    headers = [
        {"id": record_id, **{k: v for k, v in record.items() if k in header.c and k != "id"}}
        for record_id, record in zip(ids, records, strict=True)
    ]
    _insert(session, header, headers, f"{kind.name}（表头）")
    flat = [{**row, "assessment_id": record_id} for record_id, rows in zip(ids, item_rows, strict=True) for row in rows]
    _insert(session, assessment_item_table, flat, f"{kind.name}（评分项）")
    return len(records)


def _scope_districts(session: Session, kind: Kind, records: list[dict[str, Any]]) -> list[int]:
    """The district each new record is scoped by: its project's for a project kind, else its enterprise's."""
    if kind.subject == "project":
        found = dict(session.execute(select(Project.id, Project.district_id)).all())
        return [found[record["project_id"]] for record in records]
    found = dict(session.execute(select(Enterprise.id, Enterprise.district_id)).all())
    return [found[record["enterprise_id"]] for record in records]


def _filed(session: Session, kind: Kind, column: str) -> set[int]:
    table = assessment_table
    return set(session.execute(select(table.c[column]).where(table.c.kind == kind.code, table.c.period == demo_data.PERIOD)).scalars())


def _filed_count(session: Session, kind: Kind) -> int:
    table = assessment_table
    return _count(session, table.c.id, table.c.kind == kind.code, table.c.period == demo_data.PERIOD)


def generate(
    session: Session, version: Pinned, models: dict[str, KindModels], scale: Scale, seed: int, echo: Callable[[str], None]
) -> None:
    """Top the database up to ``scale`` (in one transaction) and recompute the period's grades; the
    records are filed under ``version``."""
    pack = version.pack
    rng = random.Random(seed)
    started = time.perf_counter()
    districts = list(session.execute(select(District.id).order_by(District.sort_order, District.id)).scalars())
    enterprises = _enterprises(session, scale, rng, districts)
    projects = _projects(session, scale, rng, districts, enterprises)
    for kind in pack.kinds.values():
        kind_models = models[kind.code]
        if kind.scoring.catalogued:
            have = _filed_count(session, kind)
            chosen = [rng.choice(projects) for _ in range(max(0, scale.daily_entries - have))]
            subjects = [{"enterprise_id": owner, "project_id": None} for _, owner, _ in chosen]
            permits = iter(permit for _, _, permit in chosen)  # an entry names its project by 施工许可证号
            rules = kind.scoring

            def daily(record: dict[str, Any], permits: Iterator[str] = permits, rules: Any = rules) -> dict[str, Any]:
                values = {rules.count_field: 1}
                if rules.project_field:
                    values[rules.project_field] = next(permits)
                return values

            count = _records(session, version, kind, kind_models, subjects, rng, daily)
        elif kind.subject == "project":
            have = _filed_count(session, kind)
            wanted = max(0, scale.project_assessments - have)
            subjects = [
                {"project_id": pid, "enterprise_id": owner} for pid, owner, _ in (projects[i % len(projects)] for i in range(wanted))
            ]
            count = _records(session, version, kind, kind_models, subjects, rng)
        else:
            done = _filed(session, kind, "enterprise_id")
            count = _records(session, version, kind, kind_models, [{"enterprise_id": e} for e in enterprises if e not in done], rng)
        echo(f"{kind.name}：新建 {count} 份")
    session.commit()
    echo(f"数据写入完成，用时 {time.perf_counter() - started:.1f} 秒；重算最终等次 ...")
    with click.progressbar(length=len(enterprises), label="  最终等次", show_pos=True) as bar:
        changes = recompute(session, pack, models, demo_data.PERIOD, progress=advance(bar), version_id=version.id)
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        # What autovacuum does some time after a bulk load (or never, where it is turned off): planner
        # statistics and the visibility map for the tables just filled. Until then PostgreSQL plans
        # these queries blind and its index-only scans visit every row.
        echo("整理数据库统计信息（VACUUM ANALYZE）...")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    echo(
        f"城市规模演示数据就绪：{_count(session, Enterprise.id)} 家企业，{_count(session, Project.id)} 个项目，"
        f"{len(changes)} 项等次变化；共用时 {time.perf_counter() - started:.1f} 秒。"
    )
