"""What a running platform fixes when it starts, and whether another pack state fits it.

At start the platform generates tables, screens, menus, form fields, role permissions and review
queues from the pack. A later version of the pack that changes none of these (items, maximum
scores, evaluation standards, scoring parameters, grade bands, final-grade weights, evidence) can
be used for new assessments at once; one that does (a new kind or header field, another role,
workflow or district, a kind's materials checklist, personnel lists or ``dossier_from``, whether it
has items, its scoring method, ``one_per_period``) needs its schema changes applied and the serving
processes rebuilt on it (``reloading``).
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from criteria.pack import Kind, Pack


def _kind_key(kind: Kind) -> tuple[Any, ...]:
    return (
        kind.code,
        kind.short_name,
        kind.subject,
        kind.filled_by,
        kind.reviewed_by,
        kind.header_fields,
        _frozen(kind.workflow),
        tuple((entry.code, entry.name) for entry in kind.catalogue),  # choices of header fields
        bool(kind.items),  # the item-row screen and API exist only for kinds with items
        kind.scoring.code,  # a rated kind lists its rating instead of a total
        kind.one_per_period,  # a unique index of the kind's table
        # who reaches the materials and people (the data scope), and the registry's list choices
        bool(kind.materials),
        kind.dossier_from,
        tuple((entry.code, entry.name) for entry in kind.personnel),
    )


def _frozen(value: Any) -> Any:
    """Plain data as nested tuples, comparable and hashable."""
    if is_dataclass(value):
        return _frozen(asdict(value))
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


def structure_key(pack: Pack) -> tuple[Any, ...]:
    """Everything of ``pack`` that the platform binds when it starts."""
    return (
        pack.code,
        pack.districts,
        pack.roles,
        tuple(_kind_key(kind) for kind in pack.kinds.values()),
        tuple((f.code, f.name, f.subject) for f in pack.final_grades),
        _frozen(pack.adjustments),
    )


def fits(running: Pack, other: Pack) -> bool:
    """Whether the platform started on ``running`` can use ``other`` for new assessments."""
    return structure_key(running) == structure_key(other)
