"""Data scope rules: which records a user's roles reach (the clause every door filters with).

``views.scope`` applies them to the user of a request; background jobs apply them to the user who
started the job. A model states how its records belong to an enterprise and a district (see
``models.core``); a role of the pack states which of the two limits it (``all``, ``district`` or
``enterprise``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, select
from sqlalchemy.sql.elements import ColumnElement

from criteria.pack import Pack

BREADTH = {"none": 0, "enterprise": 1, "district": 2, "all": 3}


@dataclass(frozen=True)
class UserScope:
    kind: str  # all | district | enterprise | none
    district_ids: frozenset[int] = field(default_factory=frozenset)
    enterprise_id: int | None = None
    is_admin: bool = False
    kinds: frozenset[str] | None = None  # assessment kinds the user reaches; None: every kind
    dossier: bool = True  # reaches a kind that shows the materials checklist (EnterpriseMaterial rows)


NOBODY = UserScope("none")
EVERYTHING = UserScope("all", is_admin=True)


def scope_of(user: Any, pack: Pack) -> UserScope:
    """The broadest scope among the user's roles, bound to the user's district(s) or enterprise."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    roles = [pack.role_by_label(role.name) for role in user.roles]
    roles = [r for r in roles if r is not None]
    if not roles:
        return NOBODY
    best = max(roles, key=lambda r: BREADTH[r.scope])
    is_admin = any(r.admin for r in roles)
    kinds = None if is_admin else kinds_reached(pack, {r.code for r in roles})
    dossier = kinds is None or bool(kinds & pack.dossier_kinds)
    if best.scope == "all":
        return UserScope("all", is_admin=is_admin, kinds=kinds, dossier=dossier)
    if best.scope == "district":
        ids = frozenset(d.id for d in user.districts)
        return UserScope("district", district_ids=ids, kinds=kinds, dossier=dossier) if ids else NOBODY
    if user.enterprise_id is None:
        return NOBODY
    return UserScope("enterprise", enterprise_id=user.enterprise_id, kinds=kinds, dossier=dossier)


def kinds_reached(pack: Pack, role_codes: set[str]) -> frozenset[str]:
    """The kinds these roles fill or review (``filled_by`` / ``reviewed_by`` in the kind's YAML)."""
    return frozenset(code for code, kind in pack.kinds.items() if kind.filled_by in role_codes or role_codes & set(kind.reviewed_by))


def _path_in(model: type, path: str, values: Any) -> ColumnElement:
    """``enterprise.district_id`` on Person -> EXISTS(enterprise whose district_id in values)."""
    head, _, rest = path.partition(".")
    attribute = getattr(model, head)
    if not rest:
        return attribute.in_(values) if isinstance(values, (set, frozenset, list, tuple)) else attribute == values
    target = attribute.property.mapper.class_
    return attribute.has(_path_in(target, rest, values))


def scope_clause(model: type, scope: UserScope) -> ColumnElement | None:
    """A WHERE clause limiting ``model`` to ``scope``; None means no limit."""
    if getattr(model, "scope_admin_only", False):
        return None if scope.is_admin else false()
    through = getattr(model, "scope_assessment", None)
    if through:  # evidence, history, verification codes: their assessment's scope
        from models.aggregate import AssessmentRecord

        inner = scope_clause(AssessmentRecord, scope)
        return None if inner is None else getattr(model, through).in_(select(AssessmentRecord.id).where(inner))
    via = getattr(model, "scope_via", None)
    if via:
        relation = getattr(model, via)
        inner = scope_clause(relation.property.mapper.class_, scope)
        return None if inner is None else relation.has(inner)
    by_kind = _kind_clause(model, scope)
    if by_kind is not None and scope.kind == "all":
        return by_kind
    if scope.kind == "all" or getattr(model, "scope_public", False):
        return None
    place = _place_clause(model, scope)
    return place if by_kind is None else and_(by_kind, place)


def _kind_clause(model: type, scope: UserScope) -> ColumnElement | None:
    """Rows of the kinds the scope reaches; None when the model is not tied to a kind or all are reached."""
    if getattr(model, "scope_dossier", False):
        return None if scope.dossier else false()
    if scope.kinds is None:
        return None
    kind = getattr(model, "scope_kind", None)
    if kind is not None:
        return None if kind in scope.kinds else false()
    column = getattr(model, "scope_kind_column", None)
    if column is not None:
        return getattr(model, column).in_(sorted(scope.kinds))
    return None


def _place_clause(model: type, scope: UserScope) -> ColumnElement:
    """Rows of the user's district(s) or enterprise."""
    if scope.kind == "district" and getattr(model, "scope_district", None):
        return _path_in(model, model.scope_district, scope.district_ids)
    if scope.kind == "enterprise" and getattr(model, "scope_enterprise", None):
        return _path_in(model, model.scope_enterprise, scope.enterprise_id)
    return false()
