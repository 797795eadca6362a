"""One enterprise's reviewed results of a period as JSON, read into what ``scoring.final`` grades
(``criteria grades``): every part checked, each problem naming where it is.

```json
{"results": {"general": {"items": {...}}, "director": {"items": {...}, "vetoes": [...]}, "licence": {"rating": "pass"}},
 "projects": [{"key": "p1", "assessments": [{"items": {...}}], "daily": [{"entry": "site_criticism"}]}],
 "daily": [{"entry": "award_national", "count": 1, "project": "p1"}],
 "adjustments": [{"grade": "licence", "direction": "direct_fail", "reason": "licence_suspended"}]}
```

A result or an assessment is what ``criteria score`` reads for its kind (a kind the reviewer rates:
its ``rating``, a band code, and any ``vetoes``); a daily entry may give the day it happened (``on``,
YYYY-MM-DD) for the vetoes counted within months; an adjustment on a project's grade names the project's ``key``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from criteria.pack import Pack
from scoring.adjust import Adjustment
from scoring.engine import score_kind
from scoring.final import Adjustments, EnterpriseInput, ProjectInput
from scoring.inputs import ScoreInputError
from scoring.methods.catalogue import DailyEntry
from scoring.result import ScoreResult

KEYS = {"results", "projects", "daily", "adjustments"}


def _object(value: Any, where: str, keys: set[str]) -> dict:
    if not isinstance(value, dict):
        raise ScoreInputError(f"{where} 应为 JSON 对象")
    unknown = set(value) - keys
    if unknown:
        raise ScoreInputError(f"{where} 有未知字段：{'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(keys))}）")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise ScoreInputError(f"{where} 应为列表")
    return value


def _scored(pack: Pack, kind: str, payload: Any, where: str) -> ScoreResult:
    """What ``criteria score`` makes of the payload; for a kind the reviewer rates, ``{"rating": band}``."""
    if pack.kinds[kind].rated:
        return _rating(pack, kind, payload, where)
    try:
        return score_kind(pack, kind, payload)
    except ScoreInputError as problem:
        raise ScoreInputError(f"{where}：{problem}") from None


def _rating(pack: Pack, code: str, payload: Any, where: str) -> ScoreResult:
    kind = pack.kinds[code]
    labels = pack.band_labels(kind)
    payload = _object(payload, where, {"rating", "vetoes"})
    band = payload.get("rating")
    if band not in kind.rating_bands:
        choices = "、".join(f"{b}（{labels.get(b, b)}）" for b in kind.rating_bands)
        raise ScoreInputError(f"{where}.rating：{kind.name}由审核人评定，应为 {choices}，收到 {json.dumps(band, ensure_ascii=False)}")
    vetoes = payload.get("vetoes", [])
    declared = {veto.code for veto in kind.vetoes}
    if not isinstance(vetoes, list) or any(v not in declared for v in vetoes):
        raise ScoreInputError(f"{where}.vetoes 应为否决项代码列表，可选：{'、'.join(sorted(declared)) or '（本类考核无否决项）'}")
    return ScoreResult(code, None, None, band, labels.get(band, band), [], [], bool(vetoes), list(vetoes))


def _daily(pack: Pack, entries: Any, where: str) -> list[DailyEntry]:
    kind = pack.catalogue_kind
    known = {entry.code for entry in kind.catalogue} if kind else set()
    found = []
    for index, entry in enumerate(_list(entries, where)):
        at = f"{where}[{index}]"
        entry = _object(entry, at, {"entry", "count", "project", "on"})
        if entry.get("entry") not in known:
            raise ScoreInputError(f"{at}.entry：未知的日常考核条目“{entry.get('entry')}”")
        count = entry.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ScoreInputError(f"{at}.count 应为不小于 1 的整数")
        project = entry.get("project")
        if project is not None and not isinstance(project, str):
            raise ScoreInputError(f"{at}.project 应为项目的 key（文字）")
        found.append(DailyEntry(entry["entry"], count, project, _date(entry.get("on"), f"{at}.on")))
    return found


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScoreInputError(f"{where} 应为日期，格式 YYYY-MM-DD，收到 {json.dumps(value, ensure_ascii=False)}") from None


def _adjustments(pack: Pack, entries: Any, projects: set[str]) -> Adjustments:
    grades = {spec.code: spec for spec in pack.final_grades}
    found: dict[tuple[str | None, str], list[Adjustment]] = {}
    for index, entry in enumerate(_list(entries, "adjustments")):
        at = f"adjustments[{index}]"
        entry = _object(entry, at, {"grade", "project", "direction", "reason", "note"})
        spec = grades.get(entry.get("grade"))
        if spec is None:
            raise ScoreInputError(f"{at}.grade：未知的综合评价“{entry.get('grade')}”（可选：{'、'.join(grades)}）")
        direction = entry.get("direction")
        if direction not in ("promote", "direct_fail"):
            raise ScoreInputError(f"{at}.direction 应为 promote（升一档）或 direct_fail（直接判定不合格）")
        reasons = {r["code"] for r in pack.adjustments[direction]["reasons"]}
        if entry.get("reason") not in reasons:
            raise ScoreInputError(f"{at}.reason：未知的调整原因“{entry.get('reason')}”（可选：{'、'.join(sorted(reasons))}）")
        project = entry.get("project")
        if (spec.subject == "project") != (project is not None) or (project is not None and project not in projects):
            raise ScoreInputError(f"{at}.project：项目等次的调整须写明 projects 中的项目 key，其他等次不写")
        found.setdefault((project, spec.code), []).append(Adjustment(direction, entry["reason"], str(entry.get("note", ""))))
    return found


def read_enterprise(pack: Pack, payload: Any) -> tuple[EnterpriseInput, Adjustments]:
    """The enterprise's input and its adjustments, or ScoreInputError naming the part that is wrong."""
    payload = _object(payload, "输入", KEYS)
    results = {
        kind: _scored(pack, kind, value, f"results.{kind}")
        for kind, value in _object(payload.get("results", {}), "results", set(pack.kinds)).items()
    }
    projects = []
    for index, project in enumerate(_list(payload.get("projects", []), "projects")):
        at = f"projects[{index}]"
        project = _object(project, at, {"key", "assessments", "daily"})
        key = project.get("key")
        if not isinstance(key, str) or not key:
            raise ScoreInputError(f"{at}.key 应为项目的名称或编号（文字）")
        kind = next((spec.source.kind for spec in pack.final_grades if spec.subject == "project" and spec.source), None)
        if kind is None:
            raise ScoreInputError("该考核标准没有项目等次，不能填写 projects")
        assessments = [
            _scored(pack, kind, value, f"{at}.assessments[{number}]")
            for number, value in enumerate(_list(project.get("assessments", []), f"{at}.assessments"))
        ]
        projects.append(ProjectInput(key, assessments, _daily(pack, project.get("daily", []), f"{at}.daily")))
    keys = {project.key for project in projects}
    return (
        EnterpriseInput(results, projects, _daily(pack, payload.get("daily", []), "daily")),
        _adjustments(pack, payload.get("adjustments", []), keys),
    )
