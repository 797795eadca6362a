"""A broken pack is refused whole, with every problem named by file, path and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from criteria import CriteriaError, load_pack
from criteria.loader import DEFAULT_PACK


def copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "qingdao"
    shutil.copytree(DEFAULT_PACK, target)
    return target


def edit(pack: Path, file: str, old: str, new: str) -> None:
    path = pack / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(pack: Path, file: str, snippet: str) -> int:
    lines = (pack / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if snippet in line)


def problems(pack: Path) -> list[str]:
    with pytest.raises(CriteriaError) as caught:
        load_pack(pack)
    return [str(p) for p in caught.value.problems]


def test_item_max_must_be_positive(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 20\n", "    max: 0\n")
    line = line_of(pack, "general.yaml", "    max: 0")
    assert problems(pack) == [f"{pack}/general.yaml: items[3].max: must be greater than 0 (line {line})"]


def test_duplicate_item_codes(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "code: safety_investment", "code: safety_rules_system")
    line = line_of(pack, "general.yaml", "  - code: safety_rules_system\n".strip()) + 5
    assert problems(pack) == [
        f"{pack}/general.yaml: items[1].code: duplicate code 'safety_rules_system' (also items[0]) (line {line})"
    ]


def test_weights_must_add_up_to_the_declared_total(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 15\n", "    max: 14\n")
    line = line_of(pack, "general.yaml", "items:")
    assert problems(pack) == [f"{pack}/general.yaml: items: max scores add up to 99, but total is 100 (line {line})"]


def test_dangling_role_reference(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "director.yaml", "filled_by: enterprise", "filled_by: contractor")
    line = line_of(pack, "director.yaml", "filled_by: contractor")
    assert problems(pack) == [f"{pack}/director.yaml: filled_by: unknown role 'contractor' (line {line})"]


def test_dangling_subtable_reference(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "project.yaml", "subtables: [foundation_pit]", "subtables: [foundation_pits]")
    found = problems(pack)
    line = line_of(pack, "project.yaml", "subtables: [foundation_pits]")
    assert f"{pack}/project.yaml: items[3].subtables[0]: unknown sub-table 'foundation_pits' (line {line})" in found
    assert any("sub-table 'foundation_pit' feeds no item" in p for p in found)
    assert len(found) == 2


def test_grade_bands_with_a_gap(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "min: 70, max: 85}", "min: 75, max: 85}")
    line = line_of(pack, "grading.yaml", "min: 75, max: 85}")
    assert problems(pack) == [
        f"{pack}/grading.yaml: scales[0].bands[1]: gap between 70 and 75: no band covers it (line {line})"
    ]


def test_grade_bands_that_overlap(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 80}",
         "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 82}")
    line = line_of(pack, "grading.yaml", "{code: excellent, label: 优良")
    assert problems(pack) == [
        f"{pack}/grading.yaml: scales[2].bands[0]: overlaps the band below between 80 and 82 (line {line})"
    ]


def test_unknown_key(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 10\n", "    max: 10\n    maximum: 10\n")
    line = line_of(pack, "general.yaml", "maximum: 10")
    assert problems(pack) == [f"{pack}/general.yaml: items[0].maximum: unknown key (line {line})"]


def test_yaml_syntax_error_names_the_line(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "daily.yaml", "code: daily", "code: daily: broken")
    line = line_of(pack, "daily.yaml", "code: daily: broken")
    assert problems(pack) == [
        f"{pack}/daily.yaml: YAML syntax error at line {line}, column 12: mapping values are not allowed in this context"
    ]


def test_missing_required_field(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "director.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("standard:"))
    del lines[index]
    path.write_text("".join(lines), encoding="utf-8")
    line = line_of(pack, "director.yaml", "code: rules_and_plans")
    assert problems(pack) == [f"{pack}/director.yaml: items[0].standard: is required (line {line})"]


def test_listed_file_missing(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "daily.yaml").unlink()
    assert problems(pack) == [f"{pack}/daily.yaml: file not found"]


def test_duplicate_yaml_key(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "roles.yaml", "version: \"2026.1\"\n", "version: \"2026.1\"\nversion: \"2026.2\"\n")
    assert problems(pack) == [f"{pack}/roles.yaml: version: duplicate key (line 2)"]


def test_wrong_type(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 10\n", "    max: ten\n")
    line = line_of(pack, "general.yaml", "max: ten")
    assert problems(pack) == [f"{pack}/general.yaml: items[0].max: must be a number (line {line})"]


def test_workflow_transition_to_unknown_state(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "to: submitted", "to: sent")
    line = line_of(pack, "general.yaml", "to: sent")
    assert problems(pack) == [f"{pack}/general.yaml: workflow.transitions[0].to: unknown state 'sent' (line {line})"]


def test_subtable_lines_must_add_up(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "project.yaml", "{name: 平刨, max: 10", "{name: 平刨, max: 11")
    found = problems(pack)
    assert len(found) == 1 and found[0].startswith(f"{pack}/project.yaml: subtables[18].lines: line max scores add up to 101, not 100")


def test_veto_to_unknown_band_and_unknown_catalogue_veto(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "director.yaml", "grade: fail", "grade: failed")
    edit(pack, "grading.yaml", "catalogue: [accident_general_fatal]", "catalogue: [accident_fatal]")
    found = problems(pack)
    assert any(p.startswith(f"{pack}/director.yaml: vetoes[0].grade: unknown band 'failed' of scale 'director'") for p in found)
    assert any(p.startswith(f"{pack}/grading.yaml: final_grades[2].vetoes.catalogue[0]: unknown veto 'accident_fatal'") for p in found)
    assert len(found) == 2


def test_pack_code_must_match_folder(tmp_path):
    pack = copy_pack(tmp_path)
    renamed = pack.rename(tmp_path / "other")
    assert problems(renamed) == [f"{renamed}/pack.yaml: code: 'qingdao' must equal the folder name 'other' (line 2)"]


def test_every_problem_is_reported_at_once(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 20\n", "    max: -1\n")
    edit(pack, "director.yaml", "filled_by: enterprise", "filled_by: nobody")
    edit(pack, "districts.yaml", "city_reviewed: true}", "city_reviewed: yes please}")
    found = problems(pack)
    assert len(found) == 3
    assert [p.split(": ")[0] for p in found] == [f"{pack}/director.yaml", f"{pack}/districts.yaml", f"{pack}/general.yaml"]


def test_record_evidence_codes_are_unique_and_keys_known(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "project.yaml", "{code: other, name: 其他附件", "{code: signed_form, name: 其他附件")
    line = line_of(pack, "project.yaml", "{code: signed_form, name: 其他附件")
    assert problems(pack) == [
        f"{pack}/project.yaml: record_evidence[1].code: duplicate code 'signed_form' (also record_evidence[0]) (line {line})"
    ]
    pack = copy_pack(tmp_path / "again")
    edit(pack, "project.yaml", "required: true}", "required: true, pages: 2}")
    assert [p.split(" (line")[0] for p in problems(pack)] == [f"{pack}/project.yaml: record_evidence[0].pages: unknown key"]
