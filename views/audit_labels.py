"""How the audit log names what changed: each column by its screen's label and each coded value
(state, rating, item, catalogue entry, list, material, choice…) by the running pack's label, or by
the screen's own formatter of that column.

The labels come from the screens (``views.all_resources``) and the pack, once per app; a column no
screen shows keeps its name, a value no pack declares is shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from markupsafe import Markup

from criteria.pack import Kind, Pack
from workflow.header import field_choices


@dataclass
class TableLabels:
    title: str
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    formatters: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # the screen's, for other coded columns


def _kind_values(pack: Pack, kind: Kind) -> dict[str, dict[str, str]]:
    values = {"state": dict(kind.state_labels), "rating": dict(pack.band_labels(kind))}
    for header in kind.header_fields:
        if header.type == "choice":
            values[header.code] = dict(field_choices(header, kind, pack))
    return values


def _merged(pairs: Any) -> dict[str, str]:
    """code -> label over every kind; a code two kinds call differently reads 退回／驳回."""
    labels: dict[str, list[str]] = {}
    for code, label in pairs:
        if label not in labels.setdefault(code, []):
            labels[code].append(label)
    return {code: "／".join(names) for code, names in labels.items()}


def _shared_values(pack: Pack) -> dict[str, dict[str, str]]:
    """Codes that mean the same in every table that holds them (a review step and the states it
    joins by the labels of the kinds that declare them)."""
    kinds = pack.kinds.values()
    states = _merged((state.code, state.label) for kind in kinds for state in kind.workflow.states)
    return {
        "action": _merged((step.code, step.label) for kind in kinds for step in kind.workflow.transitions),
        "from_state": states,
        "to_state": states,
        "kind": {kind.code: kind.name for kind in kinds},
        "item_code": {item.code: item.name for kind in kinds for item in kind.items}
        | {f"record:{entry.code}": entry.name for kind in kinds for entry in kind.record_evidence},
        "review_status": {code: label for kind in kinds for code, label in kind.item_status_labels.items()},
        "entry": {entry.code: entry.name for kind in kinds for entry in kind.catalogue},
        "list_code": {entry.code: entry.name for entry in pack.personnel_lists},
        "material_code": {m.code: m.for_period(None).name for kind in kinds for m in kind.materials},
        "criteria_pack": {pack.code: pack.name},
        "district": {d.code: d.name for d in pack.districts},
    }


def _build() -> dict[str, TableLabels]:
    pack = current_app.extensions["criteria_pack"]
    models = current_app.extensions["kind_models"]
    shared = _shared_values(pack)
    tables: dict[str, TableLabels] = {"ab_user": TableLabels("用户")}
    for resource in current_app.extensions["resources"]:  # the screens, as the app was assembled
        found = tables.setdefault(resource.model.__tablename__, TableLabels(resource.title))
        for column, label in resource.labels.items():
            found.columns.setdefault(column, label)
            found.columns.setdefault(f"{column}_id", label)
        for column, shown in resource.formatters.items():
            found.formatters.setdefault(column, shown)
    for kind in pack.kinds.values():
        table = tables.setdefault(models[kind.code].assessment.__tablename__, TableLabels(kind.name))
        table.columns.update({header.code: header.label for header in kind.header_fields})
        table.values.update(_kind_values(pack, kind))
    tables[ANY_TABLE] = TableLabels("")
    for table in tables.values():
        table.values = {**shared, **table.values}
    return tables


ANY_TABLE = ""  # a table no screen shows (the materials of a dossier): the shared codes still read as labels


def table_labels(table: str) -> TableLabels | None:
    tables = current_app.extensions.get("audit_labels")
    if tables is None:
        tables = current_app.extensions["audit_labels"] = _build()
    return tables.get(table) or tables[ANY_TABLE]


def shared_label(column: str) -> Callable[[Any], Any]:
    """A screen's formatter of a coded column whose codes read the same everywhere (a review step)."""
    return lambda value: value_label(table_labels(ANY_TABLE), column, value)


def column_label(labels: TableLabels | None, column: str) -> str:
    return labels.columns.get(column, column) if labels else column


def value_label(labels: TableLabels | None, column: str, value: Any) -> Any:
    """A stored text value as the screens show it: the pack's label, else the screen's own formatter
    of that column when it gives plain text (never a link or a button)."""
    if not labels or not isinstance(value, str):
        return value
    if column in labels.values:
        return labels.values[column].get(value, value)
    shown = labels.formatters.get(column)
    if shown is None:
        return value
    try:
        text = shown(value)
    except (AttributeError, KeyError, TypeError, ValueError):  # a formatter of related records, not of codes
        return value
    return text if isinstance(text, str) and not isinstance(text, Markup) else value
