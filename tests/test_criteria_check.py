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


def test_a_problem_in_chinese_names_the_entry_it_is_about(tmp_path):
    """The admin reads which item or field is wrong by its name, the path in brackets."""
    from criteria.problems_zh import problem_zh

    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "    max: 20\n", "    max: 0\n")
    edit(pack, "general.yaml", "    type: phone\n", "    type: telephone\n")
    with pytest.raises(CriteriaError) as caught:
        load_pack(pack)
    shown = [problem_zh(p) for p in caught.value.problems]
    assert any("考核项目“三类人员安全生产考核”的满分（items[3].max）：应大于 0" in line for line in shown), shown
    assert any("表头字段“联系电话”的类型（header_fields[1].type）" in line for line in shown), shown


def test_duplicate_item_codes(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "code: safety_investment", "code: safety_rules_system")
    line = line_of(pack, "general.yaml", "  - code: safety_rules_system\n".strip()) + 5
    assert problems(pack) == [f"{pack}/general.yaml: items[1].code: duplicate code 'safety_rules_system' (also items[0]) (line {line})"]


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
    assert problems(pack) == [f"{pack}/grading.yaml: scales[0].bands[1]: gap between 70 and 75: no band covers it (line {line})"]


def test_grade_bands_that_overlap(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack,
        "grading.yaml",
        "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 80}",
        "{code: pass,      label: 合格,   colour: yellow, min: 70, max: 82}",
    )
    line = line_of(pack, "grading.yaml", "{code: excellent, label: 优良")
    assert problems(pack) == [f"{pack}/grading.yaml: scales[2].bands[0]: overlaps the band below between 80 and 82 (line {line})"]


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
    edit(pack, "roles.yaml", 'version: "2026.1"\n', 'version: "2026.1"\nversion: "2026.2"\n')
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
    edit(pack, "grading.yaml", "catalogue: [accident_general_fatal, site_full_stop]", "catalogue: [accident_fatal, site_full_stop]")
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


# -- the licence assessment's parts: materials, personnel lists, ratings, rectification, registration --


def one_problem(pack: Path, file: str, path: str, message: str, snippet: str) -> None:
    """Exactly one problem, naming the file, the path, the message and the line of ``snippet``."""
    line = line_of(pack, file, snippet)
    assert problems(pack) == [f"{pack}/{file}: {path}: {message} (line {line})"]


def test_rating_band_not_on_the_scale(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "bands: [pass, basic_pass, fail]", "bands: [pass, basic_pass, failed]")
    found = problems(pack)
    line = line_of(pack, "licence.yaml", "bands: [pass, basic_pass, failed]")
    assert f"{pack}/licence.yaml: scoring.bands[2]: unknown band 'failed' of scale 'licence' (line {line})" in found
    # the rectification bands then name a band the reviewer cannot choose
    assert any("rectification.bands[1]: band 'fail' is not one the reviewer may choose (scoring.bands)" in p for p in found)
    assert len(found) == 2


def test_rectification_band_must_be_a_rating_choice(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "  bands: [basic_pass, fail]", "  bands: [basic_pass, excellent]")
    one_problem(
        pack,
        "licence.yaml",
        "rectification.bands[1]",
        "band 'excellent' is not one the reviewer may choose (scoring.bands)",
        "bands: [basic_pass, excellent]",
    )


def test_rectification_state_must_exist(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "  state: rectifying", "  state: fixing")
    one_problem(pack, "licence.yaml", "rectification.state", "unknown state 'fixing'", "state: fixing")


def test_rectification_deadline_must_be_working_days_and_dates(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "  working_days: 15", "  working_days: fifteen")
    edit(pack, "licence.yaml", "  non_working_days: []", "  non_working_days: [2026-10-01, 2026-13-01]")
    found = problems(pack)
    days = line_of(pack, "licence.yaml", "working_days: fifteen")
    assert found == [
        f"{pack}/licence.yaml: rectification.working_days: must be a whole number (line {days})",
        f"{pack}/licence.yaml: rectification.non_working_days[1]: must be a date (YYYY-MM-DD) "
        f"(line {line_of(pack, 'licence.yaml', 'non_working_days: [2026-10-01, 2026-13-01]')})",
    ]


def test_duplicate_material_and_personnel_list_codes(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "{code: qualification_certificate,", "{code: business_licence,")
    edit(pack, "licence.yaml", "{code: safety_officer,", "{code: principal,")
    line_material = line_of(pack, "licence.yaml", "{code: business_licence,      ")
    found = problems(pack)
    assert found[0] == (
        f"{pack}/licence.yaml: materials[1].code: duplicate code 'business_licence' (also materials[0]) (line {line_material + 1})"
    )
    assert found[1].startswith(f"{pack}/licence.yaml: personnel[3].code: duplicate code 'principal' (also personnel[0])")
    assert len(found) == 2


def test_personnel_list_needs_its_certificate_and_a_sane_count(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack,
        "licence.yaml",
        "certificate: 安全生产考核合格证书（A证）, position_label: 职务, min_count: 1}",
        "position_label: 职务, min_count: -1}",
    )
    found = problems(pack)
    line = line_of(pack, "licence.yaml", "name: 企业主要负责人,       position_label: 职务, min_count: -1}")
    assert found == [
        f"{pack}/licence.yaml: personnel[0].certificate: is required (line {line})",
        f"{pack}/licence.yaml: personnel[0].min_count: must be at least 0 (line {line})",
    ]


def test_a_rated_kind_has_no_items_and_rates_in_a_transition(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "opinion_required: true, self_review: false, rates: true}", "opinion_required: true, self_review: false}")
    one_problem(
        pack,
        "licence.yaml",
        "workflow.transitions",
        "no transition rates the record (rates: true), but scoring.method is rating",
        "  transitions:",
    )
    pack = copy_pack(tmp_path / "again")
    edit(pack, "general.yaml", "to: submitted, roles: [enterprise],", "to: submitted, roles: [enterprise], rates: true,")
    found = problems(pack)
    assert any("general.yaml: workflow.transitions[0].rates: only a kind rated by the reviewer" in p for p in found)


def test_opening_a_round_needs_a_rectification_block(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack,
        "general.yaml",
        "opinion_required: true, self_review: false}",
        "opinion_required: true, self_review: false, opens_rectification: true}",
    )
    one_problem(
        pack,
        "general.yaml",
        "workflow.transitions[1].opens_rectification",
        "the kind declares no rectification block",
        "opens_rectification: true}",
    )


def test_dossier_from_must_name_a_kind_with_materials(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "general.yaml", "dossier_from: licence", "dossier_from: licences")
    one_problem(pack, "general.yaml", "dossier_from", "unknown kind 'licences'", "dossier_from: licences")
    pack = copy_pack(tmp_path / "again")
    edit(pack, "general.yaml", "dossier_from: licence", "dossier_from: director")
    one_problem(pack, "general.yaml", "dossier_from", "kind 'director' declares no materials or personnel", "dossier_from: director")


def test_only_one_kind_declares_the_materials_checklist(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "director.yaml", "items:\n", "materials:\n  - {code: appointment, name: 任命文件}\nitems:\n")
    found = problems(pack)
    assert found == [
        f"{pack}/director.yaml: materials: only one kind may declare materials and personnel lists; 'licence' (licence.yaml) "
        f"declares them too (the other kinds show them with dossier_from) (line {line_of(pack, 'director.yaml', 'materials:')})",
        f"{pack}/licence.yaml: materials: only one kind may declare materials and personnel lists; 'director' (director.yaml) "
        f"declares them too (the other kinds show them with dossier_from) (line {line_of(pack, 'licence.yaml', 'materials:')})",
    ]


def test_self_registration_role_and_approvers(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "roles.yaml", "registry: read}", "registry: read, self_registration: true}")
    found = problems(pack)
    supervisor = line_of(pack, "roles.yaml", "{code: supervisor,")
    assert found == [
        f"{pack}/roles.yaml: roles[3].self_registration: only a role with scope enterprise can be self-registered (line {supervisor})",
        f"{pack}/roles.yaml: roles[4].self_registration: only one role may be given to self-registered accounts "
        f"(also roles[3]) (line {supervisor + 1})",
    ]
    pack = copy_pack(tmp_path / "again")
    edit(
        pack,
        "roles.yaml",
        "registry: read, self_registration: true, reads_id_numbers: true}",
        "registry: read, self_registration: true, approves_registrations: true, reads_id_numbers: true}",
    )
    one_problem(
        pack,
        "roles.yaml",
        "roles[4].approves_registrations",
        "only a role with scope district or all approves registrations",
        "self_registration: true, approves_registrations: true",
    )


def test_a_rated_kind_is_no_score_source_of_a_final_grade(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "source: {kind: general}", "source: {kind: licence}")
    one_problem(
        pack,
        "grading.yaml",
        "final_grades[1].source.kind",
        "kind 'licence' is rated by the reviewer and has no score to grade",
        "source: {kind: licence}",
    )


def test_the_jinan_pack_is_valid():
    from criteria.loader import CRITERIA_ROOT

    pack = load_pack(CRITERIA_ROOT / "jinan")
    assert pack.region == "济南市" and set(pack.kinds) == {"licence", "general"}
    licence = {b.code: (b.min, b.max) for b in pack.scales["licence"].bands}
    assert licence == {"pass": (85, 100), "basic_pass": (70, 85), "fail": (0, 70)}
    assert [d.name for d in pack.districts][:3] == ["历下区", "市中区", "槐荫区"]


def test_the_deadline_and_the_position_column_are_stated_by_the_pack(tmp_path):
    """The guide says how many working days a round lasts and what each list's position column is
    called; the platform assumes neither."""
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "  working_days: 15\n", "")
    edit(pack, "licence.yaml", ", position_label: 职务, min_count: 1}", ", min_count: 1}")
    found = problems(pack)
    block = (pack / "licence.yaml").read_text(encoding="utf-8").splitlines().index("rectification:") + 1
    assert found == [
        f"{pack}/licence.yaml: personnel[0].position_label: is required (line {line_of(pack, 'licence.yaml', '{code: principal,')})",
        f"{pack}/licence.yaml: rectification.working_days: is required (line {block})",
    ]


def test_a_stored_version_from_before_the_position_column_was_required_still_loads():
    from criteria import load_snapshot

    running = load_pack(DEFAULT_PACK)
    old = {
        **running.files,
        "licence.yaml": running.files["licence.yaml"].replace(", position_label: 职务, min_count: 1}", ", min_count: 1}"),
    }
    assert old["licence.yaml"] != running.files["licence.yaml"]
    with pytest.raises(CriteriaError):
        load_snapshot(old, "qingdao", "qingdao（第1版）", running.path)
    stored = load_snapshot(old, "qingdao", "qingdao（第1版）", running.path, fill_from=running)
    assert [e.position_label for e in stored.personnel_lists] == [e.position_label for e in running.personnel_lists]
    assert stored.files["licence.yaml"] == old["licence.yaml"]  # the stored text is kept as it was


def test_a_composite_part_must_name_a_known_scored_kind(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "{kind: director,       weight: 0.40}", "{kind: directors,      weight: 0.40}")
    one_problem(pack, "grading.yaml", "final_grades[3].composite.parts[1].kind", "unknown kind 'directors'", "{kind: directors,")


def test_a_composites_weights_must_sum_to_one(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "{kind: general,  weight: 0.30}", "{kind: general,  weight: 0.20}")
    one_problem(pack, "grading.yaml", "final_grades[0].composite.parts", "weights add up to 0.9, but weights_total is 1.0", "parts:")


def test_final_grades_that_need_each_other_are_refused(tmp_path):
    """The supervision grade is capped by the director grade; a director grade weighing the
    supervision grade could never be computed."""
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "{kind: general,  weight: 0.30}", "{final_grade: enterprise, weight: 0.30}")
    one_problem(
        pack,
        "grading.yaml",
        "final_grades[0].composite.parts[1].final_grade",
        "final grades need each other: director → enterprise → director",
        "{final_grade: enterprise, weight: 0.30}",
    )


def test_a_grade_is_rated_by_a_rated_kind_and_capped_by_a_project_kind(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "rated_by: licence", "rated_by: general")
    edit(
        pack,
        "grading.yaml",
        "{condition: projects_in_band_at_least, kind: project, band: fail, count: 2",
        "{condition: projects_in_band_at_least, kind: director, band: fail, count: 2",
    )
    found = problems(pack)
    rated, capped = line_of(pack, "grading.yaml", "rated_by: general"), line_of(pack, "grading.yaml", "kind: director, band: fail")
    assert found == [
        f"{pack}/grading.yaml: final_grades[1].rated_by: kind 'general' is scored, not rated by the reviewer (line {rated})",
        f"{pack}/grading.yaml: final_grades[1].caps[1].kind: kind 'director' is not assessed per project (line {capped})",
    ]


def test_a_part_names_a_kind_or_a_grade_not_both(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "grading.yaml", "{kind: general,  weight: 0.30}", "{kind: general, final_grade: licence, weight: 0.30}")
    found = problems(pack)
    assert len(found) == 1 and "final_grades[0].composite.parts[1]" in found[0]
    assert "exactly one of final_grade and kind is required" in found[0]


def test_an_expiry_veto_reads_a_date_field(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "licence.yaml", "expires_field: licence_valid_until", "expires_field: licence_no")
    one_problem(
        pack, "licence.yaml", "vetoes[0].expires_field", "'licence_no' is not a date field of the kind", "expires_field: licence_no"
    )


def two_packs(tmp_path: Path) -> tuple[Path, Path]:
    from criteria.loader import CRITERIA_ROOT

    for code in ("qingdao", "jinan"):
        shutil.copytree(CRITERIA_ROOT / code, tmp_path / code)
    return tmp_path / "qingdao", tmp_path / "jinan"


def test_a_kind_file_extends_another_packs_kind_and_states_only_what_differs(tmp_path):
    """Jinan's general kind is Qingdao's by reference, with its own word for a rejected item; a
    stored version keeps Qingdao's file under its reference, so it loads on its own."""
    from criteria import load_snapshot

    qingdao, jinan = two_packs(tmp_path)
    pack = load_pack(jinan)
    general = pack.kinds["general"]
    assert [s.label for s in general.workflow.item_statuses] == ["待审核", "通过", "不通过"]
    assert [i.name for i in general.items] == [i.name for i in load_pack(qingdao).kinds["general"].items]
    assert pack.files["qingdao/general.yaml"] == (qingdao / "general.yaml").read_text(encoding="utf-8")
    stored = load_snapshot(pack.files, "jinan", "第 1 版", jinan)
    assert stored.kinds["general"].content_hash == general.content_hash
    edit(qingdao, "general.yaml", "name: 三类人员安全生产考核", "name: 三类人员考核")  # a later change of Qingdao's file...
    assert load_pack(jinan).kinds["general"].content_hash != general.content_hash  # ...reaches the folder
    assert load_snapshot(pack.files, "jinan", "第 1 版", jinan).kinds["general"].items == general.items  # not the version


def test_a_problem_of_an_extended_kind_names_the_file_it_comes_from(tmp_path):
    qingdao, jinan = two_packs(tmp_path)
    edit(qingdao, "general.yaml", "    max: 15\n", "    max: 0\n")
    edit(jinan, "general.yaml", "label: 不通过, means: reject}", "label: 不通过, means: refuse}")
    found = problems(jinan)
    base_line, own_line = line_of(qingdao, "general.yaml", "    max: 0"), line_of(jinan, "general.yaml", "means: refuse")
    assert f"{qingdao}/general.yaml: items[1].max: must be greater than 0 (line {base_line})" in found
    assert any(p.startswith(f"{jinan}/general.yaml: workflow.item_statuses[2].means:") and f"(line {own_line})" in p for p in found)


def test_an_extended_kind_must_exist_and_not_extend_again(tmp_path):
    qingdao, jinan = two_packs(tmp_path)
    edit(jinan, "general.yaml", "extends: qingdao/general.yaml", "extends: yantai/general.yaml")
    line = line_of(jinan, "general.yaml", "extends:")
    where = "(a pack folder beside this one, or kept with the version)"
    assert problems(jinan) == [f"{jinan}/general.yaml: extends: 'yantai/general.yaml' not found {where} (line {line})"]
    edit(jinan, "general.yaml", "extends: yantai/general.yaml", "extends: ../secret.yaml")
    assert "should name another pack's kind file, as <pack>/<file>.yaml" in problems(jinan)[0]
    edit(jinan, "general.yaml", "extends: ../secret.yaml", "extends: qingdao/general.yaml")
    (qingdao / "general.yaml").write_text("extends: jinan/general.yaml\n", encoding="utf-8")
    assert "extends another kind file itself; extend that one directly" in problems(jinan)[0]
