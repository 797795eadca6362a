"""The four final grades combine as grading.yaml declares (RULES.md §8, worked example E9)."""

from __future__ import annotations

from decimal import Decimal

from criteria import load_pack
from scoring import score_kind
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


def enterprise(projects: dict[str, dict], daily: list[DailyEntry] = DAILY, director_vetoes=()) -> EnterpriseInput:
    return EnterpriseInput(
        results={
            "general": score_kind(PACK, "general", {"items": general_points(E7_PERCENT)}),
            "director": score_kind(PACK, "director", {"items": DIRECTOR, "vetoes": list(director_vetoes)}),
        },
        projects=[ProjectInput(key, [score_kind(PACK, "project", {"items": items})]) for key, items in projects.items()],
        daily=daily,
    )


def test_e9_composite_is_b():
    graded = enterprise_grades(PACK, enterprise({"p1": E1, "p2": E2}))
    grades = graded.grades
    assert (grades["director"].score, grades["director"].label) == (Decimal("87.00"), "合格")
    assert (grades["licence"].score, grades["licence"].label) == (Decimal("86.00"), "合格")
    assert graded.projects["p1"].label == "优良" and graded.projects["p2"].label == "合格"
    assert grades["enterprise"].score == Decimal("88.06") and grades["enterprise"].label == "B"


def test_e9_a_failed_project_caps_the_enterprise_at_c_and_the_licence_at_basic_pass():
    graded = enterprise_grades(PACK, enterprise({"p1": E1, "p3": E3}))
    assert graded.projects["p3"].label == "不合格" and graded.projects["p3"].forced
    assert graded.grades["licence"].label == "基本合格"
    assert graded.grades["enterprise"].label == "C"
    assert any("最高为 C" in reason for reason in graded.grades["enterprise"].reasons)


def test_two_failed_projects_fail_the_licence_and_put_the_enterprise_at_d():
    graded = enterprise_grades(PACK, enterprise({"p3": E3, "p4": E3}))
    assert graded.grades["licence"].label == "不合格"
    assert graded.grades["enterprise"].label == "D"


def test_no_projects_reweights_the_composite():
    graded = enterprise_grades(PACK, enterprise({}, daily=[]))
    # (0.40 × 86 + 0.20 × 87) / 0.60 = 86.33…
    assert graded.grades["enterprise"].score == Decimal("86.33")


def test_vetoes_force_the_grades():
    director_veto = enterprise_grades(PACK, enterprise({"p1": E1}, director_vetoes=["not_appointed"]))
    assert director_veto.grades["director"].label == "不合格"
    assert director_veto.grades["enterprise"].label == "C"  # 89.32 would be B; a failed director caps it
    suspended = enterprise_grades(PACK, enterprise({"p1": E1}, daily=[DailyEntry("penalty_license_suspended")]))
    assert suspended.grades["licence"].label == "不合格"
    assert suspended.grades["enterprise"].label == "D"


def test_adjustments_apply_in_the_order_of_rules_8_5():
    """安许证暂扣 judges the licence 不合格 before the caps, so the enterprise follows it to D; a project
    judged 不合格 caps the licence and the enterprise; a promotion comes last and never lifts a judgement."""
    data = enterprise({"p1": E1, "p2": E2})
    suspended = {(None, "licence"): [Adjustment("direct_fail", "licence_suspended")]}
    graded = enterprise_grades(PACK, data, suspended)
    assert graded.grades["licence"].label == "不合格"
    assert graded.grades["enterprise"].label == "D"  # the cap on a 不合格 licence reads the judged grade
    assert "安全生产许可证为不合格，最高为 D" in graded.grades["enterprise"].reasons
    assert enterprise_grades(PACK, data).grades["enterprise"].label == "B"  # without it, as computed

    stopped = {("p2", "project"): [Adjustment("direct_fail", "stop_work_twice")]}
    graded = enterprise_grades(PACK, data, stopped)
    assert graded.projects["p2"].label == "不合格"
    assert graded.grades["licence"].label == "基本合格"  # one project 不合格: the licence at most 基本合格
    assert graded.grades["enterprise"].label == "C"

    both = {(None, "licence"): [Adjustment("direct_fail", "licence_suspended"), Adjustment("promote", "national_award")]}
    graded = enterprise_grades(PACK, data, both)
    assert graded.grades["licence"].label == "不合格" and "升一档未生效：等次由否决或直接判定确定" in graded.grades["licence"].reasons
    promoted = enterprise_grades(PACK, data, {(None, "enterprise"): [Adjustment("promote", "national_award")]})
    assert promoted.grades["enterprise"].label == "A"  # after the caps: B up one band
