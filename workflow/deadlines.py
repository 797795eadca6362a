"""Deadlines counted in working days (整改期限), from a kind's ``rectification`` block (pure)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from criteria.rules import Rectification


def is_working_day(day: datetime.date, non_working: Iterable[datetime.date] = (), extra_working: Iterable[datetime.date] = ()) -> bool:
    """Monday to Friday, except the listed holidays; a listed weekend day (调休) is worked."""
    if day in set(extra_working):
        return True
    return day.weekday() < 5 and day not in set(non_working)


def add_working_days(
    start: datetime.date, days: int, non_working: Iterable[datetime.date] = (), extra_working: Iterable[datetime.date] = ()
) -> datetime.date:
    """The ``days``-th working day after ``start`` (the day a round opens does not count)."""
    holidays, worked = frozenset(non_working), frozenset(extra_working)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays, worked):
            left -= 1
    return day


def rectification_due(rules: Rectification, opened: datetime.date) -> datetime.date:
    """The deadline of a round opened on ``opened`` under a kind's ``rectification`` block."""
    return add_working_days(opened, rules.working_days, rules.non_working_days, rules.extra_working_days)
