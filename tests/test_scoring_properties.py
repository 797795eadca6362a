"""Properties of the scorers over many generated inputs (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from criteria import load_pack
from scoring import score_kind

PACK = load_pack()
GENERAL = PACK.kinds["general"]
PROJECT = PACK.kinds["project"]


def tenths(maximum: Decimal) -> st.SearchStrategy[float]:
    return st.integers(0, int(maximum * 10)).map(lambda n: n / 10)


general_items = st.fixed_dictionaries({i.code: st.one_of(st.none(), tenths(i.max)) for i in GENERAL.items}).filter(
    lambda items: any(v is not None for v in items.values())
)
subtable_result = st.integers(0, 10000).map(lambda n: n / 100)
project_items = st.fixed_dictionaries(
    {i.code: st.one_of(st.none(), st.lists(subtable_result, min_size=1, max_size=len(i.subtables))) for i in PROJECT.items}
).filter(lambda items: any(v is not None for v in items.values()))


@settings(max_examples=200, deadline=None)
@given(general_items)
def test_general_total_stays_within_0_and_the_declared_total(items):
    total = score_kind(PACK, "general", {"items": items}).total
    assert 0 <= total <= GENERAL.total


@settings(max_examples=200, deadline=None)
@given(project_items)
def test_project_total_stays_within_0_and_100(items):
    total = score_kind(PACK, "project", {"items": items}).total
    assert 0 <= total <= PROJECT.total


@settings(max_examples=200, deadline=None)
@given(general_items, st.data())
def test_raising_an_item_never_lowers_the_total(items, data):
    code = data.draw(st.sampled_from([c for c, v in items.items() if v is not None]))
    maximum = float(GENERAL.item(code).max)
    raised = data.draw(st.integers(round(items[code] * 10), round(maximum * 10)).map(lambda n: n / 10))
    before = score_kind(PACK, "general", {"items": items}).raw_total
    after = score_kind(PACK, "general", {"items": {**items, code: raised}}).raw_total
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(project_items, st.data())
def test_raising_a_subtable_result_never_lowers_the_project_total(items, data):
    code = data.draw(st.sampled_from([c for c, v in items.items() if v is not None]))
    index = data.draw(st.integers(0, len(items[code]) - 1))
    raised = list(items[code])
    raised[index] = data.draw(st.integers(round(raised[index] * 100), 10000).map(lambda n: n / 100))
    before = score_kind(PACK, "project", {"items": items}).raw_total
    after = score_kind(PACK, "project", {"items": {**items, code: raised}}).raw_total
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(general_items.filter(lambda items: all(v != 0 for v in items.values())))
def test_not_applicable_items_rescale_the_rest(items):
    applicable = {c: Decimal(str(v)) for c, v in items.items() if v is not None}
    earned = sum(applicable.values())
    possible = sum(GENERAL.item(c).max for c in applicable)
    assert score_kind(PACK, "general", {"items": items}).raw_total == earned / possible * GENERAL.total


@settings(max_examples=100, deadline=None)
@given(project_items)
def test_any_zero_subtable_fails_the_project(items):
    result = score_kind(PACK, "project", {"items": items})
    has_zero = any(0 in (v or []) for v in items.values())
    assert (result.grade == PROJECT.scoring.zero_subtable_grade) if has_zero else (result.forced is False)
