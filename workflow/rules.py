"""Who may take which transition of a kind's workflow, on which record (pure; no Flask, no SQL).

Learned from Frappe's Workflow: states, transitions with the roles allowed to take them, and no
self-approval. The edges collect the facts of a record (its state, owner, district routing,
completeness) and ask ``check`` before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from criteria.pack import Kind
from criteria.rules import Transition


class WorkflowRefused(Exception):
    """The transition is not allowed; the message says why (Chinese, for users)."""


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    roles: frozenset[str]  # role codes of the pack
    enterprise_id: int | None = None  # set for enterprise users


@dataclass(frozen=True)
class Facts:
    state: str
    enterprise_id: int
    created_by: int | None
    city_reviewed: bool  # the district of the record is reviewed by the city station itself
    missing: tuple[str, ...] = ()  # what 'complete' still lacks, named for the user
    item_meanings: tuple[str, ...] = field(default=())  # pending | pass | reject of each applicable item


def editable(kind: Kind, state: str) -> bool:
    """Whether the filler may change a record in ``state`` (draft, returned)."""
    return any(s.code == state and s.editable for s in kind.workflow.states)


def item_meaning(kind: Kind, status: str) -> str:
    return next(s.means for s in kind.workflow.item_statuses if s.code == status)


def status_for(kind: Kind, meaning: str) -> str:
    return next(s.code for s in kind.workflow.item_statuses if s.means == meaning)


def _roles_allowed(kind: Kind, transition: Transition, facts: Facts) -> set[str]:
    allowed = set(transition.roles)
    routing = kind.workflow.review_routing
    if routing:
        routed = set(routing.city_reviewed) | set(routing.other)
        chosen = set(routing.city_reviewed if facts.city_reviewed else routing.other)
        allowed = {role for role in allowed if role not in routed or role in chosen}
    return allowed


def destination(kind: Kind, transition: Transition, rating: str | None = None) -> str:
    """The state a transition leads to: a rating that opens a rectification round sends the record
    to the kind's rectification state instead of the transition's ``to``."""
    if transition.rates and rating in kind.rectification_bands:
        return kind.rectification.state
    return transition.to


def opens_round(kind: Kind, transition: Transition, rating: str | None = None) -> bool:
    """Whether taking the transition (with this rating) opens a rectification round."""
    return transition.opens_rectification or (transition.rates and rating in kind.rectification_bands)


def rating_refusal(kind: Kind, transition: Transition, rating: str | None, labels: dict[str, str]) -> str | None:
    """Why ``rating`` cannot go with ``transition`` (a rating transition needs one of the kind's
    bands; others take none), or None."""
    if not transition.rates:
        return None if not rating else f"“{transition.label}”不需要选择评定结果"
    if rating not in kind.rating_bands:
        return "请选择评定结果：" + "、".join(labels.get(band, band) for band in kind.rating_bands)
    return None


def _own_record(transition: Transition, actor: Actor, facts: Facts) -> bool:
    """A review step on a record of the actor's own enterprise or filed by the actor, whatever roles
    the actor holds (nobody reviews what they filled)."""
    return not transition.self_review and (
        actor.enterprise_id == facts.enterprise_id or (actor.user_id is not None and actor.user_id == facts.created_by)
    )


def may_review_items(kind: Kind, actor: Actor, facts: Facts) -> bool:
    """Whether the actor may decide the record's items now: it may take, in this state, a step that
    needs every item passed, and the record is not its own."""
    return any(
        "all_items_passed" in t.requires
        and facts.state in t.from_states
        and actor.roles & _roles_allowed(kind, t, facts)
        and not _own_record(t, actor, facts)
        for t in kind.workflow.transitions
    )


def may_record_veto(kind: Kind, actor: Actor, facts: Facts) -> bool:
    """Whether the actor may record (or withdraw) one of the kind's vetoes on the record: the kind
    declares vetoes, the record has been handed in (not in a state its filler edits), and the actor
    takes one of its review steps (a step the filler's role does not take, routed to its district),
    on a record not its own."""
    if not kind.manual_vetoes or editable(kind, facts.state):
        return False
    return any(
        kind.filled_by not in t.roles and actor.roles & _roles_allowed(kind, t, facts) and not _own_record(t, actor, facts)
        for t in kind.workflow.transitions
    )


def refusal(kind: Kind, transition: Transition, actor: Actor, facts: Facts, opinion: str = "", check_opinion: bool = True) -> str | None:
    """Why ``actor`` may not take ``transition`` now, or None when it may."""
    states = kind.state_labels
    if facts.state not in transition.from_states:
        return f"当前状态为“{states.get(facts.state, facts.state)}”，不能执行“{transition.label}”"
    if not actor.roles & _roles_allowed(kind, transition, facts):
        return f"您的角色不能对此记录执行“{transition.label}”"
    if _own_record(transition, actor, facts):
        return f"不能对本单位或本人填报的记录执行“{transition.label}”"
    for condition in transition.requires:
        if condition == "complete" and facts.missing:
            return "尚不能提交，以下内容未填写或未上传：" + "；".join(facts.missing)
        if condition == "all_items_passed" and any(m != "pass" for m in facts.item_meanings):
            return "还有评分项未审核通过，不能审核通过；请逐项审核，或退回修改"
    if check_opinion and transition.opinion_required and not opinion.strip():
        return f"“{transition.label}”需要填写意见"
    return None


def choices(kind: Kind, actor: Actor, facts: Facts) -> list[tuple[Transition, str | None]]:
    """Every transition out of the record's state that the actor's roles could take, with the reason
    it is blocked (None when it can be taken); the opinion is asked for when it is taken."""
    found = []
    for transition in kind.workflow.transitions:
        if facts.state in transition.from_states and actor.roles & _roles_allowed(kind, transition, facts):
            found.append((transition, refusal(kind, transition, actor, facts, check_opinion=False)))
    return found


def check(
    kind: Kind, code: str, actor: Actor, facts: Facts, opinion: str, rating: str | None = None, band_labels: dict[str, str] | None = None
) -> Transition:
    """The transition ``code`` if the actor may take it now with ``opinion`` (and, for a rating
    transition, ``rating``: a band code of the kind's scale); else WorkflowRefused."""
    transition = next((t for t in kind.workflow.transitions if t.code == code), None)
    if transition is None:
        raise WorkflowRefused(f"未知的操作：{code}")
    reason = refusal(kind, transition, actor, facts, opinion) or rating_refusal(kind, transition, rating or None, band_labels or {})
    if reason:
        raise WorkflowRefused(reason)
    return transition
