"""The workflow rules on their own: roles, routing by district, no self-review, conditions, opinions."""

from __future__ import annotations

import pytest

from criteria import load_pack
from workflow import Actor, Facts, WorkflowRefused, check, choices

PACK = load_pack()
GENERAL = PACK.kinds["general"]
ENTERPRISE = Actor(user_id=10, roles=frozenset({"enterprise"}), enterprise_id=1)
DISTRICT = Actor(user_id=20, roles=frozenset({"district_authority"}))
CITY = Actor(user_id=30, roles=frozenset({"city_station"}))


def facts(state="submitted", city_reviewed=False, missing=(), items=("pass",) * 11, created_by=10, enterprise=1):
    return Facts(state, enterprise, created_by, city_reviewed, tuple(missing), tuple(items))


def test_the_enterprise_submits_with_an_opinion_once_complete():
    assert check(GENERAL, "submit", ENTERPRISE, facts("draft"), "请审核").to == "submitted"
    with pytest.raises(WorkflowRefused, match="需要填写意见"):
        check(GENERAL, "submit", ENTERPRISE, facts("draft"), "")
    with pytest.raises(WorkflowRefused, match="以下内容未填写或未上传：安全教育培训的得分"):
        check(GENERAL, "submit", ENTERPRISE, facts("draft", missing=["安全教育培训的得分"]), "请审核")


def test_an_enterprise_never_approves_its_own_submission():
    own_reviewer = Actor(user_id=11, roles=frozenset({"enterprise", "district_authority"}), enterprise_id=1)
    with pytest.raises(WorkflowRefused, match="不能对本单位或本人填报的记录"):
        check(GENERAL, "approve", own_reviewer, facts(), "")
    creator = Actor(user_id=10, roles=frozenset({"district_authority"}))
    with pytest.raises(WorkflowRefused, match="不能对本单位或本人填报的记录"):
        check(GENERAL, "approve", creator, facts(), "")


def test_routing_sends_city_reviewed_districts_to_the_city_station():
    assert check(GENERAL, "approve", DISTRICT, facts(city_reviewed=False), "同意").to == "approved"
    with pytest.raises(WorkflowRefused, match="您的角色不能"):
        check(GENERAL, "approve", CITY, facts(city_reviewed=False), "同意")
    assert check(GENERAL, "approve", CITY, facts(city_reviewed=True), "同意").to == "approved"
    with pytest.raises(WorkflowRefused, match="您的角色不能"):
        check(GENERAL, "approve", DISTRICT, facts(city_reviewed=True), "同意")


def test_approval_needs_every_item_passed_and_both_decisions_need_an_opinion():
    with pytest.raises(WorkflowRefused, match="还有评分项未审核通过"):
        check(GENERAL, "approve", DISTRICT, facts(items=("pass",) * 10 + ("reject",)), "同意")
    with pytest.raises(WorkflowRefused, match="需要填写意见"):
        check(GENERAL, "return", DISTRICT, facts(), "  ")
    with pytest.raises(WorkflowRefused, match="“审核通过”需要填写意见"):  # the seed asks for one on 通过 too
        check(GENERAL, "approve", DISTRICT, facts(), "")
    assert check(GENERAL, "return", DISTRICT, facts(), "材料不全").to == "returned"


def test_only_transitions_out_of_the_current_state_are_offered():
    assert [t.code for t, _ in choices(GENERAL, ENTERPRISE, facts("draft"))] == ["submit"]
    assert choices(GENERAL, ENTERPRISE, facts("approved")) == []
    offered = choices(GENERAL, DISTRICT, facts(items=("pending",) * 11))
    assert {t.code: reason is None for t, reason in offered} == {"return": True, "approve": False}
    with pytest.raises(WorkflowRefused, match="当前状态为“审核通过”"):
        check(GENERAL, "return", DISTRICT, facts("approved"), "x")
