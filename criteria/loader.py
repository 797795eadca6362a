"""Load a criteria pack: the whole pack validates, or nothing loads."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from criteria import checks
from criteria.errors import CriteriaError, Problem
from criteria.kind_extends import REFERENCE, extended, reference
from criteria.methods import scoring_methods
from criteria.pack import District, HeaderField, Item, Kind, Material, Pack, PersonnelList, RecordEvidence, Role
from criteria.print_layout import KindPrint
from criteria.problems_zh import subject_of
from criteria.rules import CatalogueEntry, FinalGradeRule, PrintRules, Rectification, Rounding, Scale, Veto, Workflow
from criteria.schema import DistrictsSchema, GradingSchema, KindSchema, PackSchema, RolesSchema
from criteria.yaml_source import YamlFile, join_path, parse_yaml, read_yaml

CRITERIA_ROOT = Path(__file__).resolve().parent
DEFAULT_PACK = CRITERIA_ROOT / "qingdao"


def display_path(path: Path) -> str:
    """A path as people see it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def flatten(messages: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Marshmallow's nested error dict -> (path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            child = path if key == "_schema" else join_path(path, key)
            yield from flatten(value, child)
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, (dict, list)):
                yield from flatten(message, path)
            else:
                yield path, str(message)
    else:
        yield path, str(messages)


def _validate(source: YamlFile, schema: Schema) -> tuple[dict | None, list[Problem]]:
    if not isinstance(source.data, dict):
        return None, [Problem(source.name, "", "must be a YAML mapping of keys to values")]
    try:
        return schema.load(source.data), []
    except ValidationError as exc:
        found = [Problem(*_at(source, p, m)) for p, m in flatten(exc.messages)]
        return None, found


def _at(source: YamlFile, path: str, message: str) -> tuple[str, str, str, int | None]:
    """A problem's file, path, message and line (the file the value comes from)."""
    name, line = source.where(path)
    return name, path, message, line


def _digest(texts: Iterable[str]) -> str:
    sha = hashlib.sha256()
    for text in texts:
        sha.update(text.encode("utf-8"))
        sha.update(b"\0")
    return sha.hexdigest()


Reader = Callable[[str], tuple[YamlFile | None, list[Problem]]]


def load_pack(pack_dir: Path | str = DEFAULT_PACK, overrides: Mapping[str, str] | None = None) -> Pack:
    """Validate every file of the pack in ``pack_dir`` and return it, or raise CriteriaError.

    ``overrides`` maps file names to texts read instead of the files on disk: the criteria editor
    validates the pack as it would be with the edited file, before the file is replaced.
    """
    pack_dir = Path(pack_dir).resolve()
    shown = display_path(pack_dir)
    if not pack_dir.is_dir():
        raise CriteriaError([Problem(shown, "", "not a directory")])
    texts = dict(overrides or {})
    parents = _parents(pack_dir)
    declared = _extends(pack_dir)
    cycle = _cycle(pack_dir, parents)
    if cycle:
        source, _problems = read_yaml(pack_dir / "pack.yaml", f"{shown}/pack.yaml")
        line = source.line_of("extends") if source is not None else None
        raise CriteriaError([Problem(f"{shown}/pack.yaml", "extends", f"extends goes round in a circle: {' → '.join(cycle)}", line)])

    def read(file_name: str) -> tuple[YamlFile | None, list[Problem]]:
        name = f"{shown}/{file_name}"
        if file_name in texts:
            return parse_yaml(texts[file_name], name)
        if REFERENCE.match(file_name):  # another pack's kind file that one of this pack's extends
            return read_yaml(pack_dir.parent / file_name, display_path(pack_dir.parent / file_name))
        if file_name != "pack.yaml" and not (pack_dir / file_name).exists():
            for parent in parents:  # a file this pack does not hold: the one of the pack it extends
                if (parent / file_name).is_file():  # its problems name the file where it is
                    return read_yaml(parent / file_name, f"{display_path(parent)}/{file_name}")
            if declared and not parents:
                return None, [Problem(name, "", f"file not found, nor in the pack folder '{declared}' it extends (not beside this one)")]
        return read_yaml(pack_dir / file_name, name)

    return _load(read, pack_dir.name, shown, pack_dir)


def _parents(pack_dir: Path) -> list[Path]:
    """The folders of the packs ``pack_dir`` extends (``extends:`` in pack.yaml), nearest first: its
    siblings in the folder of packs. A folder holds only the files it changes; every stored version
    holds them all (``criteria import`` records the files it took from the parent too)."""
    chain: list[Path] = []
    seen = {pack_dir.name}
    parent = _extends(pack_dir)
    while parent and parent not in seen and (pack_dir.parent / parent).is_dir():
        seen.add(parent)
        chain.append(pack_dir.parent / parent)
        parent = _extends(chain[-1])
    return chain


def _cycle(pack_dir: Path, parents: list[Path]) -> list[str]:
    """The codes of an ``extends:`` chain that comes back to a pack already in it (empty if none)."""
    chain = [pack_dir.name, *(parent.name for parent in parents)]
    last = _extends(parents[-1]) if parents else None
    return [*chain, last] if last in chain else []


def _extends(folder: Path) -> str | None:
    """The pack code ``extends:`` names in the folder's pack.yaml (None without one, or unreadable:
    loading the pack then says what is wrong with it)."""
    try:
        data = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    parent = data.get("extends") if isinstance(data, dict) else None
    return parent if isinstance(parent, str) else None


def load_snapshot(files: Mapping[str, str], folder: str, shown: str, path: Path, fill_from: Pack | None = None) -> Pack:
    """The pack held by ``files`` (file name -> text), as a stored criteria version keeps it.

    ``folder`` is the pack folder's name (the pack code), ``shown`` how problems name the pack,
    ``path`` the folder the pack belongs to (nothing is read from it). With ``fill_from`` (the pack
    the platform runs), a version stored before a key became required takes that key from the
    entry with the same code there (see ``_filled``); the texts and their hash stay as stored."""

    def read(file_name: str) -> tuple[YamlFile | None, list[Problem]]:
        name = f"{shown}/{file_name}"
        if file_name not in files:
            return None, [Problem(name, "", "file not found")]
        source, problems = parse_yaml(files[file_name], name)
        if source is not None and fill_from is not None:
            _filled(source.data, fill_from)
        return source, problems

    return _load(read, folder, shown, path)


def _filled(data: Any, running: Pack) -> None:
    """Keys a personnel list of an older stored version may lack (``position_label`` had a built-in
    default before the pack had to state it): taken from the running pack's list of the same code."""
    if not isinstance(data, dict) or not isinstance(data.get("personnel"), list):
        return
    lists = {entry.code: entry for entry in running.personnel_lists}
    for entry in data["personnel"]:
        if isinstance(entry, dict) and "position_label" not in entry and entry.get("code") in lists:
            entry["position_label"] = lists[entry["code"]].position_label


def _load(fetch: Reader, folder: str, shown: str, pack_dir: Path) -> Pack:
    problems: list[Problem] = []
    sources: dict[str, YamlFile] = {}

    def read(file_name: str, schema: Schema) -> dict | None:
        source, found = fetch(file_name)
        problems.extend(found)
        if source is not None and isinstance(schema, KindSchema) and reference(source.data) is not None:
            source = _extended(fetch, source, sources, problems)
        if source is None:
            return None
        sources[file_name] = source
        data, found = _validate(source, schema)
        problems.extend(found)
        return data

    pack = read("pack.yaml", PackSchema())
    if pack is None:
        raise CriteriaError(problems)
    if pack["code"] != folder:
        problems.append(
            Problem(
                f"{shown}/pack.yaml",
                "code",
                f"'{pack['code']}' must equal the folder name '{folder}'",
                sources["pack.yaml"].line_of("code"),
            )
        )
    districts = read(pack["districts"], DistrictsSchema())
    roles = read(pack["roles"], RolesSchema())
    grading = read(pack["grading"], GradingSchema())
    kinds: dict[str, dict] = {}
    kind_files: dict[str, str] = {}
    for index, file_name in enumerate(pack["kinds"]):
        if file_name in kind_files.values():
            problems.append(Problem(f"{shown}/pack.yaml", f"kinds[{index}]", f"'{file_name}' is listed twice"))
            continue
        data = read(file_name, KindSchema())
        if data is None:
            continue
        if data["code"] in kinds:
            problems.append(
                Problem(
                    f"{shown}/{file_name}",
                    "code",
                    f"duplicate kind code '{data['code']}' (also in {kind_files[data['code']]})",
                    sources[file_name].line_of("code"),
                )
            )
            continue
        kinds[data["code"]] = data
        kind_files[data["code"]] = file_name

    # Cross-entry checks run only on files whose shape is valid; their findings name lines too.
    found: list[checks.Found] = []
    if districts:
        found += checks.duplicates(pack["districts"], "districts", districts["districts"])
    if roles:
        found += checks.duplicates(pack["roles"], "roles", roles["roles"])
        found += checks.duplicates(pack["roles"], "roles", roles["roles"], key="label")
        admins = [r for r in roles["roles"] if r["admin"]]
        if len(admins) != 1:
            found.append((pack["roles"], "roles", f"exactly one role must be admin: true (found {len(admins)})"))
        found += checks.check_roles(pack["roles"], roles["roles"])
    role_codes = {r["code"] for r in roles["roles"]} if roles else set()
    scales = {s["code"]: s for s in grading["scales"]} if grading else {}
    for code, kind in kinds.items():
        if roles and grading:
            found += checks.check_kind(kind_files[code], kind, role_codes, scales)
    if len(kinds) == len(pack["kinds"]):  # references between kinds: only once every kind file is valid
        found += checks.check_dossiers(kinds, kind_files)
    if grading and len(kinds) == len(pack["kinds"]):
        vetoes = {e["code"] for k in kinds.values() for e in k["catalogue"] if e["kind"] == "veto" or "repeat_veto" in e}
        found += checks.check_grading(pack["grading"], grading, kinds, vetoes)
    for file_name, path, message in found:
        source = sources.get(file_name)
        named, line = source.where(path) if source else (f"{shown}/{file_name}", None)
        problems.append(Problem(named, path, message, line))

    if problems or not (districts and roles and grading):
        raise CriteriaError([_named(problem, sources, shown) for problem in problems])
    return _build(pack, pack_dir, districts, roles, grading, kinds, kind_files, sources)


def _extended(fetch: Reader, own: YamlFile, sources: dict[str, YamlFile], problems: list[Problem]) -> YamlFile | None:
    """A kind file that extends another pack's kind, merged over it (``criteria.kind_extends``); the
    base joins the files the pack keeps. None, with the problem noted, when the base cannot be had."""
    ref = reference(own.data)
    line = own.line_of("extends")
    if not REFERENCE.match(ref):
        problems.append(Problem(own.name, "extends", f"'{ref}' should name another pack's kind file, as <pack>/<file>.yaml", line))
        return None
    base, _ = fetch(ref)
    if base is None or not isinstance(base.data, dict):
        problems.append(Problem(own.name, "extends", f"'{ref}' not found (a pack folder beside this one, or kept with the version)", line))
        return None
    if reference(base.data) is not None:
        problems.append(Problem(own.name, "extends", f"'{ref}' extends another kind file itself; extend that one directly", line))
        return None
    sources[ref] = base
    return extended(own, base)


def _named(problem: Problem, sources: dict[str, YamlFile], shown: str) -> Problem:
    """The problem with what its path points at, named from the file's own data (an item's name)."""
    source = sources.get(problem.file.rsplit("/", 1)[-1])  # a pack is one flat folder
    subject = subject_of(problem.path, source.data) if source is not None else None
    return replace(problem, subject=subject) if subject else problem


def _build(
    pack: dict,
    pack_dir: Path,
    districts: dict,
    roles: dict,
    grading: dict,
    kinds: dict[str, dict],
    kind_files: dict[str, str],
    sources: dict[str, YamlFile],
) -> Pack:
    built_kinds = {
        code: Kind(
            code=code,
            name=data["name"],
            short_name=data["short_name"],
            subject=data["subject"],
            filled_by=data["filled_by"],
            reviewed_by=tuple(data["reviewed_by"]),
            version=data["version"],
            file=kind_files[code],
            content_hash=_digest(sources[kind_files[code]].hashed),
            header_fields=tuple(
                HeaderField(
                    code=f["code"],
                    label=f["label"],
                    type=f["type"],
                    required=f["required"],
                    max_length=f.get("max_length"),
                    choices=tuple((c["code"], c["label"]) for c in f.get("choices", [])),
                    choices_from=f.get("choices_from"),
                    help=f.get("help"),
                )
                for f in data["header_fields"]
            ),
            items=tuple(
                Item(
                    code=i["code"],
                    name=i["name"],
                    max=i["max"],
                    standard=i["standard"],
                    evidence=tuple(i["evidence"]),
                    subtables=tuple(i.get("subtables", ())),
                    combine=i.get("combine"),
                )
                for i in data["items"]
            ),
            basis=tuple(data["basis"]),
            grade_scale=data.get("grade_scale"),
            total=data.get("total"),
            vetoes=tuple(Veto(v["code"], v["name"], v["grade"], v.get("expires_field")) for v in data["vetoes"]),
            scoring=scoring_methods()[data["scoring"]["method"]].of(data["scoring"]),
            subtables=tuple(data["subtables"]),
            catalogue=tuple(CatalogueEntry.of(e) for e in data["catalogue"]),
            workflow=Workflow.of(data["workflow"]),
            record_evidence=tuple(RecordEvidence(code=e["code"], name=e["name"], required=e["required"]) for e in data["record_evidence"]),
            materials=tuple(Material(m["code"], m["name"], m["required"], m["rectification"], m.get("help")) for m in data["materials"]),
            personnel=tuple(
                PersonnelList(p["code"], p["name"], p["certificate"], p["position_label"], p["min_count"]) for p in data["personnel"]
            ),
            dossier_from=data.get("dossier_from"),
            rectification=Rectification.of(data["rectification"]) if "rectification" in data else None,
            one_per_period=data["one_per_period"],
            printing=KindPrint.of(data.get("printing")),
        )
        for code, data in kinds.items()
    }
    return Pack(
        code=pack["code"],
        name=pack["name"],
        region=pack["region"],
        version=pack["version"],
        path=pack_dir,
        content_hash=_digest(sources[name].text for name in sorted(sources)),
        districts=tuple(District(d["code"], d["name"], d.get("division_code"), d["city_reviewed"]) for d in districts["districts"]),
        roles=tuple(
            Role(
                r["code"],
                r["label"],
                r["scope"],
                r["admin"],
                r["registry"],
                r["adjusts_grades"],
                r["self_registration"],
                r["approves_registrations"],
                r["reads_id_numbers"],
            )
            for r in roles["roles"]
        ),
        kinds=built_kinds,
        scales={s["code"]: Scale.of(s) for s in grading["scales"]},
        final_grades=tuple(FinalGradeRule.of(f) for f in grading["final_grades"]),
        adjustments=grading["adjustments"],
        grading_rounding=Rounding.of(grading["rounding"]),
        files={name: sources[name].text for name in sorted(sources)},
        extends=pack.get("extends"),
        terms=dict(pack["terms"]),
        printing=PrintRules.of(pack.get("printing")),
    )
