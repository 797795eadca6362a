"""What a running platform binds at start: a revision changing any of it waits for a restart; one
changing only rules (a material's name, a list's minimum count) is used for new assessments at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from criteria import load_pack
from criteria.pack import Material, Pack
from criteria.structure import fits
from scoring.methods.rating import Rating


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack("criteria/qingdao")


def revised(pack: Pack, code: str, **changes: object) -> Pack:
    return replace(pack, kinds={**pack.kinds, code: replace(pack.kinds[code], **changes)})


def first_list_as(pack: Pack, **changes: object) -> tuple:
    lists = pack.kinds["licence"].personnel
    return (replace(lists[0], **changes), *lists[1:])


@pytest.mark.parametrize("change", ["dossier_from", "one_per_period", "materials", "personnel_code", "personnel_name", "rated", "items"])
def test_a_change_the_platform_binds_at_start_waits_for_a_restart(pack, change):
    other = {
        "dossier_from": lambda: revised(pack, "general", dossier_from=None),
        "one_per_period": lambda: revised(pack, "licence", one_per_period=False),
        "materials": lambda: revised(pack, "director", materials=(Material("plan", "安全生产管理制度"),)),
        "personnel_code": lambda: revised(pack, "licence", personnel=first_list_as(pack, code="chief")),
        "personnel_name": lambda: revised(pack, "licence", personnel=first_list_as(pack, name="主要负责人")),
        "rated": lambda: revised(pack, "director", scoring=Rating(("qualified",))),
        "items": lambda: revised(pack, "general", items=()),
    }[change]()
    assert not fits(pack, other)


def test_a_change_of_rules_only_is_used_at_once(pack):
    licence = pack.kinds["licence"]
    renamed = (replace(licence.materials[0], name=licence.materials[0].name + "（加盖公章）"), *licence.materials[1:])
    assert fits(pack, revised(pack, "licence", materials=renamed, personnel=first_list_as(pack, min_count=2)))


def test_the_version_comparison_names_checklist_and_list_changes_and_which_wait(pack):
    from criteria.diff import diff_packs

    licence = pack.kinds["licence"]
    renamed = (replace(licence.materials[0], name="营业执照（加盖公章）"), *licence.materials[1:])
    other = revised(pack, "licence", materials=renamed, one_per_period=False, personnel=first_list_as(pack, name="主要负责人", min_count=2))
    changes = {change.text: change.structural for change in diff_packs(pack, other).changes}
    assert changes[f"申报材料（{licence.materials[0].code}）更名：“{licence.materials[0].name}” → “营业执照（加盖公章）”"] is False
    assert changes[f"人员名单（{licence.personnel[0].code}）更名：“{licence.personnel[0].name}” → “主要负责人”"] is True
    assert changes[f"人员名单“主要负责人”的最少人数：{licence.personnel[0].min_count} → 2"] is False
    assert changes["每个年度只能有一份：是 → 否"] is True
