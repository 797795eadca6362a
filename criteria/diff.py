"""The difference between two states of a pack, in the guide's own terms (pure: two Packs in).

An admin comparing criteria versions wants to read "考核项目“安全教育培训”满分 10 → 12", not a
text diff: items added, removed or renamed (same code, new name), maximum scores and weights,
header fields, grade bands (labels and bounds), final-grade weights, workflow states and steps.
The raw text difference of every file comes along as a secondary view.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from criteria.pack import Kind, Pack
from criteria.print_layout import layout_changes
from criteria.rules import Workflow
from criteria.structure import fits


@dataclass(frozen=True)
class Change:
    area: str  # where: a kind, 等次, 最终等次, 角色 ...
    text: str  # one sentence, Chinese
    structural: bool = False  # changes the structure: schema steps, then the workers reload (criteria.structure)


@dataclass(frozen=True)
class FileDiff:
    file: str
    status: str  # added | removed | changed
    lines: tuple[str, ...]  # unified diff lines


@dataclass
class PackDiff:
    changes: list[Change] = field(default_factory=list)
    files: list[FileDiff] = field(default_factory=list)
    fits: bool = True  # the newer state keeps the structure (no reload)

    @property
    def areas(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.area, []).append(change)
        return grouped


def shown(value: Any) -> str:
    """A value as the sentences show it."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return shown(Decimal(str(value)))
    if isinstance(value, (list, tuple)):
        return "、".join(shown(v) for v in value) if value else "（无）"
    if isinstance(value, dict):
        return "，".join(f"{k}: {shown(v)}" for k, v in value.items())
    return f"“{value}”" if isinstance(value, str) else str(value)


def _params(prefix: str, old: Any, new: Any) -> Iterator[str]:
    """``prefix.key：old → new`` for every leaf that differs (lists compare whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            yield from _params(f"{prefix}.{key}" if prefix else str(key), old.get(key), new.get(key))
    elif old != new:
        yield f"{prefix}：{shown(old)} → {shown(new)}"


def _plain(block: Any) -> dict[str, Any]:
    """A typed rule block as the mapping its YAML wrote (empty when the pack has none)."""
    return asdict(block) if block is not None else {}


def _by_code(entries: Iterable[Any], key: str = "code") -> dict[str, Any]:
    return {(e[key] if isinstance(e, dict) else getattr(e, key)): e for e in entries}


def _field(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)


def _entries(
    old: Iterable[Any],
    new: Iterable[Any],
    noun: str,
    fields: dict[str, str],
    name: str = "name",
    key: str = "code",
    added: Callable[[Any], str] | None = None,
) -> Iterator[str]:
    """Added, removed and renamed entries (matched by code), and the listed fields that changed;
    ``added`` describes a new entry further."""
    before, after = _by_code(old, key), _by_code(new, key)
    for code, entry in after.items():
        if code not in before:
            yield f"新增{noun}{shown(_field(entry, name))}（{code}）{added(entry) if added else ''}"
    for code, entry in before.items():
        if code not in after:
            yield f"删除{noun}{shown(_field(entry, name))}（{code}）"
    for code, entry in after.items():
        if code not in before:
            continue
        was = before[code]
        if _field(was, name) != _field(entry, name):
            yield f"{noun}（{code}）更名：{shown(_field(was, name))} → {shown(_field(entry, name))}"
        for attribute, label in fields.items():
            if _field(was, attribute) != _field(entry, attribute):
                yield (f"{noun}{shown(_field(entry, name))}{label}：{shown(_field(was, attribute))} → {shown(_field(entry, attribute))}")


# -- kinds ------------------------------------------------------------------------------------------


def _items(old: Kind, new: Kind) -> Iterator[str]:
    weight = new.scoring.item_max_label
    yield from _entries(
        old.items,
        new.items,
        "考核项目",
        {"max": weight, "evidence": "的证明材料", "subtables": "的分项检查评分表", "combine": "的合并方式"},
        added=lambda item: f"，{weight} {shown(item.max)}",
    )
    before = _by_code(old.items)
    for item in new.items:
        if item.code in before and before[item.code].standard != item.standard:
            yield f"考核项目“{item.name}”的评价标准已修改"
    if [i.code for i in old.items if i.code in _by_code(new.items)] != [i.code for i in new.items if i.code in before]:
        yield "考核项目的顺序已调整"


def _workflow(old: Workflow, new: Workflow) -> Iterator[str]:
    if old.initial != new.initial:
        yield f"初始状态：{shown(old.initial)} → {shown(new.initial)}"
    yield from _entries(old.states, new.states, "状态", {"editable": "可修改"}, name="label")
    yield from _entries(
        old.transitions,
        new.transitions,
        "办理步骤",
        {
            "from_states": "的起始状态",
            "to": "的目标状态",
            "roles": "的办理角色",
            "opinion_required": "须填意见",
            "self_review": "可由本企业办理",
            "requires": "的前提条件",
            "reopens_rejected_items": "退回不通过项",
        },
        name="label",
    )
    yield from _entries(old.item_statuses, new.item_statuses, "审核结论", {"means": "的含义"}, name="label")
    yield from _params("审核分派", _plain(old.review_routing), _plain(new.review_routing))


def _kind(old: Kind, new: Kind) -> Iterator[tuple[str, bool]]:
    """(sentence, structural) for one kind present in both states."""
    for attribute, label, structural in (
        ("name", "名称", False),
        ("short_name", "菜单名称", True),
        ("subject", "考核对象", True),
        ("filled_by", "填报角色", True),
        ("reviewed_by", "审核角色", True),
        ("grade_scale", "等次标准", False),
        ("total", "总分", False),
        ("basis", "依据", False),
        ("version", "文件版本号", False),
        ("dossier_from", "共用申报材料和人员名单的考核", True),
        ("one_per_period", "每个年度只能有一份", True),
    ):
        if getattr(old, attribute) != getattr(new, attribute):
            yield f"{label}：{shown(getattr(old, attribute))} → {shown(getattr(new, attribute))}", structural
    yield from ((line, False) for line in _items(old, new))
    yield from (
        (line, True)
        for line in _entries(
            old.header_fields,
            new.header_fields,
            "表头字段",
            {
                "type": "的类型",
                "required": "必填",
                "max_length": "的最大长度",
                "choices": "的选项",
                "choices_from": "的选项来源",
                "help": "的填写说明",
            },
            name="label",
        )
    )
    yield from ((line, False) for line in _entries(old.record_evidence, new.record_evidence, "整份考核材料", {"required": "必须上传"}))
    yield from ((line, False) for line in _entries(old.vetoes, new.vetoes, "否决项", {"grade": "判定等次"}))
    yield from ((line, line.startswith("评分规则.method")) for line in _params("评分规则", old.scoring.params(), new.scoring.params()))
    checklist = bool(old.materials) != bool(new.materials)  # whether the kind has a checklist at all is bound
    yield from (
        (line, checklist)
        for line in _entries(
            old.materials, new.materials, "申报材料", {"required": "必传", "rectification": "为整改材料", "help": "的说明"}
        )
    )
    yield from (
        (line, line.startswith(("新增", "删除")) or "更名" in line)
        for line in _entries(
            old.personnel, new.personnel, "人员名单", {"certificate": "的证书", "position_label": "的职务栏名称", "min_count": "的最少人数"}
        )
    )
    yield from ((line, False) for line in _params("整改", _plain(old.rectification), _plain(new.rectification)))
    yield from ((line, False) for line in _entries(old.subtables, new.subtables, "分项检查评分表", {"lines": "的检查项"}))
    catalogue = list(
        _entries(
            old.catalogue,
            new.catalogue,
            "目录条目",
            {
                "points": "分值",
                "kind": "的类别",
                "applies_to": "的适用对象",
                "group": "的分组",
                "grade": "判定等次",
                "description": "的说明",
            },
        )
    )
    yield from ((line, line.startswith(("新增", "删除")) or "更名" in line) for line in catalogue)
    yield from ((line, True) for line in _workflow(old.workflow, new.workflow))
    yield from ((line, False) for line in layout_changes(old.printing, new.printing))


def _kinds(old: Pack, new: Pack) -> Iterator[Change]:
    for code, kind in new.kinds.items():
        if code not in old.kinds:
            yield Change("考核类别", f"新增考核类别“{kind.name}”（{code}，{kind.file}，{len(kind.items)} 项）", True)
    for code, kind in old.kinds.items():
        if code not in new.kinds:
            yield Change("考核类别", f"删除考核类别“{kind.name}”（{code}）", True)
    for code, kind in new.kinds.items():
        if code in old.kinds:
            area = f"{kind.name}（{kind.file}）"
            yield from (Change(area, text, structural) for text, structural in _kind(old.kinds[code], kind))


# -- grading, roles, districts ----------------------------------------------------------------------


def band_range(scale: Any, band: Any) -> str:
    """A band's scores in plain words: ``70 ≤ 分数 < 85``; the band at the top of the scale holds its
    maximum too (``85 ≤ 分数 ≤ 100``)."""
    upper = "≤" if band.max == scale.max else "<"
    return f"{shown(band.min)} ≤ 分数 {upper} {shown(band.max)}"


def _scales(old: Pack, new: Pack) -> Iterator[str]:
    for code, scale in new.scales.items():
        if code not in old.scales:
            bands = "、".join(f"{b.label}（{band_range(scale, b)}）" for b in scale.bands)
            yield f"新增等次标准“{scale.name}”（{code}）：{bands}"
    for code, scale in old.scales.items():
        if code not in new.scales:
            yield f"删除等次标准“{scale.name}”（{code}）"
    for code, scale in new.scales.items():
        was = old.scales.get(code)
        if was is None:
            continue
        for key, label in (("name", "名称"), ("min", "最低分"), ("max", "最高分")):
            if getattr(was, key) != getattr(scale, key):
                yield f"等次标准“{scale.name}”{label}：{shown(getattr(was, key))} → {shown(getattr(scale, key))}"
        before = _by_code(was.bands)
        for band in scale.bands:
            prior = before.get(band.code)
            if prior is None:
                yield f"“{scale.name}”新增等次“{band.label}”（{band.code}）：{band_range(scale, band)}"
                continue
            if prior.label != band.label:
                yield f"“{scale.name}”等次（{band.code}）更名：“{prior.label}” → “{band.label}”"
            if (prior.min, prior.max) != (band.min, band.max):
                yield f"“{scale.name}”等次“{band.label}”分数区间：{band_range(was, prior)} → {band_range(scale, band)}"
            if prior.colour != band.colour:
                yield f"“{scale.name}”等次“{band.label}”颜色：{shown(prior.colour)} → {shown(band.colour)}"
        after = _by_code(scale.bands)
        for band in was.bands:
            if band.code not in after:
                yield f"“{scale.name}”删除等次“{band.label}”（{band.code}）"


def _parts(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A composite's parts by what they read: ``kind:<code>`` for a kind, else the final grade's code."""
    parts = (spec.get("composite") or {}).get("parts", [])
    return {f"kind:{p['kind']}" if p.get("kind") else p["final_grade"]: p for p in parts}


def _final_grades(old: Pack, new: Pack) -> Iterator[tuple[str, bool]]:
    before, after = _by_code(map(asdict, old.final_grades)), _by_code(map(asdict, new.final_grades))
    names = {**{c: f["name"] for c, f in before.items()}, **{c: f["name"] for c, f in after.items()}}
    kind_names = {f"kind:{code}": kind.name for pack in (old, new) for code, kind in pack.kinds.items()}
    part_names = {**names, **kind_names}
    for code, spec in after.items():
        if code not in before:
            yield f"新增最终等次“{spec['name']}”（{code}）", True
    for code, spec in before.items():
        if code not in after:
            yield f"删除最终等次“{spec['name']}”（{code}）", True
    for code, spec in after.items():
        was = before.get(code)
        if was is None:
            continue
        if was["name"] != spec["name"]:
            yield f"最终等次（{code}）更名：“{was['name']}” → “{spec['name']}”", True
        old_parts = _parts(was)
        new_parts = _parts(spec)
        for part_code in dict.fromkeys([*old_parts, *new_parts]):
            weight_before = old_parts.get(part_code, {}).get("weight")
            weight_after = new_parts.get(part_code, {}).get("weight")
            if weight_before != weight_after:
                yield (
                    (f"“{spec['name']}”中“{part_names.get(part_code, part_code)}”的权重：{shown(weight_before)} → {shown(weight_after)}"),
                    False,
                )
        entries = {e.code: e.name for pack in (old, new) for kind in pack.kinds.values() for e in kind.catalogue}
        vetoes_before = set((was.get("vetoes") or {}).get("catalogue") or ())
        vetoes_after = set((spec.get("vetoes") or {}).get("catalogue") or ())
        for veto in sorted(vetoes_after - vetoes_before):
            yield f"“{spec['name']}”新增否决事项“{entries.get(veto, veto)}”", False
        for veto in sorted(vetoes_before - vetoes_after):
            yield f"“{spec['name']}”不再以“{entries.get(veto, veto)}”否决", False
        rest_before = {k: v for k, v in was.items() if k not in ("code", "name")}
        rest_after = {k: v for k, v in spec.items() if k not in ("code", "name")}
        for section in (rest_before, rest_after):
            if section.get("composite"):
                section["composite"] = {k: v for k, v in section["composite"].items() if k != "parts"}
            if section.get("vetoes"):
                section["vetoes"] = {k: v for k, v in section["vetoes"].items() if k != "catalogue"}
        for line in _params(f"“{spec['name']}”", rest_before, rest_after):
            yield line, False


def _adjustments(old: Pack, new: Pack) -> Iterator[str]:
    for key in dict.fromkeys([*old.adjustments, *new.adjustments]):
        was, now = old.adjustments.get(key) or {}, new.adjustments.get(key) or {}
        label = now.get("label") or was.get("label") or key
        if was.get("label") != now.get("label"):
            yield f"调整方式（{key}）名称：{shown(was.get('label'))} → {shown(now.get('label'))}"
        yield from _entries(was.get("reasons", []), now.get("reasons", []), f"“{label}”原因", {}, name="label")
        rest = {k: v for k, v in was.items() if k not in ("label", "reasons")}
        yield from _params(f"“{label}”", rest, {k: v for k, v in now.items() if k not in ("label", "reasons")})


def _pack_level(old: Pack, new: Pack) -> Iterator[Change]:
    for attribute, label in (("name", "名称"), ("region", "地区"), ("version", "考核标准版本号")):
        if getattr(old, attribute) != getattr(new, attribute):
            yield Change("考核标准", f"{label}：{shown(getattr(old, attribute))} → {shown(getattr(new, attribute))}")
    for line in _params("最终得分舍入", _plain(old.grading_rounding), _plain(new.grading_rounding)):
        yield Change("等次", line)
    yield from (Change("等次", line) for line in _scales(old, new))
    yield from (Change("最终等次", line, structural) for line, structural in _final_grades(old, new))
    yield from (Change("动态调整", line, True) for line in _adjustments(old, new))
    yield from (
        Change("角色", line, True)
        for line in _entries(
            old.roles,
            new.roles,
            "角色",
            {"scope": "的数据范围", "admin": "管理员", "registry": "的登记信息权限", "adjusts_grades": "可动态调整"},
            name="label",
        )
    )
    yield from (
        Change(new.terms["district"], line, True)
        for line in _entries(
            old.districts, new.districts, new.terms["district"], {"city_reviewed": "由市级审核", "division_code": "的区划代码"}
        )
    )


# -- the whole difference ---------------------------------------------------------------------------


def text_diff(old: dict[str, str], new: dict[str, str], old_label: str, new_label: str) -> list[FileDiff]:
    found = []
    for name in sorted({*old, *new}):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        lines = difflib.unified_diff(
            (before or "").splitlines(), (after or "").splitlines(), f"{old_label}/{name}", f"{new_label}/{name}", lineterm=""
        )
        found.append(FileDiff(name, status, tuple(lines)))
    return found


def diff_packs(old: Pack, new: Pack, old_label: str = "旧", new_label: str = "新") -> PackDiff:
    """Every difference from ``old`` to ``new``, grouped by area, and the text diff per file."""
    changes = [*_pack_level(old, new), *_kinds(old, new)]
    return PackDiff(changes, text_diff(old.files, new.files, old_label, new_label), fits(old, new))
