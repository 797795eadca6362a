"""Marshmallow schemas of a kind's workflow block and its rectification rounds (整改)."""

from __future__ import annotations

from criteria.fields import Code, Date, Flag, Integer, Items, Nested, Strict, Text, between, not_empty_list, one_of


class RectificationSchema(Strict):
    """整改: a return, or a rating in ``bands``, opens a round with a deadline in working days."""

    bands = Items(Code(), load_default=list)  # ratings that open a round (scoring.bands)
    state = Code()  # where a rating that opens a round sends the record
    working_days = Integer(required=True, validate=between(1, 365))  # the deadline the guide sets
    non_working_days = Items(Date(), load_default=list)  # days off besides the official arrangement
    extra_working_days = Items(Date(), load_default=list)  # days worked besides the official arrangement


class StateSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    editable = Flag(load_default=False)  # the filler may still change (and delete) the record
    rectification = Flag(load_default=False)  # the filler may hand in 整改材料 (only that) and resubmit


CONDITIONS = ("complete", "all_items_passed")


class TransitionSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    from_states = Items(Code(), data_key="from", required=True, validate=not_empty_list())
    to = Code(required=True)
    roles = Items(Code(), required=True, validate=not_empty_list())
    opinion_required = Flag(load_default=False)
    self_review = Flag(load_default=True)  # false: not by the record's own enterprise or creator
    requires = Items(Text(validate=one_of(*CONDITIONS)), load_default=list)
    reopens_rejected_items = Flag(load_default=False)  # rejected items go back to pending
    rates = Flag(load_default=False)  # the reviewer chooses a band of scoring.bands (rating kinds)
    opens_rectification = Flag(load_default=False)  # opens a rectification round with its deadline


class ItemStatusSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    means = Text(required=True, validate=one_of("pending", "pass", "reject"))


class RoutingSchema(Strict):
    city_reviewed = Items(Code(), required=True, validate=not_empty_list())
    other = Items(Code(), required=True, validate=not_empty_list())


class WorkflowSchema(Strict):
    initial = Code(required=True)
    states = Items(Nested(StateSchema), required=True, validate=not_empty_list())
    transitions = Items(Nested(TransitionSchema), load_default=list)
    item_statuses = Items(Nested(ItemStatusSchema), required=True, validate=not_empty_list())
    review_routing = Nested(RoutingSchema)
