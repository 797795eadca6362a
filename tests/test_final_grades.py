"""The four final grades combine as grading.yaml declares (RULES.md §8, worked example E9)."""

from __future__ import annotations

from decimal import Decimal

from criteria import load_pack
from scoring import ScoreResult, score_kind
from scoring.adjust import Adjustment
from scoring.final import EnterpriseInput, ProjectInput, enterprise_grades
from scoring.methods.catalogue import DailyEntry
from tests.test_scoring_examples import E1, E7_PERCENT, general_points

PACK = load_pack()
DIRECTOR = dict(zip([i.code for i in PACK.kinds["director"].items], [14, 9, 12, 8, 17, 14, 13], strict=True))
E2 = {
    "safety_management": 90,
    "civilized_construction": 80,
    "scaffolding": [76],
    "foundation_pit": None,
    "formwork_support": 72,
    "work_at_height": 70,
    "temporary_electricity": 78,
    "hoist_and_elevator": None,
    "tower_crane_and_lifting": [74],
    "construction_machinery": 80,
}
E3 = {
    "safety_management": 95,
    "civilized_construction": 90,
    "scaffolding": [88],
    "foundation_pit": 92,
    "formwork_support": 90,
    "work_at_height": 94,
    "temporary_electricity": 0,
    "hoist_and_elevator": [90, 96],
    "tower_crane_and_lifting": [96],
    "construction_machinery": 90,
}
DAILY = [DailyEntry("award_national", 1, "p1"), DailyEntry("award_provincial", 1, "p2"), DailyEntry("site_criticism", 1, "p1")]


def rated(band: str | None = "pass") -> dict:
    """The reviewer's rating of the year's 安许证动态考核 (none: not yet rated)."""
    if band is None:
        return {}
    labels = PACK.band_labels(PACK.kinds["licence"])
    return {"licence": ScoreResult("licence", None, None, band, labels[band], [], [])}


def enterprise(
    projects: dict[str, dict], daily: list[DailyEntry] = DAILY, director_vetoes=(), rating: str | None = "pass", general=E7_PERCENT
) -> EnterpriseInput:
    results = {"director": score_kind(PACK, "director", {"items": DIRECTOR, "vetoes": list(director_vetoes)}), **rated(rating)}
    if general is not None:
        results["general"] = score_kind(PACK, "general", {"items": general_points(general)})
    return EnterpriseInput(
        results=results,
        projects=[ProjectInput(key, [score_kind(PACK, "project", {"items": items})]) for key, items in projects.items()],
        daily=daily,
    )


def test_e9_director_90_70_and_enterprise_90_40_a():
    """RULES.md E9: 0.70 × 87 + 0.30 × 86 + 4 = 90.70 合格; 0.60 × 86 + 0.40 × 87 + 4 = 90.40 A."""
    graded = enterprise_grades(PACK, enterprise({"p1": E1, "p2": E2}))
    grades = graded.grades
    assert (grades["director"].score, grades["director"].label) == (Decimal("90.70"), "合格")
    assert (grades["licence"].score, grades["licence"].label) == (Decimal("86.00"), "合格")
    assert graded.projects["p1"].label == "优良" and graded.projects["p2"].label == "合格"
    assert (grades["enterprise"].score, grades["enterprise"].label) == (Decimal("90.40"), "A")
    assert "安全生产总监专项考核 87.00 × 0.7" in grades["director"].reasons[0]


def test_the_licence_is_the_reviewers_rating_and_the_11_item_score_only_suggests_it():
    graded = enterprise_grades(PACK, enterprise({"p1": E1}, rating="basic_pass"))
    licence = graded.grades["licence"]
    assert (licence.score, licence.label) == (Decimal("86.00"), "基本合格")
    assert "按得分建议评定：合格" in licence.reasons and "建筑施工企业安全生产许可证动态考核评定：基本合格" in licence.reasons
    assert graded.grades["enterprise"].label == "C"  # a 基本合格 licence caps the enterprise at C


def test_an_unrated_licence_is_undecided_and_so_is_the_enterprise_built_on_it():
    graded = enterprise_grades(PACK, enterprise({"p1": E1}, rating=None))
    licence, whole = graded.grades["licence"], graded.grades["enterprise"]
    assert (licence.score, licence.label) == (None, None)
    assert licence.reasons[-2:] == ["按得分建议评定：合格", "建筑施工企业安全生产许可证动态考核尚未评定，暂不评定"]
    assert (whole.score, whole.label) == (None, None) and whole.reasons[-1] == "安全生产许可证：无，暂不评定"
    assert graded.grades["director"].label == "合格"  # the director grade does not read the licence


def test_e9_a_failed_project_caps_the_enterprise_at_c_and_the_licence_at_basic_pass():
    graded = enterprise_grades(PACK, enterprise({"p1": E1, "p3": E3}))
    assert graded.projects["p3"].label == "不合格" and graded.projects["p3"].forced
    assert graded.grades["licence"].label == "基本合格"
    assert graded.grades["enterprise"].label == "C"
    assert "1 个项目的项目安全考核为不合格，最高为 基本合格" in graded.grades["licence"].reasons
    assert any("最高为 C" in reason for reason in graded.grades["enterprise"].reasons)


def test_two_failed_projects_fail_the_licence_and_put_the_enterprise_at_d():
    graded = enterprise_grades(PACK, enterprise({"p3": E3, "p4": E3}))
    assert graded.grades["licence"].label == "不合格"
    assert graded.grades["enterprise"].label == "D"


def test_the_linkage_reads_the_jgj59_result_not_the_projects_final_grade():
    """E2 is 合格 (77.50) on JGJ 59; 全面停工 twice takes its final grade to 不合格, but the licence and
    the enterprise are capped by JGJ 59 results only (RULES.md §8.2)."""
    stops = [DailyEntry("site_full_stop", 2, "p2")]
    data = enterprise({"p1": E1, "p2": E2})
    data.projects[1].daily = stops
    graded = enterprise_grades(PACK, data)
    assert graded.projects["p2"].label == "不合格"
    assert graded.grades["licence"].label == "合格"
    assert graded.grades["enterprise"].label == "A"


def test_missing_parts_follow_rules_8_1_and_8_4():
    without_general = enterprise_grades(PACK, enterprise({}, general=None))
    assert without_general.grades["director"].score == Decimal("91.00")  # 87 + 4: the director total alone
    licence = without_general.grades["licence"]
    assert (licence.score, licence.label) == (None, "合格")  # the rating stands; no score to weigh
    assert without_general.grades["enterprise"].label is None
    data = enterprise({}, daily=[])
    del data.results["director"]
    graded = enterprise_grades(PACK, data)
    assert graded.grades["director"].label is None and graded.grades["director"].reasons == ["安全生产总监专项考核：无，暂不评定"]
    assert graded.grades["enterprise"].score == Decimal("86.00")  # score_lic alone


def test_vetoes_force_the_grades():
    director_veto = enterprise_grades(PACK, enterprise({"p1": E1}, director_vetoes=["not_appointed"]))
    assert director_veto.grades["director"].label == "不合格"
    assert "否决：应配备而未配备（或未备案）安全生产总监 → 不合格" in director_veto.grades["director"].reasons
    assert director_veto.grades["enterprise"].label == "C"  # a failed director caps it
    suspended = enterprise_grades(PACK, enterprise({"p1": E1}, daily=[DailyEntry("penalty_license_suspended")]))
    assert suspended.grades["licence"].label == "不合格"
    assert suspended.grades["enterprise"].label == "D"


def test_a_zero_item_in_the_11_items_fails_the_director_grade():
    zero = {**E7_PERCENT, "safety_rules_system": 0}
    graded = enterprise_grades(PACK, enterprise({}, general=zero))
    assert graded.grades["director"].label == "不合格"
    assert any(reason.startswith("否决：") and "得零规则" in reason for reason in graded.grades["director"].reasons)


def test_adjustments_apply_in_the_order_of_rules_8_5():
    """安许证暂扣 judges the licence 不合格 before the caps, so the enterprise follows it to D; a promotion
    comes last and never lifts a judgement."""
    data = enterprise({"p1": E1, "p2": E2})
    suspended = {(None, "licence"): [Adjustment("direct_fail", "licence_suspended")]}
    graded = enterprise_grades(PACK, data, suspended)
    assert graded.grades["licence"].label == "不合格"
    assert graded.grades["enterprise"].label == "D"  # the cap on a 不合格 licence reads the judged grade
    assert "安全生产许可证为不合格，最高为 D" in graded.grades["enterprise"].reasons
    assert enterprise_grades(PACK, data).grades["enterprise"].label == "A"  # without it, as computed

    stopped = {("p2", "project"): [Adjustment("direct_fail", "stop_work_twice")]}
    graded = enterprise_grades(PACK, data, stopped)
    assert graded.projects["p2"].label == "不合格"
    assert graded.grades["licence"].label == "合格"  # the linkage reads JGJ 59 results

    both = {(None, "licence"): [Adjustment("direct_fail", "licence_suspended"), Adjustment("promote", "national_award")]}
    graded = enterprise_grades(PACK, data, both)
    assert graded.grades["licence"].label == "不合格" and "升一档未生效：等次由否决或直接判定确定" in graded.grades["licence"].reasons
    b_data = enterprise({"p1": E1, "p2": E2}, daily=[])  # 0.60 × 86 + 0.40 × 87 = 86.40: B
    assert enterprise_grades(PACK, b_data).grades["enterprise"].label == "B"
    promoted = enterprise_grades(PACK, b_data, {(None, "enterprise"): [Adjustment("promote", "national_award")]})
    assert promoted.grades["enterprise"].label == "A"  # after the caps: B up one band


def test_two_full_stops_on_one_project_within_12_months_fail_it():
    """RULES.md §7 / the seed's wording: 同一项目12个月内两次被责令停止施工 → 不合格; a year and more apart
    they are two −5 deductions."""
    import datetime

    def project_grade(first: str, second: str):
        stops = [DailyEntry("site_full_stop", 1, "p1", datetime.date.fromisoformat(day)) for day in (first, second)]
        data = enterprise({"p1": E1}, daily=stops)
        data.projects[0].daily = stops
        return enterprise_grades(PACK, data).projects["p1"]

    within = project_grade("2025-09-10", "2026-05-20")
    assert within.label == "不合格" and "否决：同一项目12个月内两次被责令全面停工 → 不合格" in within.reasons
    apart = project_grade("2025-03-01", "2026-04-15")
    assert apart.label == "合格" and "日常考核 -10" in apart.reasons  # 83.80 − 10 = 73.80
    assert not any(reason.startswith("否决") for reason in apart.reasons)


def test_an_expired_licence_fails_the_licence_grade_whatever_the_rating():
    data = enterprise({"p1": E1})
    licence = data.results["licence"]
    licence.vetoes, licence.forced = ["licence_expired"], True
    graded = enterprise_grades(PACK, data)
    assert graded.grades["licence"].label == "不合格"
    assert "否决：安全生产许可证在考核年度内到期 → 不合格" in graded.grades["licence"].reasons
    assert graded.grades["enterprise"].label == "D"  # through the licence cap
