"""Which households are due a visit. A household is due when any of its residents is in a
special group with a visit frequency (SpecialGroup.visit_every_days) and that many days
have passed since its last visit (the shortest frequency among its members counts); it is
overdue once it is late by more than GRACE_DAYS, or when it has never been visited."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from gridgov.accounts import roles
from gridgov.core.scoping import within
from gridgov.people.models import Household

from .models import Visit

GRACE_DAYS = 7
OVERDUE, DUE = "overdue", "due"


@dataclasses.dataclass
class DueHousehold:
    household: Household
    every: int  # days
    last_visit: datetime.datetime | None
    due_on: datetime.date | None  # None: never visited

    def state(self, today: datetime.date) -> str:
        if self.due_on is None or (today - self.due_on).days > GRACE_DAYS:
            return OVERDUE
        if self.due_on <= today:
            return DUE
        return ""

    def days_late(self, today: datetime.date) -> int | None:
        return None if self.due_on is None else (today - self.due_on).days


def scheduled_households(user):
    """Households the user may see (base data and visits) with a member in a group that is
    visited on a schedule, with `every` (days) and `last_visit` annotated."""
    paths = roles.read_paths(user, "visit")
    if not paths:
        return Household.objects.none()
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_at")
    return (
        Household.objects.visible_to(user)
        .filter(within("region_path", paths))
        .filter(members__special_groups__visit_every_days__isnull=False)
        .annotate(
            every=Min("members__special_groups__visit_every_days"),
            last_visit=Subquery(last.values("visited_at")[:1]),
        )
        .select_related("region")
    )


def due_households(user, *, state: str = "", today: datetime.date | None = None):
    """[DueHousehold] due or overdue (or only `state`), the longest-waiting first."""
    today = today or timezone.localdate()
    out = []
    for h in scheduled_households(user):
        due_on = None
        if h.last_visit is not None:
            due_on = timezone.localdate(h.last_visit) + datetime.timedelta(days=h.every)
        item = DueHousehold(h, h.every, h.last_visit, due_on)
        s = item.state(today)
        if s and (not state or s == state):
            out.append(item)
    out.sort(key=lambda d: (d.due_on or datetime.date.min, d.household.region_path, d.household.pk))
    return out
