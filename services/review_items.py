"""A reviewer's decisions on the items of a submitted record, in one transaction (RULES §3.6).

Each item gets two decisions. The score: √ (``verdict_<item>=accept``, the default) takes the
filler's self score; × (``override``) sets the reviewer's own 考核得分 with an opinion, and that score
stands. The status: 通过 (``decision_<item>=pass``) or 驳回 (``reject``, with an opinion). Saving a 驳回
returns the record to the filler at once; a record whose items are all 通过 can be approved, with the
reviewer's scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from criteria.pack import Item, Kind
from services.assessment_work import Work, commit, permissions, require_current
from services.errors import Invalid, Refused
from workflow.entries import REVIEW_FIELDS, assessed_score, unknown_codes, unknown_message
from workflow.records import ACCEPT, OVERRIDE, apply_transition, decide_item, facts_of
from workflow.rules import editable, refusal

DECISIONS = ("pass", "reject")


def _decision(kind: Kind, item: Item, fields: Mapping[str, str]) -> tuple[bool, Decimal | None, str]:
    """(passed, the reviewer's score under ×, opinion) of one item, or ValueError(message)."""
    decision = fields.get(f"decision_{item.code}") or ""
    verdict = fields.get(f"verdict_{item.code}") or ACCEPT
    opinion = (fields.get(f"opinion_{item.code}") or "").strip()
    if decision not in DECISIONS:
        raise ValueError(f"“{item.name}”的审核结论应为“通过”或“驳回”")
    if verdict not in (ACCEPT, OVERRIDE) or (verdict == OVERRIDE and not kind.scoring.overridable):
        raise ValueError(f"“{item.name}”的得分审核应为 √（采用自评分）或 ×（填写考核得分）")
    if verdict == ACCEPT and (fields.get(f"assessed_{item.code}") or "").strip():
        raise ValueError(f"“{item.name}”填写了考核得分，但得分审核为 √（采用自评分）；要采用考核得分请选 ×")
    assessed = None
    if verdict == OVERRIDE:
        assessed, problem = assessed_score(item, fields.get(f"assessed_{item.code}") or "", kind.scoring.places)
        if problem:
            raise ValueError(problem)
        if not opinion:
            raise ValueError(f"“{item.name}”打 × 时须填写审核意见（说明考核得分的依据）")
    if decision == "reject" and not opinion:
        raise ValueError(f"“{item.name}”驳回时须填写审核意见（说明缺少的材料或须修改的内容）")
    return decision == "pass", assessed, opinion


def _return_step(work: Work) -> dict[str, Any] | None:
    """The step that hands the record back to the filler, if the reviewer may take it now."""
    facts = facts_of(work.session, work.kind, work.record, work.pack)
    for step in work.kind.workflow.transitions:
        if editable(work.kind, step.to) and refusal(work.kind, step, work.actor, facts, check_opinion=False) is None:
            return step
    return None


def review_items(work: Work, fields: Mapping[str, str], lock_version: Any) -> str:
    """``fields``: ``verdict_<item>``, ``assessed_<item>``, ``decision_<item>``, ``opinion_<item>``; items
    left without a decision, and items marked 不涉及 that the filler did not change, stay as they are.
    Returns the message for the user."""
    kind, record = work.kind, work.record
    if not permissions(work).can_review:
        raise Refused("您不能审核此记录")
    require_current(work, lock_version)
    unknown = unknown_codes(kind, fields, REVIEW_FIELDS)
    if unknown:
        raise Invalid(unknown_message(kind, unknown))
    rows = {row.item_code: row for row in record.items}
    errors: dict[str, str] = {}
    decisions = []
    for item in kind.items:
        row = rows[item.code]
        touched = bool(fields.get(f"decision_{item.code}") or fields.get(f"assessed_{item.code}"))
        touched = touched or fields.get(f"verdict_{item.code}") == OVERRIDE  # √ alone is the form's default
        if not touched or (row.not_applicable and not row.changed_since_review):
            continue
        try:
            decisions.append((row, *_decision(kind, item, fields)))
        except ValueError as problem:
            errors[item.code] = str(problem)
    if errors:
        raise Invalid("有审核项填写不完整，未保存。", errors)
    for row, passed, assessed, opinion in decisions:
        decide_item(work.session, kind, record, row, work.actor, passed, assessed, opinion)
    message = f"已保存 {len(decisions)} 项审核结果"
    rejected = [(rows[row.item_code], opinion) for row, passed, _, opinion in decisions if not passed]
    step = _return_step(work) if rejected else None
    if step is not None:
        names = {item.code: item.name for item in kind.items}
        opinion = "；".join(f"{names[row.item_code]}：{said}" for row, said in rejected)
        apply_transition(work.session, work.pack, kind, record, step, work.actor, f"驳回 {len(rejected)} 项。{opinion}")
        message += f"；{len(rejected)} 项驳回，已{step.label}，状态：{kind.state_labels[record.state]}"
    commit(work)
    return message
