"""Deadlines counted in working days (整改期限), from a kind's ``rectification`` block (pure).

A working day is what the State Council's holiday arrangement (国务院办公厅节假日安排) says: weekends and
public holidays are off, 调休 weekend days are worked. The arrangement comes from the
``chinese-calendar`` package, which knows the years already announced (through 2026 in its 1.11
release); the pack's own ``non_working_days`` and ``extra_working_days`` override it day by day (a
local closure, a year announced after the release). A day past the package's last year counts Monday
to Friday plus the pack's lists, and a deadline that reaches such a day is *provisional*: the page
says so until the arrangement is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import chinese_calendar

from criteria.rules import Rectification

# Whether a day is an official working day; None for a day the arrangement does not cover yet.
Official = Callable[[datetime.date], bool | None]
WEEKDAYS = "一二三四五六日"


def china_official(day: datetime.date) -> bool | None:
    """The State Council's arrangement for ``day`` (None past the years the package knows)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_working_day(
    day: datetime.date,
    non_working: Iterable[datetime.date] = (),
    extra_working: Iterable[datetime.date] = (),
    official: Official = china_official,
) -> bool:
    """The pack's lists first (a listed day off, a listed worked day), then the official arrangement,
    then Monday to Friday where the arrangement is not known."""
    if day in set(extra_working):
        return True
    if day in set(non_working):
        return False
    known = official(day)
    return day.weekday() < 5 if known is None else known


def add_working_days(
    start: datetime.date,
    days: int,
    non_working: Iterable[datetime.date] = (),
    extra_working: Iterable[datetime.date] = (),
    official: Official = china_official,
) -> datetime.date:
    """The ``days``-th working day after ``start`` (the day a round opens does not count)."""
    holidays, worked = frozenset(non_working), frozenset(extra_working)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays, worked, official):
            left -= 1
    return day


def rectification_due(rules: Rectification, opened: datetime.date) -> datetime.date:
    """The deadline of a round opened on ``opened`` under a kind's ``rectification`` block."""
    return add_working_days(opened, rules.working_days, rules.non_working_days, rules.extra_working_days)


def provisional(due: datetime.date) -> bool:
    """Whether a deadline reaches past the announced arrangement (counted Monday to Friday there, so
    it may still move); a deadline is counted forward, so its own date tells."""
    return china_official(due) is None


def date_zh(day: datetime.date) -> str:
    """A date as the page names it: 2026年12月18日（星期五）."""
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


def deadline_zh(due: datetime.date) -> str:
    """The deadline as the page and the review note say it, provisional ones marked."""
    note = "（暂定：该年度的国务院节假日安排尚未收录，按周一至周五计算）" if provisional(due) else ""
    return date_zh(due) + note
