"""Working days: Monday to Friday, less statutory holidays, plus make-up working days
(调休), as kept in the CalendarDay table that admins maintain."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import CalendarDay, DayKind


def _overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    )


def is_working_day(day: datetime.date, overrides: dict | None = None) -> bool:
    overrides = _overrides(day, day) if overrides is None else overrides
    kind = overrides.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (n ≥ 1); `start` itself does not count."""
    if n < 1:
        raise ValueError("n must be at least 1")
    overrides = _overrides(start, start + datetime.timedelta(days=n * 3 + 30))
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day, overrides):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    return sum(
        is_working_day(start + datetime.timedelta(days=i), overrides)
        for i in range(1, (end - start).days + 1)
    )


def end_of_day(day: datetime.date) -> datetime.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=tz)


def deadline_after(moment: datetime.datetime, working_days: int) -> datetime.datetime:
    """The end of the `working_days`-th working day after the local date of `moment`."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return end_of_day(add_working_days(local, working_days))
