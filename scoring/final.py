"""The four final grades of one enterprise for one period (RULES.md §8), as the criteria declare.

Inputs are already-scored, reviewed results: the enterprise's results by kind (a rated kind's result
is the reviewer's band), each project's assessments and daily entries, and the enterprise's own daily
entries. A grade is graded from one kind's result (``source``, or the reviewer's rating of
``rated_by`` with the source's score as the suggestion), or weighted from kinds' totals and other
grades' scores (``composite``). Every weight, cap, linkage and veto comes from ``grading.yaml``; the
result of each grade carries its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from criteria.pack import Pack
from criteria.rules import Band, FinalGradeRule, Part, Scale
from scoring import adjust
from scoring.bands import band_by_code, band_for, rank
from scoring.methods.catalogue import DailyEntry, daily_net, veto_name
from scoring.numbers import ZERO, compared, mean, plain, rounded
from scoring.result import ScoreResult


@dataclass
class ProjectInput:
    key: str
    assessments: list[ScoreResult]  # reviewed JGJ 59 results of the period, oldest first
    daily: list[DailyEntry] = field(default_factory=list)


@dataclass
class EnterpriseInput:
    results: dict[str, ScoreResult]  # kind code -> the reviewed result (a rated kind's: the band) of the period
    projects: list[ProjectInput] = field(default_factory=list)
    daily: list[DailyEntry] = field(default_factory=list)


@dataclass
class FinalGrade:
    code: str
    name: str
    score: Decimal | None
    grade: str | None  # band code
    label: str | None
    reasons: list[str]
    forced: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "score": plain(self.score), "grade": self.grade, "label": self.label, "reasons": self.reasons}


@dataclass
class EnterpriseGrades:
    grades: dict[str, FinalGrade]  # enterprise-level final grades by code
    projects: dict[str, FinalGrade]  # the project final grade of each project, by project key


# The active adjustments of one enterprise's grades, oldest first: (project key or None, grade code).
Adjustments = Mapping[tuple[str | None, str], list[adjust.Adjustment]]


class _Grader:
    def __init__(self, pack: Pack, data: EnterpriseInput, adjustments: Adjustments):
        self.pack = pack
        self.data = data
        self.adjustments = adjustments
        self.rounding = pack.grading_rounding
        self.daily_kind = pack.catalogue_kind
        self.done: dict[str, FinalGrade] = {}
        self.projects: dict[str, FinalGrade] = {}
        self.daily_done: dict[tuple[int, str], ScoreResult] = {}
        # what a veto is called, by kind and code (the daily catalogue's under None): read once per grading
        self.veto_names = {code: {veto.code: veto.name for veto in kind.vetoes} for code, kind in pack.kinds.items()}
        self.veto_names[None] = {entry.code: veto_name(entry) for entry in self.daily_kind.catalogue} if self.daily_kind else {}

    def _daily(self, entries: list[DailyEntry], subject: str) -> ScoreResult | None:
        """The net daily points of a subject; every grade of the enterprise reuses the one result."""
        if not self.daily_kind or not entries:
            return None
        key = (id(entries), subject)
        if key not in self.daily_done:
            self.daily_done[key] = daily_net(self.daily_kind, entries, subject, itemized=False)
        return self.daily_done[key]

    def _finish(
        self,
        spec: FinalGradeRule,
        raw: Decimal | None,
        reasons: list[str],
        forced_band: str | None,
        daily: ScoreResult | None,
        subject_results: list[ScoreResult],
        project: str | None = None,
        rated: Band | None = None,
    ) -> FinalGrade:
        """The grade from its score (or the reviewer's ``rated`` band), then vetoes, direct 不合格
        judgements, caps and at most one promotion (RULES.md §8.5)."""
        scale = self.pack.scales[spec.scale]
        if raw is None and rated is None:
            return FinalGrade(spec.code, spec.name, None, None, None, [*reasons, "无已审核的考核结果，不评定"])
        shown = None
        if raw is not None:
            if spec.add_daily_net and daily is not None:
                raw += daily.total
                reasons.append(f"日常考核 {daily.total:+}")
            if spec.clamp:
                raw = min(max(raw, spec.clamp.min), spec.clamp.max)
            shown = rounded(raw, self.rounding)
        forced = False
        if rated is not None:
            band = rated
        else:
            band = band_for(compared(raw, shown, self.rounding), scale)
            reasons.append(f"得分 {shown} → {band.label}")
            if forced_band:
                band, forced = band_by_code(forced_band, scale), True
        vetoes = self._vetoes(spec, daily, subject_results)
        if vetoes:
            band = band_by_code(spec.veto_band or scale.bands[-1].code, scale)
            forced = True
            reasons.append(f"否决：{'、'.join(vetoes)} → {band.label}")
        active = self.adjustments.get((project, spec.code), [])
        code, judged = adjust.judge(self.pack.adjustments, scale, band.code, active)
        reasons += judged
        band = self._caps(spec, band_by_code(code, scale), scale, reasons)
        code, promoted = adjust.promote(self.pack.adjustments, scale, band.code, forced, active)
        reasons += promoted
        band = band_by_code(code, scale)
        return FinalGrade(spec.code, spec.name, shown, band.code, band.label, reasons, forced)

    def _vetoes(self, spec: FinalGradeRule, daily: ScoreResult | None, results: list[ScoreResult]) -> list[str]:
        """The names of the vetoes that force the grade: the graded results' own (for a composite,
        also a part's zero-item rule) and the daily entries the grade names."""
        found = []
        if spec.vetoes.kind_vetoes:
            for result in results:
                names = self.veto_names[result.kind]
                found += [names.get(code, code) for code in result.vetoes]
                if spec.composite and result.forced and not result.vetoes:
                    found.append(f"{self.pack.kinds[result.kind].name}按得零规则评定")
        if daily is not None:
            names = self.veto_names[None]
            found += [names.get(code, code) for code in daily.vetoes if code in spec.vetoes.catalogue]
        return found

    def _caps(self, spec: FinalGradeRule, band: Band, scale: Scale, reasons: list[str]) -> Band:
        for cap in spec.caps:
            if cap.condition == "grade_in_band":
                other = self.grade(cap.final_grade)
                hit = other.grade == cap.band
                what = f"{other.name}为{other.label}"
            elif cap.kind:
                kind = self.pack.kinds[cap.kind]
                count = sum(1 for p in self.data.projects if self._latest_band(p, cap.kind) == cap.band)
                hit = count >= cap.count
                label = band_by_code(cap.band, self.pack.scales[kind.grade_scale]).label
                what = f"{count} 个项目的{kind.short_name}为{label}"
            else:
                count = sum(1 for p in self.projects.values() if p.grade == cap.band)
                hit = count >= cap.count
                label = band_by_code(cap.band, self.pack.scales[self._spec(cap.final_grade).scale]).label
                what = f"{count} 个项目{label}"
            if hit and rank(band.code, scale) < rank(cap.at_most, scale):
                band = band_by_code(cap.at_most, scale)
                reasons.append(f"{what}，最高为 {band.label}")
        return band

    def _spec(self, code: str) -> FinalGradeRule:
        return self.pack.final_grade(code)

    @staticmethod
    def _latest_band(project: ProjectInput, kind: str) -> str | None:
        """The band of the project's latest reviewed result of ``kind`` (its JGJ 59 result, RULES §8.2)."""
        results = [r for r in project.assessments if r.kind == kind]
        return results[-1].grade if results else None

    def grade(self, code: str) -> FinalGrade:
        """An enterprise-level final grade, computed once when first needed (a composite part or a cap)."""
        if code not in self.done:
            spec = self._spec(code)
            self.done[code] = self.composite_grade(spec) if spec.composite else self.kind_grade(spec)
        return self.done[code]

    def kind_grade(self, spec: FinalGradeRule) -> FinalGrade:
        result = self.data.results.get(spec.source.kind)
        reasons = [] if result is None else [f"{self.pack.kinds[result.kind].name}：{result.total}（{result.grade_label}）"]
        results = [] if result is None else [result]
        daily = self._daily(self.data.daily, "enterprise")
        if spec.rated_by:
            rated = self.pack.kinds[spec.rated_by]
            rating = self.data.results.get(spec.rated_by)
            hint = suggestion(self.pack, spec, result)
            if hint:
                reasons.append(f"按得分建议评定：{hint.label}")
            if rating is None or rating.grade is None:
                return FinalGrade(spec.code, spec.name, None, None, None, [*reasons, f"{rated.name}尚未评定，暂不评定"])
            reasons.append(f"{rated.name}评定：{rating.grade_label}")
            band = band_by_code(rating.grade, self.pack.scales[spec.scale])
            raw = None if result is None else result.raw_total
            return self._finish(spec, raw, reasons, None, daily, [*results, rating], rated=band)
        forced = result.grade if result is not None and result.forced else None
        return self._finish(spec, None if result is None else result.raw_total, reasons, forced, daily, results)

    def project_grade(self, spec: FinalGradeRule, project: ProjectInput) -> FinalGrade:
        results = [r for r in project.assessments if r.kind == spec.source.kind]
        if not results:
            return self._finish(spec, None, [], None, None, [])
        if spec.source.pick == "latest":
            used = [results[-1]]
            raw = used[0].raw_total
        else:
            used = results
            raw = mean([r.raw_total for r in results])
        reasons = [f"项目考核 {', '.join(str(r.total) for r in used)}（取{'最近一次' if len(used) == 1 else '平均'}）"]
        zero = spec.zero_subtable_band
        forced = zero if zero and any(r.forced for r in used) else None
        if forced:
            reasons.append("有分项检查评分表得0分")
        daily = self._daily(project.daily, "project")
        return self._finish(spec, raw, reasons, forced, daily, used, project.key)

    def _part(self, part: Part) -> tuple[str, Decimal | None, ScoreResult | None]:
        """A composite part's name, score (None: missing) and, for a kind, its reviewed result."""
        if part.kind:
            result = self.data.results.get(part.kind)
            return self.pack.kinds[part.kind].name, None if result is None else result.raw_total, result
        name = self._spec(part.final_grade).name
        if part.aggregate == "mean":
            scores = [g.score for g in self.projects.values() if g.score is not None]
            return name, mean(scores) if scores else None, None
        other = self.grade(part.final_grade)
        return name, other.score if other.grade is not None else None, None

    def composite_grade(self, spec: FinalGradeRule) -> FinalGrade:
        composite = spec.composite
        total, weights, reasons, results = ZERO, ZERO, [], []
        for part in composite.parts:
            name, score, result = self._part(part)
            if score is None:
                if part.required:
                    return FinalGrade(spec.code, spec.name, None, None, None, [*reasons, f"{name}：无，暂不评定"])
                reasons.append(f"{name}：无")
                continue
            if result is not None:
                results.append(result)
            total += part.weight * score
            weights += part.weight
            reasons.append(f"{name} {rounded(score, self.rounding)} × {part.weight}")
        if not weights:
            return self._finish(spec, None, reasons, None, None, [])
        if weights != composite.weights_total and composite.when_part_missing == "reweight":
            total = total / weights * composite.weights_total
            reasons.append(f"缺少部分按权重 {weights} 折算")
        return self._finish(spec.as_composite, total, reasons, None, self._daily(self.data.daily, "enterprise"), results)


def suggestion(pack: Pack, spec: FinalGradeRule, result: ScoreResult | None) -> Band | None:
    """The band a grade's source result suggests to the reviewer who rates it (``rated_by``): the
    band of its total on the grade's scale, or the band a zero rule or veto forced."""
    if result is None or result.raw_total is None:
        return None
    scale = pack.scales[spec.scale]
    if result.forced and result.grade in {band.code for band in scale.bands}:
        return band_by_code(result.grade, scale)
    shown = rounded(result.raw_total, pack.grading_rounding)
    return band_for(compared(result.raw_total, shown, pack.grading_rounding), scale)


def enterprise_grades(pack: Pack, data: EnterpriseInput, adjustments: Adjustments | None = None) -> EnterpriseGrades:
    """Every final grade of one enterprise, in the order grading.yaml lists them, with its active
    ``adjustments`` applied in the order of RULES.md §8.5 (none: the grades as computed)."""
    grader = _Grader(pack, data, adjustments or {})
    for spec in pack.final_grades:
        if spec.subject == "project":
            for project in data.projects:
                grader.projects[project.key] = grader.project_grade(spec, project)
    for spec in pack.final_grades:
        if spec.subject != "project":
            grader.grade(spec.code)
    return EnterpriseGrades({spec.code: grader.done[spec.code] for spec in pack.final_grades if spec.subject != "project"}, grader.projects)
