"""The Qingdao pack holds the guide as RULES.md states it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria import load_pack


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_kinds_and_item_counts(pack):
    counts = {code: len(kind.items) for code, kind in pack.kinds.items()}
    assert counts == {"general": 11, "director": 7, "project": 10, "daily": 0, "licence": 0}
    assert len(pack.kinds["daily"].catalogue) == 13


def test_licence_assessment_materials_personnel_and_rating(pack):
    """RULES.md §9: 19 materials plus the 整改材料 slot, four personnel lists, 合格/基本合格/不合格
    rated by the reviewer, 基本合格 and 不合格 opening a 15-working-day rectification round."""
    licence = pack.kinds["licence"]
    assert len([m for m in licence.materials if not m.rectification]) == 19
    assert [m.name for m in licence.materials if m.rectification] == ["整改材料"]
    assert [p.name for p in licence.personnel] == ["企业主要负责人", "项目负责人", "特种作业人员", "专职安全生产管理人员"]
    labels = {b.code: b.label for b in pack.scales[licence.grade_scale].bands}
    assert [labels[b] for b in licence.rating_bands] == ["合格", "基本合格", "不合格"]
    assert [labels[b] for b in licence.rectification_bands] == ["基本合格", "不合格"]
    assert licence.rectification.working_days == 15
    assert pack.dossier_kind(pack.kinds["general"]) is licence
    assert {f.label for f in licence.header_fields if f.required} >= {"安全生产许可证编号", "联系人", "联系电话"}


def test_item_maxima_add_up_to_each_total(pack):
    for kind in pack.kinds.values():
        if kind.items:
            assert sum(i.max for i in kind.items) == kind.total == Decimal(100)


def test_jgj59_weights_and_subtables(pack):
    project = pack.kinds["project"]
    weights = {i.name: i.max for i in project.items}
    assert weights["文明施工"] == 15 and weights["施工机具"] == 5
    assert sum(len(i.subtables) for i in project.items) == 19
    scaffolding = next(i for i in project.items if len(i.subtables) == 8)
    assert scaffolding.combine == "mean"


def test_districts_and_city_reviewed(pack):
    assert [d.name for d in pack.districts] == [
        "市南区",
        "市北区",
        "李沧区",
        "崂山区",
        "黄岛区",
        "城阳区",
        "即墨区",
        "胶州市",
        "平度市",
        "莱西市",
    ]
    assert {d.name for d in pack.districts if d.city_reviewed} == {"市南区", "市北区", "李沧区"}


def test_grade_thresholds_are_data(pack):
    licence = {b.label: (b.min, b.max) for b in pack.scales["licence"].bands}
    assert licence["合格"] == (85, 100) and licence["基本合格"] == (70, 85)
    assert [f.code for f in pack.final_grades] == ["director", "licence", "project", "enterprise"]


def test_every_item_has_standard_and_each_file_a_version(pack):
    for kind in pack.kinds.values():
        assert kind.version
        for item in kind.items:
            assert item.standard.strip()
