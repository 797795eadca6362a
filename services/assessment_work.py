"""One assessment as a use case sees it: the record, its kind as its criteria version defines it, who
acts, and what that user may do to it now. The doors load the record inside the user's scope and build
a ``Work``; every assessment service takes one and ends in ``commit``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from criteria.pack import Kind, Pack
from models import Attachment
from services.errors import CONFLICT, Conflict
from workflow import dossier
from workflow.records import facts_of
from workflow.rules import Actor, Facts, choices, editable, may_record_veto, may_review_items


def _no_check(row: Any) -> None:
    return None


@dataclass
class Work:
    session: Session
    pack: Pack  # the criteria version the record was filed under
    kind: Kind  # the record's kind as that version defines it
    record: Any
    actor: Actor
    in_force: bool  # the running pack still lists the kind (a retired kind's records are only read)
    kind_models: Mapping[str, Any] = field(default_factory=dict)  # the running pack's models, for grades
    guard: Callable[[Any], None] = _no_check  # the door's scope check of a new child row


@dataclass(frozen=True)
class Permissions:
    """What the acting user may do to the record now."""

    facts: Facts
    can_fill: bool
    can_rectify: bool
    can_review: bool
    can_veto: bool  # record or withdraw one of the kind's vetoes
    choices: list[tuple[dict[str, Any], str | None]]  # transitions, each with why it is blocked (or None)


def fills(work: Work) -> bool:
    """The user fills the record's kind, and the kind is in force (a retired kind's records are read only)."""
    return work.in_force and work.kind.filled_by in work.actor.roles


def may_fill(work: Work) -> bool:
    """The filler may change the record's scores, evidence and header now (an editable state). Needs no
    query, unlike ``permissions``: the write paths ask this alone."""
    return fills(work) and editable(work.kind, work.record.state)


def permissions(work: Work, evidence: dict[str, list[Attachment]] | None = None, live: dossier.Live | None = None) -> Permissions:
    """``evidence`` and ``live``: what a page already read for the record."""
    kind, record, actor = work.kind, work.record, work.actor
    facts = facts_of(work.session, kind, record, work.pack, evidence, live)
    return Permissions(
        facts=facts,
        can_fill=may_fill(work),
        can_rectify=fills(work) and kind.state_flag(record.state, "rectification"),
        can_review=work.in_force and may_review_items(kind, actor, facts),
        can_veto=work.in_force and may_record_veto(kind, actor, facts),
        choices=choices(kind, actor, facts) if work.in_force else [],
    )


def require_current(work: Work, lock_version: Any) -> None:
    """The user acted on the version of the record that is stored now, or Conflict."""
    if str(lock_version if lock_version is not None else "") != str(work.record.lock_version):
        raise Conflict(CONFLICT)


def commit(work: Work) -> None:
    """Commit the step; the record's version moves even when only its item rows changed."""
    work.record.changed_on = datetime.datetime.now()
    try:
        work.session.commit()
    except StaleDataError:
        work.session.rollback()
        raise Conflict(CONFLICT) from None
