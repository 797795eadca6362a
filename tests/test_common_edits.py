"""常用修改: the items table, the grade bands and the weights edited in forms, written into the YAML
underneath (comments and layout kept), validated whole and recorded as a version; a wrong entry is
named beside its field or by the item's name, and nothing is stored."""

from __future__ import annotations

import difflib
import re

from criteria.yaml_edit import EditShapeError, set_values
from tests.support import TOKEN, login, visible_text
from tests.test_guide_in_database import newest_number, stored_text

ITEMS = "/criteria-admin/forms/items?path=general.yaml"


def form_of(client, url: str) -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    fields.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    fields["csrf_token"] = TOKEN.search(page).group(1)
    return fields


def test_the_items_form_changes_only_the_values_and_keeps_the_files_comments(app):
    admin = app.test_client()
    login(admin, "admin")
    before, number = stored_text(app, "general.yaml"), newest_number(app)
    form = form_of(admin, ITEMS)
    assert form["items[0].max"] == "10" and form["items[1].max"] == "15"
    answer = admin.post(
        ITEMS, data={**form, "items[0].max": "12", "items[1].max": "13", "items[1].name": "安全生产费用投入", "note": "按新文件调整"}
    )
    assert answer.status_code == 302, visible_text(answer.get_data(as_text=True))[:800]
    after = stored_text(app, "general.yaml")
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]
    assert changed == [
        "-     max: 10",
        "+     max: 12",
        "-     name: 安全生产投入",
        '+     name: "安全生产费用投入"',
        "-     max: 15",
        "+     max: 13",
    ]
    assert newest_number(app) == number + 1


def test_the_evidence_list_is_edited_one_entry_per_line(app):
    admin = app.test_client()
    login(admin, "admin")
    before = stored_text(app, "general.yaml")
    form = form_of(admin, ITEMS)
    assert form["items[0].evidence"].splitlines() == ["安全生产责任制文件", "安全生产规章制度目录", "安全操作规程目录", "责任制考核记录"]
    typed = "安全生产责任制文件\r\n\r\n  安全生产规章制度目录  \r\n年度考核记录（含签字）\r\n"
    answer = admin.post(ITEMS, data={**form, "items[0].evidence": typed, "note": "资料清单按新文件调整"})
    assert answer.status_code == 302, visible_text(answer.get_data(as_text=True))[:800]
    changed = [
        line for line in difflib.ndiff(before.splitlines(), stored_text(app, "general.yaml").splitlines()) if line[:2] in ("- ", "+ ")
    ]
    assert changed == [
        '-     evidence: ["安全生产责任制文件", "安全生产规章制度目录", "安全操作规程目录", "责任制考核记录"]   # [A] 可按本地规定修改',
        '+     evidence: ["安全生产责任制文件", "安全生产规章制度目录", "年度考核记录（含签字）"]   # [A] 可按本地规定修改',
    ]


def test_a_wrong_entry_is_named_and_nothing_is_stored(app):
    admin = app.test_client()
    login(admin, "admin")
    number = newest_number(app)
    form = form_of(admin, ITEMS)
    typed = admin.post(ITEMS, data={**form, "items[0].max": "十分", "note": "试错"})
    page = visible_text(typed.get_data(as_text=True))
    assert typed.status_code == 200 and "应为数字" in page and "十分" in typed.get_data(as_text=True)  # kept as typed
    unbalanced = admin.post(ITEMS, data={**form, "items[0].max": "11", "note": "试错"})
    assert "各考核项目满分合计为 101，但总分（total）为 100" in visible_text(unbalanced.get_data(as_text=True))
    assert newest_number(app) == number


def test_bands_and_weights_are_edited_in_a_form(app):
    admin = app.test_client()
    login(admin, "admin")
    url = "/criteria-admin/forms/grading"
    form = form_of(admin, url)
    answer = admin.post(
        url,
        data={
            **form,
            "scales[0].bands[0].min": "80",
            "scales[0].bands[1].max": "80",
            "final_grades[3].composite.parts[0].weight": "0.50",
            "final_grades[3].composite.parts[1].weight": "0.50",
            "note": "调整分数线和权重",
        },
    )
    assert answer.status_code == 302, visible_text(answer.get_data(as_text=True))[:800]
    text = stored_text(app, "grading.yaml")
    assert "{code: pass,       label: 合格,     colour: green,  min: 80, max: 100}   # [V2]" in text  # the comment stays
    assert "{final_grade: licence, weight: 0.50, required: true}" in text
    gap = admin.post(url, data={**form_of(admin, url), "scales[0].bands[1].max": "75", "note": "留空档"})
    assert "grading.yaml" in visible_text(gap.get_data(as_text=True)) and gap.status_code == 200


def test_a_value_spread_over_lines_is_left_to_the_file_editor():
    text = "items:\n  - code: a\n    standard: |\n      多行\n"
    try:
        set_values(text, {"items[0].standard": "一行"})
    except EditShapeError as refused:
        assert "请在文件编辑器中修改" in str(refused)
    else:
        raise AssertionError("a block scalar was rewritten")


def test_a_list_spread_over_lines_is_left_to_the_file_editor():
    text = "items:\n  - code: a\n    evidence:\n      - 甲\n      - 乙\n"
    try:
        set_values(text, {"items[0].evidence": ["丙"]})
    except EditShapeError as refused:
        assert "items[0].evidence" in str(refused) and "请在文件编辑器中修改" in str(refused)
    else:
        raise AssertionError("a block list was rewritten")
    one_line = "items:\n  - code: a\n    evidence: ['甲, 乙', \"丙\"]  # note\n"
    assert set_values(one_line, {"items[0].evidence": ["丁"]}) == 'items:\n  - code: a\n    evidence: ["丁"]  # note\n'
