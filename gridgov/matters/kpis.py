"""Key figures of matter handling for a period, per handling unit or per region.

The cohort is the matters *registered* in the period [start, end) and in scope. Figures are
taken as they stood at `end` (a closing after the period does not count), so a past period
reads the same tomorrow as today. With R the cohort (matters merged as duplicates stay
counted as registered and are otherwise left out: their twin carries the work):

* registered  = |R|
* due         = matters of R whose deadline falls before `end`
* handled     = matters of R whose handling was reported before `end`
* on time     = handled matters whose handling came by their deadline (the deadline
                includes approved extensions)
* late        = handled matters whose handling came after their deadline, and matters not
                handled by `end` whose deadline had passed by then (overdue, still open)
* closed      = matters of R closed before `end`
* closed on time = closed matters whose handling came by their deadline
* closure rate (结案率)         = closed / registered
* on-time rate (按期办结率)      = on time / (on time + late)
* rework rate (返工率)          = matters returned for rework at least once / matters whose
                                  handling was reported at least once (handled or reworked)
* extension rate (延期率)       = matters with an approved extension / registered
* average handling time        = mean of (handled − registered) over handled matters, in hours

Rates are None when their denominator is zero; a zero is a zero.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from gridgov.core.scoping import common_path
from gridgov.regions.models import Region

from .models import State


@dataclasses.dataclass
class Figures:
    label: str
    registered: int = 0
    due: int = 0
    handled: int = 0
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0
    closed: int = 0
    closed_on_time: int = 0
    submitted: int = 0  # handling reported at least once: handled now, or returned for rework
    reworked: int = 0
    extended: int = 0
    handling_hours_total: float = 0.0

    @staticmethod
    def _rate(num, den):
        return round(num / den, 4) if den else None

    @property
    def closure_rate(self):
        return self._rate(self.closed, self.registered)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.on_time + self.late)

    @property
    def rework_rate(self):
        return self._rate(self.reworked, self.submitted)

    @property
    def extension_rate(self):
        return self._rate(self.extended, self.registered)

    @property
    def average_handling_hours(self):
        return round(self.handling_hours_total / self.handled, 1) if self.handled else None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "registered": self.registered,
            "due": self.due,
            "handled": self.handled,
            "on_time": self.on_time,
            "late": self.late,
            "overdue_open": self.overdue_open,
            "closed": self.closed,
            "closed_on_time": self.closed_on_time,
            "reworked": self.reworked,
            "closure_rate": self.closure_rate,
            "on_time_rate": self.on_time_rate,
            "rework_rate": self.rework_rate,
            "extension_rate": self.extension_rate,
            "average_handling_hours": self.average_handling_hours,
        }


def compute(queryset, start: datetime.datetime, end: datetime.datetime, by: str = "total"):
    """`by` is "total", "unit" (handling unit) or "region" (the places one level below the
    common root of the scope, e.g. the streets of a district)."""
    rows = queryset.filter(registered_at__gte=start, registered_at__lt=end).values(
        "region_path",
        "handling_unit__name",
        "state",
        "deadline",
        "handled_at",
        "closed_at",
        "registered_at",
        "rework_count",
        "extension_count",
    )
    rows = list(rows)
    names = {}
    depth = None
    if by == "region" and rows:
        common = common_path(r["region_path"] for r in rows)
        depth = len(common) + Region.steplen
        paths = {r["region_path"][:depth] for r in rows}
        names = dict(Region.objects.filter(path__in=paths).values_list("path", "name"))
    groups: dict[str, Figures] = defaultdict(lambda: Figures(""))
    total = Figures("total")
    for r in rows:
        if by == "unit":
            key = r["handling_unit__name"] or "—"
        elif by == "region":
            key = names.get(r["region_path"][:depth], r["region_path"][:depth])
        else:
            key = "total"
        _add(total, r, end)
        if by != "total":
            _add(groups[key], r, end)
    if by == "total":
        return [total]
    out = []
    for key in sorted(groups):
        groups[key].label = key
        out.append(groups[key])
    return out + [total]


def _add(fig: Figures, r: dict, end) -> None:
    fig.registered += 1
    deadline = r["deadline"]
    if deadline and deadline < end:
        fig.due += 1
    if r["extension_count"]:
        fig.extended += 1
    if r["state"] == State.MERGED:
        return
    handled_at = r["handled_at"] if r["handled_at"] and r["handled_at"] < end else None
    if handled_at:
        fig.handled += 1
        fig.handling_hours_total += (handled_at - r["registered_at"]).total_seconds() / 3600
        if deadline is None or handled_at <= deadline:
            fig.on_time += 1
        else:
            fig.late += 1
    elif deadline and deadline < end:
        fig.late += 1
        fig.overdue_open += 1
    if handled_at or r["rework_count"]:
        fig.submitted += 1
        if r["rework_count"]:
            fig.reworked += 1
    if r["closed_at"] is not None and r["closed_at"] < end:
        fig.closed += 1
        if handled_at and (deadline is None or handled_at <= deadline):
            fig.closed_on_time += 1
