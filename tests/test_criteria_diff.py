"""criteria.diff: the difference between two pack states in the guide's terms (pure, no database)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from criteria import load_pack
from criteria.diff import diff_packs
from criteria.loader import DEFAULT_PACK
from criteria.structure import fits


@pytest.fixture(scope="module")
def original():
    return load_pack()


def revised(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]):
    folder = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, folder)
    for name, replacements in edits.items():
        content = (folder / name).read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in content, f"{old!r} not in {name}"
            content = content.replace(old, new, 1)
        (folder / name).write_text(content, encoding="utf-8")
    return load_pack(folder)


def sentences(result, area: str | None = None) -> list[str]:
    return [c.text for c in result.changes if area is None or c.area == area]


def test_identical_states_differ_in_nothing(original, tmp_path):
    result = diff_packs(original, revised(tmp_path, {}))
    assert result.changes == [] and result.files == [] and result.fits


def test_items_added_removed_renamed_and_rescored(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "general.yaml": [
                ("    name: 安全生产投入\n    max: 15\n", "    name: 安全生产投入\n    max: 10\n"),
                ("    name: 安全生产管理机构设置\n", "    name: 安全生产管理机构\n"),
                ("items:\n", "items:\n  - {code: informatization, name: 安全生产信息化管理, max: 5, standard: 建立台账}\n"),
            ]
        },
    )
    found = sentences(diff_packs(original, new), "企业一般安全生产条件动态考核（general.yaml）")
    assert "新增考核项目“安全生产信息化管理”（informatization），满分 5" in found
    assert "考核项目“安全生产投入”满分：15 → 10" in found
    assert "考核项目（safety_organization）更名：“安全生产管理机构设置” → “安全生产管理机构”" in found
    assert "考核项目的顺序已调整" not in found
    assert diff_packs(new, original).changes[0].text.startswith("删除考核项目“安全生产信息化管理”")


def test_weights_of_weighted_categories_are_called_weights(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "project.yaml": [
                ("    name: 安全管理\n    max: 10\n", "    name: 安全管理\n    max: 15\n"),
                ("    name: 文明施工\n    max: 15\n", "    name: 文明施工\n    max: 10\n"),
            ]
        },
    )
    found = sentences(diff_packs(original, new))
    assert "考核项目“安全管理”权重：10 → 15" in found and "考核项目“文明施工”权重：15 → 10" in found


def test_grade_bands_final_grade_weights_and_workflow(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "grading.yaml": [
                ("label: 基本合格, colour: yellow, min: 70, max: 85}", "label: 基本达标, colour: yellow, min: 70, max: 85}"),
                (
                    "{code: excellent, label: 优良,   colour: green,  min: 80, max: 100}",
                    "{code: excellent, label: 优良,   colour: green,  min: 85, max: 100}",
                ),
                (
                    "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 80}",
                    "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 85}",
                ),
                ("{final_grade: licence, weight: 0.60, required: true}", "{final_grade: licence, weight: 0.50, required: true}"),
                ("{kind: director,       weight: 0.40}", "{kind: director,       weight: 0.50}"),
                (
                    "catalogue: [penalty_license_suspended, penalty_qualification, accident_general_fatal]",
                    "catalogue: [penalty_license_suspended, accident_general_fatal]",
                ),
            ],
            "general.yaml": [
                ("label: 退回修改", "label: 退回整改"),
                ("to: approved,  roles: [district_authority, city_station]", "to: approved,  roles: [city_station]"),
            ],
        },
    )
    result = diff_packs(original, new)
    grades = sentences(result, "等次")
    assert "“安全生产许可证等次”等次（basic_pass）更名：“基本合格” → “基本达标”" in grades
    assert "“工程项目等次”等次“优良”分数区间：80 ≤ 分数 ≤ 100 → 85 ≤ 分数 ≤ 100" in grades  # the top band holds 100
    assert "“工程项目等次”等次“合格”分数区间：70 ≤ 分数 < 80 → 70 ≤ 分数 < 85" in grades
    finals = sentences(result, "最终等次")
    assert "“施工企业监管等次”中“安全生产许可证”的权重：0.6 → 0.5" in finals
    assert "“施工企业监管等次”中“安全生产总监专项考核”的权重：0.4 → 0.5" in finals
    assert any(s.startswith("“安全生产许可证”不再以“") and "penalty_" not in s for s in finals), finals  # by the entry's name
    general = sentences(result, "企业一般安全生产条件动态考核（general.yaml）")
    assert "办理步骤（return）更名：“退回修改” → “退回整改”" in general
    assert any(s.startswith("办理步骤“审核通过”的办理角色：") for s in general)
    assert not result.fits  # a workflow change waits for a restart; bands and weights alone would not
    assert {f.file for f in result.files} == {"grading.yaml", "general.yaml"}
    assert all(f.status == "changed" for f in result.files)


def test_header_fields_roles_and_districts_are_structural(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "general.yaml": [("    label: 联系人\n", "    label: 联系人姓名\n")],
            "roles.yaml": [("label: 监督员", "label: 安全监督员")],
            "districts.yaml": [
                (
                    '{code: laoshan,   name: 崂山区, division_code: "370212", city_reviewed: false}',
                    '{code: laoshan,   name: 崂山区, division_code: "370212", city_reviewed: true}',
                )
            ],
        },
    )
    result = diff_packs(original, new)
    assert "表头字段（contact_person）更名：“联系人” → “联系人姓名”" in sentences(result)
    assert "角色（supervisor）更名：“监督员” → “安全监督员”" in sentences(result, "角色")
    assert "区（市）“崂山区”由市级审核：否 → 是" in sentences(result, "区（市）")
    assert all(c.structural for c in result.changes) and not result.fits and not fits(original, new)


def test_rules_only_revisions_fit_the_running_platform(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "general.yaml": [
                ("    name: 安全生产投入\n    max: 15\n", "    name: 安全生产投入\n    max: 10\n"),
                ("    max: 5\n", "    max: 10\n"),
            ],
            "grading.yaml": [("label: 基本合格, colour: yellow", "label: 基本达标, colour: yellow")],
        },
    )
    result = diff_packs(original, new)
    assert result.fits and fits(original, new) and not any(c.structural for c in result.changes)


def test_a_kind_added_or_removed(original, tmp_path):
    folder = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, folder)
    toy = (folder / "director.yaml").read_text(encoding="utf-8").replace("code: director", "code: director_copy", 1)
    (folder / "director_copy.yaml").write_text(toy, encoding="utf-8")
    manifest = folder / "pack.yaml"
    manifest.write_text(
        re.sub(r"(?m)^(kinds: \[.*)\]$", r"\1, director_copy.yaml]", manifest.read_text(encoding="utf-8")), encoding="utf-8"
    )
    new = load_pack(folder)
    result = diff_packs(original, new)
    assert any(c.text.startswith("新增考核类别") and "director_copy" in c.text and c.structural for c in result.changes)
    assert [f.status for f in result.files if f.file == "director_copy.yaml"] == ["added"]
    assert any(c.text.startswith("删除考核类别") for c in diff_packs(new, original).changes)


def test_a_print_layout_revision_is_listed_and_fits_the_running_platform(original, tmp_path):
    new = revised(
        tmp_path,
        {
            "general.yaml": [
                ("  title: 企业一般安全生产条件动态考核表", "  title: 企业安全生产条件考核表"),
                ("    - {label: 企业主要负责人（签字）}\n", ""),
            ]
        },
    )
    result = diff_packs(original, new)
    found = sentences(result, "企业一般安全生产条件动态考核（general.yaml）")
    assert "打印格式的标题：“企业一般安全生产条件动态考核表” → “企业安全生产条件考核表”" in found
    signatures = "企业（盖章）、区（市）主管部门（盖章）"
    assert f"打印格式的签字盖章栏：企业主要负责人（签字）、{signatures} → {signatures}" in found
    assert result.fits
