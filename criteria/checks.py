"""Rules of a pack that span entries or files: unique codes, sums, references, band coverage.

Each check takes already-validated plain data and returns ``(file_key, path, message)`` tuples;
the loader turns them into problems with file names and lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from criteria.methods import Found, scoring_methods
from criteria.print_layout import check_layout

# Columns every generated assessment table has; header fields may not reuse these names.
BUILT_IN_COLUMNS = frozenset(
    {
        "id",
        "enterprise_id",
        "enterprise",
        "project_id",
        "project",
        "period",
        "state",
        "criteria_version",
        "criteria_version_id",
        "criteria_pack",
        "total",
        "grade",
        "result",
        "lock_version",
        "created_on",
        "changed_on",
        "created_by_fk",
        "changed_by_fk",
        "created_by",
        "changed_by",
        "items",
        "assessment_id",
        "rating",
        "rectification_opened",
        "rectification_due",
        "dossier",
    }
)


def duplicates(file: str, path: str, entries: Iterable[dict], key: str = "code") -> Iterator[Found]:
    seen: dict[Any, int] = {}
    for index, entry in enumerate(entries):
        value = entry.get(key)
        if value in seen:
            yield file, f"{path}[{index}].{key}", f"duplicate {key} '{value}' (also {path}[{seen[value]}])"
        else:
            seen[value] = index


def check_scale(file: str, path: str, scale: dict) -> Iterator[Found]:
    """Bands must cover [min, max] exactly: no gap, no overlap."""
    yield from duplicates(file, f"{path}.bands", scale["bands"])
    bands = sorted(enumerate(scale["bands"]), key=lambda pair: pair[1]["min"])
    cursor = scale["min"]
    for index, band in bands:
        where = f"{path}.bands[{index}]"
        if band["min"] > cursor:
            yield file, where, f"gap between {cursor} and {band['min']}: no band covers it"
        elif band["min"] < cursor:
            yield file, where, f"overlaps the band below between {band['min']} and {cursor}"
        cursor = max(cursor, band["max"])
    if cursor < scale["max"]:
        yield file, f"{path}.bands", f"gap between {cursor} and {scale['max']}: no band covers it"
    elif cursor > scale["max"]:
        yield file, f"{path}.bands", f"a band reaches {cursor}, above the scale max {scale['max']}"


def check_kind(file: str, kind: dict, roles: set[str], scales: dict[str, dict]) -> Iterator[Found]:
    for key in ("items", "header_fields", "vetoes", "subtables", "catalogue", "record_evidence", "materials", "personnel"):
        yield from duplicates(file, key, kind[key])
    if kind["filled_by"] not in roles:
        yield file, "filled_by", f"unknown role '{kind['filled_by']}'"
    for index, role in enumerate(kind["reviewed_by"]):
        if role not in roles:
            yield file, f"reviewed_by[{index}]", f"unknown role '{role}'"
    yield from check_header_fields(file, kind)
    dates = {f["code"] for f in kind["header_fields"] if f["type"] == "date"}
    for index, veto in enumerate(kind["vetoes"]):
        if "expires_field" in veto and veto["expires_field"] not in dates:
            yield file, f"vetoes[{index}].expires_field", f"'{veto['expires_field']}' is not a date field of the kind"
    scale = scales.get(kind.get("grade_scale", ""))
    if "grade_scale" in kind and scale is None:
        yield file, "grade_scale", f"unknown scale '{kind['grade_scale']}' (not in grading.yaml)"
    bands = {b["code"] for b in scale["bands"]} if scale else None
    yield from check_items(file, kind, bands)
    method = scoring_methods()[kind["scoring"]["method"]]
    yield from method.check(file, kind, bands)
    if kind["subtables"] and not method.uses_subtables:
        yield file, "subtables", "only weighted_categories scoring uses sub-tables"
    if kind["catalogue"] and not kind["items"] and not method.catalogued:
        yield file, "scoring.method", "a kind with a catalogue must use catalogue scoring"
    if method.scores_items and not kind["items"]:
        yield file, "items", "must list at least one item"
    yield from check_workflow(file, kind["workflow"], roles)
    yield from check_rectification(file, kind)
    yield from check_dossier_lists(file, kind)
    yield from check_layout(file, kind)


def check_header_fields(file: str, kind: dict) -> Iterator[Found]:
    for index, field in enumerate(kind["header_fields"]):
        if field["code"] in BUILT_IN_COLUMNS:
            yield file, f"header_fields[{index}].code", f"'{field['code']}' is a built-in column name"
        if field.get("choices_from") == "catalogue" and not kind["catalogue"]:
            yield file, f"header_fields[{index}].choices_from", "the kind has no catalogue"
        if field.get("choices"):
            yield from duplicates(file, f"header_fields[{index}].choices", field["choices"])


def check_items(file: str, kind: dict, bands: set[str] | None) -> Iterator[Found]:
    """A scored kind names its scale and total, and its items' max scores add up to that total;
    vetoes force bands of the scale."""
    items = kind["items"]
    if items and "grade_scale" not in kind:
        yield file, "grade_scale", "is required when the kind has items"
    if items and "total" not in kind:
        yield file, "total", "is required when the kind has items"
    elif items:
        actual = sum((item["max"] for item in items), Decimal(0))
        if actual != kind["total"]:
            yield file, "items", f"max scores add up to {actual}, but total is {kind['total']}"
    for index, veto in enumerate(kind["vetoes"]):
        if bands is not None and veto["grade"] not in bands:
            yield file, f"vetoes[{index}].grade", f"unknown band '{veto['grade']}' of scale '{kind['grade_scale']}'"


def check_dossier_lists(file: str, kind: dict) -> Iterator[Found]:
    if (kind["materials"] or kind["personnel"]) and kind["subject"] != "enterprise":
        yield (
            file,
            "materials" if kind["materials"] else "personnel",
            "materials and personnel lists belong to an enterprise (subject: enterprise)",
        )
    if "dossier_from" in kind and (kind["materials"] or kind["personnel"]):
        yield file, "dossier_from", "a kind either declares materials and personnel or shows another kind's, not both"


def check_roles(file: str, roles: list[dict]) -> Iterator[Found]:
    registering = [index for index, role in enumerate(roles) if role["self_registration"]]
    for index in registering[1:]:
        yield (
            file,
            f"roles[{index}].self_registration",
            f"only one role may be given to self-registered accounts (also roles[{registering[0]}])",
        )
    for index in registering:
        if roles[index]["scope"] != "enterprise":
            yield file, f"roles[{index}].self_registration", "only a role with scope enterprise can be self-registered"
    for index, role in enumerate(roles):
        if role["approves_registrations"] and role["scope"] not in ("district", "all"):
            yield file, f"roles[{index}].approves_registrations", "only a role with scope district or all approves registrations"


def check_rectification(file: str, kind: dict) -> Iterator[Found]:
    """整改 rounds: what opens them, where a rating sends the record, and what only they show."""
    rectification = kind.get("rectification")
    workflow = kind["workflow"]
    states = {s["code"]: s for s in workflow["states"]}
    rated = scoring_methods()[kind["scoring"]["method"]].rates
    for index, transition in enumerate(workflow["transitions"]):
        path = f"workflow.transitions[{index}]"
        if transition["rates"] and not rated:
            yield file, f"{path}.rates", "only a kind rated by the reviewer (scoring.method rating) has a rating transition"
        if transition["opens_rectification"] and not rectification:
            yield file, f"{path}.opens_rectification", "the kind declares no rectification block"
    for index, state in enumerate(workflow["states"]):
        if state["rectification"] and not rectification:
            yield file, f"workflow.states[{index}].rectification", "the kind declares no rectification block"
    for index, material in enumerate(kind["materials"]):
        if material["rectification"] and not rectification:
            yield file, f"materials[{index}].rectification", "the kind declares no rectification block"
    if not rectification:
        return
    bands = rectification["bands"]
    rating_bands = kind["scoring"].get("bands", []) if rated else []
    for index, band in enumerate(bands):
        if not rated:
            yield file, f"rectification.bands[{index}]", "only a kind rated by the reviewer (scoring.method rating) opens rounds by rating"
            break
        if band not in rating_bands:
            yield file, f"rectification.bands[{index}]", f"band '{band}' is not one the reviewer may choose (scoring.bands)"
    if bands and "state" not in rectification:
        yield file, "rectification.state", "is required when ratings open a rectification round (rectification.bands)"
    elif "state" in rectification:
        state = states.get(rectification["state"])
        if state is None:
            yield file, "rectification.state", f"unknown state '{rectification['state']}'"
        elif not (state["rectification"] or state["editable"]):
            yield file, "rectification.state", f"state '{state['code']}' lets the filler hand in nothing (mark it rectification: true)"
    if not bands and not any(t["opens_rectification"] for t in workflow["transitions"]):
        yield (
            file,
            "rectification",
            "nothing opens a rectification round: list rectification.bands or mark a transition opens_rectification: true",
        )


def check_dossiers(kinds: dict[str, dict], kind_files: dict[str, str]) -> Iterator[Found]:
    """At most one kind declares the materials checklist and personnel lists (they are stored per
    enterprise, so two lists would collide); other kinds show them with ``dossier_from``."""
    declaring = [code for code, kind in kinds.items() if kind["materials"] or kind["personnel"]]
    if len(declaring) > 1:
        for code in declaring:
            others = ", ".join(f"'{other}' ({kind_files[other]})" for other in declaring if other != code)
            yield (
                kind_files[code],
                "materials" if kinds[code]["materials"] else "personnel",
                (
                    f"only one kind may declare materials and personnel lists; {others} declares them too "
                    "(the other kinds show them with dossier_from)"
                ),
            )
    for code, kind in kinds.items():
        source = kind.get("dossier_from")
        if source is None:
            continue
        target = kinds.get(source)
        if target is None or source == code:
            yield kind_files[code], "dossier_from", f"unknown kind '{source}'"
        elif not (target["materials"] or target["personnel"]):
            yield kind_files[code], "dossier_from", f"kind '{source}' declares no materials or personnel"
        elif target["subject"] != kind["subject"]:
            yield kind_files[code], "dossier_from", f"kind '{source}' is about a {target['subject']}, this kind about a {kind['subject']}"


def check_workflow(file: str, workflow: dict, roles: set[str]) -> Iterator[Found]:
    yield from duplicates(file, "workflow.states", workflow["states"])
    yield from duplicates(file, "workflow.transitions", workflow["transitions"])
    yield from duplicates(file, "workflow.item_statuses", workflow["item_statuses"])
    states = {s["code"] for s in workflow["states"]}
    if workflow["initial"] not in states:
        yield file, "workflow.initial", f"unknown state '{workflow['initial']}'"
    for index, transition in enumerate(workflow["transitions"]):
        path = f"workflow.transitions[{index}]"
        for state_index, state in enumerate(transition["from_states"]):
            if state not in states:
                yield file, f"{path}.from[{state_index}]", f"unknown state '{state}'"
        if transition["to"] not in states:
            yield file, f"{path}.to", f"unknown state '{transition['to']}'"
        for role_index, role in enumerate(transition["roles"]):
            if role not in roles:
                yield file, f"{path}.roles[{role_index}]", f"unknown role '{role}'"
    meanings = [s["means"] for s in workflow["item_statuses"]]
    for meaning in ("pending", "pass", "reject"):
        if meanings.count(meaning) != 1:
            yield file, "workflow.item_statuses", f"exactly one status must mean '{meaning}' (found {meanings.count(meaning)})"
    for key, listed in (workflow.get("review_routing") or {}).items():
        for index, role in enumerate(listed):
            if role not in roles:
                yield file, f"workflow.review_routing.{key}[{index}]", f"unknown role '{role}'"


def check_grading(file: str, grading: dict, kinds: dict[str, dict], catalogue_vetoes: set[str]) -> Iterator[Found]:
    scales = {s["code"]: s for s in grading["scales"]}
    yield from duplicates(file, "scales", grading["scales"])
    for index, scale in enumerate(grading["scales"]):
        yield from check_scale(file, f"scales[{index}]", scale)
    finals = grading["final_grades"]
    yield from duplicates(file, "final_grades", finals)
    by_code = {f["code"]: f for f in finals}

    def bands_of(scale_code: str) -> set[str]:
        return {b["code"] for b in scales[scale_code]["bands"]} if scale_code in scales else set()

    for index, final in enumerate(finals):
        path = f"final_grades[{index}]"
        if final["scale"] not in scales:
            yield file, f"{path}.scale", f"unknown scale '{final['scale']}'"
        own_bands = bands_of(final["scale"])
        source = final.get("source")
        if source and source["kind"] not in kinds:
            yield file, f"{path}.source.kind", f"unknown kind '{source['kind']}'"
        elif source and scoring_methods()[kinds[source["kind"]]["scoring"]["method"]].rates:
            yield file, f"{path}.source.kind", f"kind '{source['kind']}' is rated by the reviewer and has no score to grade"
        if "rated_by" in final:
            yield from _rated_by(file, path, final, kinds)
        composite = final.get("composite")
        if composite:
            weights = Decimal(0)
            for part_index, part in enumerate(composite["parts"]):
                weights += part["weight"]
                part_path = f"{path}.composite.parts[{part_index}]"
                if "kind" in part:
                    yield from _scored_kind(file, f"{part_path}.kind", part["kind"], kinds)
                elif part["final_grade"] not in by_code or part["final_grade"] == final["code"]:
                    yield file, f"{part_path}.final_grade", f"unknown final grade '{part['final_grade']}'"
            if weights != composite["weights_total"]:
                yield file, f"{path}.composite.parts", f"weights add up to {weights}, but weights_total is {composite['weights_total']}"
        for key in ("zero_subtable_band", "veto_band"):
            if key in final and final[key] not in own_bands:
                yield file, f"{path}.{key}", f"unknown band '{final[key]}' of scale '{final['scale']}'"
        for veto_index, code in enumerate(final["vetoes"].get("catalogue", [])):
            if code not in catalogue_vetoes:
                yield file, f"{path}.vetoes.catalogue[{veto_index}]", f"unknown veto '{code}' (not a veto in any catalogue)"
        for cap_index, cap in enumerate(final["caps"]):
            cap_path = f"{path}.caps[{cap_index}]"
            if "kind" in cap:
                yield from _project_kind_cap(file, cap_path, cap, kinds, bands_of)
            elif (other := by_code.get(cap["final_grade"])) is None:
                yield file, f"{cap_path}.final_grade", f"unknown final grade '{cap['final_grade']}'"
            elif cap["band"] not in bands_of(other["scale"]):
                yield file, f"{cap_path}.band", f"unknown band '{cap['band']}' of scale '{other['scale']}'"
            if cap["at_most"] not in own_bands:
                yield file, f"{cap_path}.at_most", f"unknown band '{cap['at_most']}' of scale '{final['scale']}'"
    yield from _cycles(file, finals)
    for key in ("promote", "direct_fail"):
        reasons = grading["adjustments"][key]["reasons"]
        yield from duplicates(file, f"adjustments.{key}.reasons", reasons)
        for r, reason in enumerate(reasons):
            for g, code in enumerate(reason["grades"]):
                if code not in by_code:
                    yield file, f"adjustments.{key}.reasons[{r}].grades[{g}]", f"unknown final grade '{code}'"


def _rates(kind: dict) -> bool:
    return scoring_methods()[kind["scoring"]["method"]].rates


def _scored_kind(file: str, path: str, code: str, kinds: dict[str, dict]) -> Iterator[Found]:
    if code not in kinds:
        yield file, path, f"unknown kind '{code}'"
    elif _rates(kinds[code]):
        yield file, path, f"kind '{code}' is rated by the reviewer and has no score to grade"
    elif kinds[code]["subject"] != "enterprise":
        yield file, path, f"kind '{code}' is assessed per project, not per enterprise"


def _rated_by(file: str, path: str, final: dict, kinds: dict[str, dict]) -> Iterator[Found]:
    """The rated kind exists, is rated by the reviewer, and rates on the grade's own scale."""
    code = final["rated_by"]
    kind = kinds.get(code)
    if kind is None:
        yield file, f"{path}.rated_by", f"unknown kind '{code}'"
    elif not _rates(kind):
        yield file, f"{path}.rated_by", f"kind '{code}' is scored, not rated by the reviewer"
    elif kind.get("grade_scale") != final["scale"]:
        yield file, f"{path}.rated_by", f"kind '{code}' rates on scale '{kind.get('grade_scale')}', not on '{final['scale']}'"


def _project_kind_cap(file: str, path: str, cap: dict, kinds: dict[str, dict], bands_of: Any) -> Iterator[Found]:
    kind = kinds.get(cap["kind"])
    if kind is None:
        yield file, f"{path}.kind", f"unknown kind '{cap['kind']}'"
    elif kind["subject"] != "project":
        yield file, f"{path}.kind", f"kind '{cap['kind']}' is not assessed per project"
    elif cap["band"] not in bands_of(kind.get("grade_scale")):
        yield file, f"{path}.band", f"unknown band '{cap['band']}' of scale '{kind.get('grade_scale')}'"


def _cycles(file: str, finals: list[dict]) -> Iterator[Found]:
    """A final grade that needs itself (through composite parts or caps) can never be computed: each
    circle is named once, at the reference that starts it."""
    needs: dict[str, list[tuple[str, str]]] = {}
    for index, final in enumerate(finals):
        path = f"final_grades[{index}]"
        parts = (final.get("composite") or {}).get("parts", [])
        needs[final["code"]] = [
            *((p["final_grade"], f"{path}.composite.parts[{i}].final_grade") for i, p in enumerate(parts) if "final_grade" in p),
            *((c["final_grade"], f"{path}.caps[{i}].final_grade") for i, c in enumerate(final["caps"]) if "final_grade" in c),
        ]
    named: set[frozenset[str]] = set()
    for start, references in needs.items():
        for first, where in references:
            if first == start and ".composite." in where:
                continue  # reported as an unknown part
            route = _route(needs, first, start, set())
            if route is not None and frozenset(route) not in named:
                named.add(frozenset(route))
                yield file, where, "final grades need each other: " + " → ".join([start, *route])


def _route(needs: dict[str, list[tuple[str, str]]], here: str, goal: str, seen: set[str]) -> list[str] | None:
    """The codes from ``here`` to ``goal`` along the references, or None."""
    if here == goal:
        return [goal]
    seen.add(here)
    for other, _ in needs.get(here, []):
        if other not in seen and (rest := _route(needs, other, goal, seen)) is not None:
            return [here, *rest]
    return None
