"""Typed rule blocks shared by several parts of a pack (built from validated YAML at load time)."""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

# What a pack calls the parts of its region, its site supervisors and enterprises registered elsewhere
# on its screens (pack.yaml ``terms``); a stored version from before ``terms`` reads these neutral words.
NEUTRAL_TERMS = {"district": "区县", "supervisor": "监督人员", "non_local": "外地企业"}


# The parts a printed form's 编号 may be built from (pack.yaml ``print.number``), the longest text each
# gives (a division code is stored in 12 characters, a serial of a million forms has 7 digits), and
# the longest number a form can keep.
NUMBER_PARTS = ("year", "division", "kind", "serial")
PART_LENGTHS = {"year": 4, "division": 12, "kind": 2, "serial": 7}
NUMBER_LENGTH = 120


def number_pattern_problem(pattern: str) -> str | None:
    """What is wrong with a 编号 pattern (English, like the schema's messages), or None."""
    try:
        parts = [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as problem:
        return f"is not a valid pattern ({problem})"
    for name, spec in parts:
        if name not in NUMBER_PARTS:
            return f"unknown part '{{{name}}}' (use " + ", ".join(f"{{{p}}}" for p in NUMBER_PARTS) + ")"
        if spec and not (name == "serial" and re.fullmatch(r"0?\d*d", spec)):
            return f"only {{serial}} takes a width, such as {{serial:04d}} (found '{{{name}:{spec}}}')"
    if "serial" not in {name for name, _ in parts}:
        return "needs {serial}, so that no two forms share a number"
    longest = sum(len(literal) for literal, *_ in string.Formatter().parse(pattern)) + sum(
        max(PART_LENGTHS[name], int(spec.strip("0d") or 0)) for name, spec in parts
    )
    if longest > NUMBER_LENGTH:
        return f"makes numbers of up to {longest} characters, more than {NUMBER_LENGTH}"
    return None


@dataclass(frozen=True)
class PrintRules:
    """How the pack's printed forms identify themselves (pack.yaml ``print``): the issuing authority,
    the 编号 pattern, and whether 身份证号 print masked (first 6 and last 4) or in full."""

    issuer: str = ""
    number: str | None = None
    id_numbers: str = "masked"  # masked | full

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> PrintRules:
        data = data or {}
        return cls(data.get("issuer") or "", data.get("number") or None, data.get("id_numbers") or "masked")

    def series(self, year: str, division: str, kind: str) -> str | None:
        """The 编号 with its serial left open, as a key for counting (None: the pack numbers no forms)."""
        if not self.number:
            return None
        parts = {"year": year, "division": division, "kind": kind}
        pieces = []
        for literal, name, spec, _ in string.Formatter().parse(self.number):
            pieces.append(literal)
            if name is not None:  # the serial stays open; the other parts take no width (checked)
                pieces.append("{serial}" if name == "serial" else format(parts[name], spec))
        return "".join(pieces)

    def numbered(self, series: str, serial: int) -> str:
        """The 编号 of a series and serial (the pattern's width applied)."""
        spec = next((spec for _, name, spec, _ in string.Formatter().parse(self.number or "") if name == "serial"), "")
        return series.replace("{serial}", format(serial, spec) if spec else str(serial))


@dataclass(frozen=True)
class Rounding:
    """How a total is rounded and what grade thresholds compare (RULES.md §3.4)."""

    places: int
    mode: str  # half_up | half_even | down | up
    compare_on: str  # rounded | raw

    @classmethod
    def of(cls, data: dict[str, Any]) -> Rounding:
        return cls(int(data["places"]), data["mode"], data["compare_on"])


@dataclass(frozen=True)
class State:
    code: str
    label: str
    editable: bool = False  # the filler may still change (and delete) the record
    rectification: bool = False  # the filler may hand in 整改材料 (only that) and resubmit


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    opinion_required: bool = False
    self_review: bool = True  # false: not by the record's own enterprise or creator
    requires: tuple[str, ...] = ()  # complete | all_items_passed
    reopens_rejected_items: bool = False
    rates: bool = False  # the reviewer chooses a band of the kind's rating bands
    opens_rectification: bool = False


@dataclass(frozen=True)
class ItemStatus:
    code: str
    label: str
    means: str  # pending | pass | reject


@dataclass(frozen=True)
class Routing:
    """Which reviewer roles take a record, by whether its district is reviewed by the city itself."""

    city_reviewed: tuple[str, ...]
    other: tuple[str, ...]


@dataclass(frozen=True)
class Workflow:
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    item_statuses: tuple[ItemStatus, ...]
    review_routing: Routing | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Workflow:
        routing = data.get("review_routing")
        return cls(
            data["initial"],
            tuple(State(s["code"], s["label"], s["editable"], s["rectification"]) for s in data["states"]),
            tuple(
                Transition(
                    t["code"],
                    t["label"],
                    tuple(t["from_states"]),
                    t["to"],
                    tuple(t["roles"]),
                    t["opinion_required"],
                    t["self_review"],
                    tuple(t["requires"]),
                    t["reopens_rejected_items"],
                    t["rates"],
                    t["opens_rectification"],
                )
                for t in data["transitions"]
            ),
            tuple(ItemStatus(s["code"], s["label"], s["means"]) for s in data["item_statuses"]),
            Routing(tuple(routing["city_reviewed"]), tuple(routing["other"])) if routing else None,
        )

    def transition(self, code: str) -> Transition | None:
        return next((t for t in self.transitions if t.code == code), None)


@dataclass(frozen=True)
class Rectification:
    """整改 rounds: which ratings open one and where they send the record, and the deadline."""

    bands: tuple[str, ...]
    state: str | None
    working_days: int
    non_working_days: tuple[datetime.date, ...] = ()  # weekdays that are holidays (法定节假日)
    extra_working_days: tuple[datetime.date, ...] = ()  # weekend days that are worked (调休上班)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Rectification:
        return cls(
            tuple(data["bands"]),
            data.get("state"),
            data["working_days"],
            tuple(data["non_working_days"]),
            tuple(data["extra_working_days"]),
        )


@dataclass(frozen=True)
class Band:
    """A grade of a scale: it holds ``min <= score < max`` (the top band also its ``max``)."""

    code: str
    label: str
    min: Decimal
    max: Decimal
    colour: str | None = None


@dataclass(frozen=True)
class Scale:
    """Grade bands covering ``min``..``max``, listed best first."""

    code: str
    name: str
    min: Decimal
    max: Decimal
    bands: tuple[Band, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Scale:
        bands = tuple(Band(b["code"], b["label"], b["min"], b["max"], b.get("colour")) for b in data["bands"])
        return cls(data["code"], data["name"], data["min"], data["max"], bands)

    def band(self, code: str) -> Band:
        return self.by_code[code]

    @cached_property
    def by_code(self) -> dict[str, Band]:
        """The bands by code (a recompute asks some million times)."""
        return {band.code: band for band in self.bands}

    @cached_property
    def top(self) -> Decimal:
        return max(band.max for band in self.bands)


@dataclass(frozen=True)
class Clamp:
    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class Part:
    """One weighted part of a composite grade: another final grade's score (``aggregate: mean``
    averages every project's), or the reviewed total of a kind (``kind``). A ``required`` part that is
    missing leaves the grade undecided; the others are reweighted or count zero."""

    final_grade: str | None
    weight: Decimal
    aggregate: str | None = None
    kind: str | None = None
    required: bool = False

    @classmethod
    def of(cls, data: dict[str, Any]) -> Part:
        return cls(data.get("final_grade"), data["weight"], data.get("aggregate"), data.get("kind"), data.get("required", False))


@dataclass(frozen=True)
class Composite:
    parts: tuple[Part, ...]
    weights_total: Decimal
    when_part_missing: str = "reweight"  # reweight | zero
    add_daily_net: bool = False
    clamp: Clamp | None = None


@dataclass(frozen=True)
class Source:
    """The kind whose reviewed result a final grade is graded from."""

    kind: str
    pick: str = "latest"  # latest | mean


@dataclass(frozen=True)
class VetoSources:
    kind_vetoes: bool = False  # the vetoes of the graded results
    catalogue: tuple[str, ...] = ()  # daily catalogue vetoes that force the veto band


@dataclass(frozen=True)
class Cap:
    """The grade is at most ``at_most`` when another final grade is in ``band`` (grade_in_band), or
    when at least ``count`` projects are (projects_in_band_at_least): by their final grade
    (``final_grade``) or by the reviewed result of a project kind (``kind``, e.g. JGJ 59's)."""

    condition: str
    final_grade: str | None
    band: str
    at_most: str
    count: int | None = None
    kind: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Cap:
        return cls(data["condition"], data.get("final_grade"), data["band"], data["at_most"], data.get("count"), data.get("kind"))


@dataclass(frozen=True)
class FinalGradeRule:
    """One final grade of grading.yaml: graded from one kind's results (``source``) or weighted from
    other final grades (``composite``), with its daily points, clamp, vetoes and caps."""

    code: str
    name: str
    scale: str
    subject: str = "enterprise"  # enterprise | project
    source: Source | None = None
    composite: Composite | None = None
    add_daily_net: bool = False
    clamp: Clamp | None = None
    zero_subtable_band: str | None = None
    vetoes: VetoSources = VetoSources()
    veto_band: str | None = None
    caps: tuple[Cap, ...] = ()
    rated_by: str | None = None  # a kind the reviewer rates: its rating is the grade, the source's score a suggestion

    @cached_property
    def as_composite(self) -> FinalGradeRule:
        """The rule a composite grade is finished with: its composite's daily points and clamp."""
        composite = self.composite
        assert composite is not None
        return replace(self, add_daily_net=composite.add_daily_net, clamp=composite.clamp or self.clamp)

    @classmethod
    def of(cls, data: dict[str, Any]) -> FinalGradeRule:
        def clamp(block: dict[str, Any] | None) -> Clamp | None:
            return Clamp(block["min"], block["max"]) if block else None

        source, composite, vetoes = data.get("source"), data.get("composite"), data.get("vetoes") or {}
        return cls(
            data["code"],
            data["name"],
            data["scale"],
            data["subject"],
            Source(source["kind"], source["pick"]) if source else None,
            Composite(
                tuple(Part.of(p) for p in composite["parts"]),
                composite["weights_total"],
                composite["when_part_missing"],
                composite["add_daily_net"],
                clamp(composite.get("clamp")),
            )
            if composite
            else None,
            data["add_daily_net"],
            clamp(data.get("clamp")),
            data.get("zero_subtable_band"),
            VetoSources(vetoes.get("kind_vetoes", False), tuple(vetoes.get("catalogue", ()))),
            data.get("veto_band"),
            tuple(Cap.of(c) for c in data["caps"]),
            data.get("rated_by"),
        )


@dataclass(frozen=True)
class Veto:
    """A kind's 否决项: recorded on a record by its reviewer, it forces ``grade`` of the kind's scale.
    With ``expires_field`` it is not recorded but found: the record's date in that header field (a
    licence's expiry) falls on or before the end of the period."""

    code: str
    name: str
    grade: str
    expires_field: str | None = None


@dataclass(frozen=True)
class RepeatVeto:
    """A catalogue entry that becomes a veto when one project has it ``times`` times within
    ``within_months`` (e.g. 全面停工 twice in 12 months), forcing ``grade``."""

    times: int
    within_months: int
    grade: str
    name: str


@dataclass(frozen=True)
class CatalogueEntry:
    """One entry of a daily catalogue (日常考核): a bonus or a deduction of ``points``, or a veto that
    forces ``grade``; ``group`` ties bonuses capped or counted together."""

    code: str
    kind: str  # bonus | deduction | veto
    name: str
    applies_to: tuple[str, ...]  # enterprise, project
    points: Decimal | None = None
    group: str | None = None
    grade: str | None = None
    description: str | None = None
    repeat_veto: RepeatVeto | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> CatalogueEntry:
        repeat = data.get("repeat_veto")
        return cls(
            data["code"],
            data["kind"],
            data["name"],
            tuple(data["applies_to"]),
            data.get("points"),
            data.get("group"),
            data.get("grade"),
            data.get("description"),
            RepeatVeto(repeat["times"], repeat["within_months"], repeat["grade"], repeat["name"]) if repeat else None,
        )
