"""The worked examples of RULES.md §10 (E1–E8) and the grade boundaries, on the Qingdao pack."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from criteria import load_pack
from scoring import ScoreInputError, score_kind
from scoring.bands import band_for
from scoring.methods.catalogue import DailyEntry, daily_net
from scoring.methods.weighted import subtable_result

PACK = load_pack()
PROJECT = PACK.kinds["project"]

E1 = {
    "safety_management": 85,
    "civilized_construction": 88,
    "scaffolding": [82, 78],
    "foundation_pit": 90,
    "formwork_support": 75,
    "work_at_height": 80,
    "temporary_electricity": 86,
    "hoist_and_elevator": [84],
    "tower_crane_and_lifting": [90, 70],
    "construction_machinery": 92,
}
E7_PERCENT = {
    "safety_rules_system": 90,
    "safety_investment": 80,
    "safety_organization": 100,
    "key_personnel_certification": 85,
    "special_operations_personnel": 90,
    "safety_training": 80,
    "injury_and_accident_insurance": 100,
    "lifting_equipment_inspection": 100,
    "occupational_hazard_prevention": 80,
    "major_hazard_control": 70,
    "emergency_plan_and_drills": 80,
}


def general_points(percent: dict[str, float]) -> dict[str, float | None]:
    """E7 gives sub-table percentages; the entered points are percent × max / 100."""
    maxima = {i.code: i.max for i in PACK.kinds["general"].items}
    return {code: None if p is None else float(Decimal(str(p)) * maxima[code] / 100) for code, p in percent.items()}


def subtable(code: str) -> dict:
    return next(t for t in PROJECT.subtables if t["code"] == code)


def lines(code: str, **scores: float | None) -> list[Decimal | None]:
    """Scores for a sub-table's lines by line name; unnamed lines get full marks."""
    found = []
    for line in subtable(code)["lines"]:
        value = scores.get(line["name"], line["max"])
        found.append(None if value is None else Decimal(str(value)))
    return found


def test_e1_complete_site_with_averaged_categories_is_excellent():
    result = score_kind(PACK, "project", {"items": E1})
    assert result.total == Decimal("83.80") and result.grade_label == "优良"
    points = {p.code: p.points for p in result.items}
    assert points["scaffolding"] == Decimal("8.0") and points["construction_machinery"] == Decimal("4.6")


def test_e2_missing_items_at_both_levels_pass():
    rules = PROJECT.scoring
    management, _ = subtable_result(
        subtable("safety_management"),
        lines(
            "safety_management",
            分包单位安全管理=None,
            安全生产责任制=10,
            施工组织设计及专项施工方案=9,
            安全技术交底=9,
            安全检查=9,
            安全教育=9,
            应急救援=9,
            持证上岗=9,
            生产安全事故处理=9,
            安全标志=8,
        ),
        rules,
    )
    assert management == Decimal(90)
    items = {
        "safety_management": float(management),
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
    result = score_kind(PACK, "project", {"items": items})
    assert result.total == Decimal("77.50") and result.grade_label == "合格"
    assert any("缺项" in reason for reason in result.reasons)


def test_e3_a_guaranteed_item_at_zero_zeroes_the_subtable_and_fails_the_site():
    rules = PROJECT.scoring
    electricity, why = subtable_result(
        subtable("temporary_electricity"),
        lines("temporary_electricity", 接地与接零保护系统=0, 配电线路=8, 配电箱与开关箱=16, 现场照明=12),
        rules,
    )
    assert electricity == 0 and "保证项目" in why
    items = {
        "safety_management": 95,
        "civilized_construction": 90,
        "scaffolding": [88],
        "foundation_pit": 92,
        "formwork_support": 90,
        "work_at_height": 94,
        "temporary_electricity": float(electricity),
        "hoist_and_elevator": [90, 96],
        "tower_crane_and_lifting": [96],
        "construction_machinery": 90,
    }
    result = score_kind(PACK, "project", {"items": items})
    assert result.total == Decimal("82.80")
    assert result.grade_label == "不合格" and result.forced


def test_e4_guaranteed_subtotal_below_40_zeroes_the_subtable_and_40_passes():
    rules = PROJECT.scoring
    names = ["安全生产责任制", "施工组织设计及专项施工方案", "安全技术交底", "安全检查", "安全教育", "应急救援"]
    below = dict(zip(names, [6, 6, 7, 7, 6, 7], strict=True))
    assert subtable_result(subtable("safety_management"), lines("safety_management", **below), rules)[0] == 0
    exactly = dict(zip(names, [6, 6, 7, 7, 7, 7], strict=True))
    assert subtable_result(subtable("safety_management"), lines("safety_management", **exactly), rules)[0] == 80


def test_e5_missing_guaranteed_item_prorated_or_literal():
    crane = lines(
        "tower_crane",
        载荷限制装置=8,
        行程限位装置=7,
        保护装置=8,
        **{"吊钩、滑轮、卷筒与钢丝绳": 7},
        多塔作业=None,
        **{"安拆、验收与使用": 6},
        附着=8,
        基础与轨道=9,
        结构设施=8,
        电气安全=9,
    )
    prorated, _ = subtable_result(subtable("tower_crane"), crane, PROJECT.scoring)
    assert round(prorated, 2) == Decimal("77.78")
    literal, _ = subtable_result(subtable("tower_crane"), crane, replace(PROJECT.scoring, guaranteed_missing_mode="literal"))
    assert literal == 0


@pytest.mark.parametrize(
    ("results", "grade"), [([80], "优良"), ([79.99], "合格"), ([70], "合格"), ([69.99], "不合格"), ([79.99, 80], "优良")]
)
def test_e6_jgj59_boundaries(results, grade):
    # one category carries the whole total: every other category is not applicable; two sub-tables
    # averaging 79.995 round to 80.00, which the bands compare
    items = dict.fromkeys(E1)
    items["scaffolding"] = results
    result = score_kind(PACK, "project", {"items": items})
    assert result.grade_label == grade


def test_e6_zero_subtable_fails_whatever_the_total():
    items = {code: [100] for code in E1}
    items["scaffolding"] = [100, 0]
    result = score_kind(PACK, "project", {"items": items})
    assert result.total == Decimal("95.00") and result.grade_label == "不合格"


@pytest.mark.parametrize(
    ("total", "grade"),
    [("85.00", "合格"), ("84.99", "基本合格"), ("70.00", "基本合格"), ("69.99", "不合格"), ("100", "合格"), ("0", "不合格")],
)
def test_e6_licence_boundaries(total, grade):
    assert band_for(Decimal(total), PACK.scales["licence"]).label == grade


@pytest.mark.parametrize(("investment", "grade"), [(15, "合格"), (14.9, "基本合格")])
def test_licence_boundary_through_the_items(investment, grade):
    # items summing to 85.0 and 84.9 exactly
    items = {i.code: float(i.max) for i in PACK.kinds["general"].items}
    items.update(key_personnel_certification=5, safety_investment=investment)
    assert score_kind(PACK, "general", {"items": items}).grade_label == grade


def test_e7_general_conditions_and_variants():
    result = score_kind(PACK, "general", {"items": general_points(E7_PERCENT)})
    assert result.total == Decimal("86.00") and result.grade_label == "合格"
    variant_a = score_kind(PACK, "general", {"items": general_points({**E7_PERCENT, "safety_investment": 60})})
    assert variant_a.total == Decimal("83.00") and variant_a.grade_label == "基本合格"
    variant_b = score_kind(PACK, "general", {"items": general_points({**E7_PERCENT, "major_hazard_control": 0})})
    assert variant_b.total == 0 and variant_b.grade_label == "不合格"
    assert any("得0分" in reason for reason in variant_b.reasons)
    variant_c = score_kind(PACK, "general", {"items": general_points({**E7_PERCENT, "lifting_equipment_inspection": None})})
    assert variant_c.total == Decimal("85.26") and variant_c.grade_label == "合格"


def test_e6_licence_96_with_a_zero_item_is_forced_to_zero():
    items = {i.code: float(i.max) for i in PACK.kinds["general"].items}
    items["safety_organization"] = 0  # 5 points: 95 in all, one item at zero
    result = score_kind(PACK, "general", {"items": items})
    assert result.total == 0 and result.grade_label == "不合格"


def test_e9_safety_director_and_its_vetoes():
    codes = [i.code for i in PACK.kinds["director"].items]
    items = dict(zip(codes, [14, 9, 12, 8, 17, 14, 13], strict=True))
    assert score_kind(PACK, "director", {"items": items}).total == Decimal("87.00")
    assert score_kind(PACK, "director", {"items": items}).grade_label == "合格"
    vetoed = score_kind(PACK, "director", {"items": items, "vetoes": ["not_appointed"]})
    assert vetoed.grade_label == "不合格" and vetoed.forced


def test_e9_enterprise_daily_net_counts_the_highest_award_per_project():
    daily = PACK.kinds["daily"]
    entries = [
        DailyEntry("award_national", 1, "A"),
        DailyEntry("award_provincial", 1, "B"),
        DailyEntry("award_city", 1, "A"),
        DailyEntry("site_criticism", 1, "A"),
    ]
    assert daily_net(daily, entries).total == 4
    capped = [DailyEntry("award_national", 1, str(n)) for n in range(4)]
    assert daily_net(daily, capped, "enterprise").total == 10
    assert daily_net(daily, [DailyEntry("accident_general_fatal")]).forced


def test_an_entry_counts_only_for_the_subjects_it_applies_to():
    daily = PACK.kinds["daily"]
    suspended = [DailyEntry("penalty_license_suspended", 1, "A")]  # applies_to: [enterprise]
    assert daily_net(daily, suspended, "enterprise").forced
    assert not daily_net(daily, suspended, "project").forced and daily_net(daily, suspended, "project").vetoes == []
    assert score_kind(PACK, "daily", {"items": {"penalty_license_suspended": 1}, "subject": "project"}).items == []
    with pytest.raises(ScoreInputError, match="subject 应为 enterprise（企业）或 project（工程项目），收到 'martian'"):
        score_kind(PACK, "daily", {"items": {"award_city": 1}, "subject": "martian"})


def test_awards_that_name_no_project_each_count():
    """Two national awards entered without a project are two awards (+8), not one project's highest."""
    daily = PACK.kinds["daily"]
    assert daily_net(daily, [DailyEntry("award_national"), DailyEntry("award_national")]).total == 8
    assert daily_net(daily, [DailyEntry("award_national", 1, "A"), DailyEntry("award_national", 1, "A")]).total == 4


def test_invalid_input_names_the_item():
    with pytest.raises(ScoreInputError, match="安全生产投入（safety_investment）：得分应在 0 到 15 之间，收到 16"):
        score_kind(PACK, "general", {"items": {**general_points(E7_PERCENT), "safety_investment": 16}})
    with pytest.raises(ScoreInputError, match="未知的考核项目代码：nonsense"):
        score_kind(PACK, "general", {"items": {**general_points(E7_PERCENT), "nonsense": 1}})
    with pytest.raises(ScoreInputError, match="脚手架（scaffolding）：应填 1 至 8 个分项检查评分表得分"):
        score_kind(PACK, "project", {"items": {**E1, "scaffolding": [80] * 9}})
    with pytest.raises(ScoreInputError, match="最多保留 2 位小数"):
        score_kind(PACK, "general", {"items": {**general_points(E7_PERCENT), "safety_investment": 12.255}})
    # RULES.md §3.3 converts a percentage into points with two decimals: 85 % of 15 is 12.75
    assert score_kind(PACK, "general", {"items": {**general_points(E7_PERCENT), "safety_investment": 12.75}}).total is not None
    with pytest.raises(ScoreInputError, match="最多保留 2 位小数"):  # the same for a JGJ 59 sub-table result
        score_kind(PACK, "project", {"items": {**E1, "safety_management": 85.123}})


def test_a_safety_director_item_cannot_be_left_out():
    """RULES.md §6.2 declares no 缺项 rule for the seven duties: 不涉及 is refused, not scored 0."""
    director = {item.code: 5 for item in PACK.kinds["director"].items}
    first = PACK.kinds["director"].items[0]
    with pytest.raises(ScoreInputError, match=f"{first.name}（{first.code}）：不能标为不涉及：本考核的每一项都须评分"):
        score_kind(PACK, "director", {"items": {**director, first.code: None}})
