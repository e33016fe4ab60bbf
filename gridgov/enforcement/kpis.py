"""Enforcement key figures (执行质效指标) for a set of cases and a period.

The period is the dates [start, end], both included; every figure is taken as it stood at
the end of `end` — so computing a past period again tomorrow, after more filings, closings,
assignments and payments, gives the same answer. The case set is a `Scope`: `in_scope(end,
paths)` for the courts under a region (a case belongs to the court that held it on `end`, so a
case assigned to another court later counts for its original court), or `campaign_scope(campaign)`.

With S the case set:

* new (新收)          = cases filed in the period
* carried over (旧存)  = cases filed before `start` and not closed before `start`
* received (受理)      = carried over + new
* closed (结案)        = cases closed in the period
* 综合执结率           = closed / received
* 法定期限内结案率      = closed within the statutory limit / closed (the limit at closing:
                        filing + 6 or 3 months + suspended days + approved extensions)
* 实际执结率           = closed with an "actual" closure type / closed
* 终本率               = closed as 终结本次执行 / closed
* 执行到位金额          = money into case accounts dated in the period (ledger receipts and
                        assigned unclaimed money, less their reversals) + recoveries
                        recorded outside the account dated in the period
* 执行到位率           = everything recovered by `end` on the cases closed in the period /
                        the amounts applied for on those cases
* pending > 1 year    = cases open at `end` that were filed more than `long_pending_days`
                        before it; the long-pending list is those cases, oldest first

Provinces count differently; GRIDGOV_ENFORCEMENT_KPI overrides the defaults in `RULES`:
which case kinds count at all (`kinds`), which closure types count as closed (`closed`) and
as actually performed (`actual`), and `long_pending_days`. Rates are None when their
denominator is zero.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator

from django.conf import settings
from django.db.models import Count, Q, Sum

from gridgov.core.scoping import under

from .models import (
    CaseKind,
    ClosureType,
    Court,
    CrossCourtAssignment,
    EnforcementCase,
    Leg,
    Recovery,
)

RULES = {
    "kinds": list(CaseKind.values),
    "closed": list(ClosureType.values),
    "actual": [ClosureType.COMPLETED, ClosureType.SETTLED],
    "long_pending_days": 365,
}
RECEIPT_KINDS = ("receive", "assign_suspense")


def rules() -> dict:
    return {**RULES, **getattr(settings, "GRIDGOV_ENFORCEMENT_KPI", {})}


def _rate(num, den):
    return round(num / den, 4) if den else None


@dataclasses.dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    new: int = 0
    carried_over: int = 0
    closed: int = 0
    closed_within_limit: int = 0
    closed_actual: int = 0
    closed_terminated_this_time: int = 0
    recovered_fen: int = 0
    closed_recovered_fen: int = 0
    closed_applied_fen: int = 0
    pending_over_year: int = 0

    @property
    def received(self):
        return self.new + self.carried_over

    @property
    def closure_rate(self):
        return _rate(self.closed, self.received)

    @property
    def within_limit_rate(self):
        return _rate(self.closed_within_limit, self.closed)

    @property
    def actual_rate(self):
        return _rate(self.closed_actual, self.closed)

    @property
    def terminated_this_time_rate(self):
        return _rate(self.closed_terminated_this_time, self.closed)

    @property
    def recovery_rate(self):
        return _rate(self.closed_recovered_fen, self.closed_applied_fen)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "received": self.received,
            "carried_over": self.carried_over,
            "new": self.new,
            "closed": self.closed,
            "closure_rate": self.closure_rate,
            "within_limit_rate": self.within_limit_rate,
            "actual_rate": self.actual_rate,
            "terminated_this_time_rate": self.terminated_this_time_rate,
            "recovered_fen": self.recovered_fen,
            "recovery_rate": self.recovery_rate,
            "pending_over_year": self.pending_over_year,
        }


@dataclasses.dataclass(frozen=True)
class Scope:
    """A set of cases as disjoint parts, each a condition on the case's own fields: counts
    and sums are taken per part and added (each part read from the covering index, no OR
    across indexes), and related rows (recoveries, ledger entries) are counted by a join
    rather than an IN over the set."""

    parts: tuple[Q, ...]

    @property
    def q(self) -> Q:
        return functools.reduce(operator.or_, self.parts)

    @property
    def cases(self):
        return EnforcementCase.objects.filter(self.q)

    def narrowed(self, q: Q) -> Scope:
        return Scope(tuple(part & q for part in self.parts))

    def via(self, prefix: str) -> list[Q]:
        return [_prefixed(part, prefix) for part in self.parts]


def _prefixed(q: Q, prefix: str) -> Q:
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [
        _prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}__{c[0]}", c[1])
        for c in q.children
    ]
    return out


def campaign_scope(campaign) -> Scope:
    return Scope((Q(campaigns=campaign),))


def in_scope(day: datetime.date, paths: list[str] | str = "", court: Court | None = None) -> Scope:
    """The cases held on `day` by the courts under the region `paths` (and only by `court`,
    if given): today's cases there, with assignments made after `day` undone — a case moved
    away later still counts where it was; one moved in later does not."""
    paths = [paths] if isinstance(paths, str) else list(paths)

    def there(path: str, court_id: int) -> bool:
        return any(path.startswith(p) for p in paths) and court_id == (
            court.pk if court else court_id
        )

    here = Q()
    for p in paths:
        here |= under("region_path", p)
    if court is not None:
        here &= Q(court=court)
    then: dict[int, bool] = {}
    for case_id, court_id, path in (
        CrossCourtAssignment.objects.filter(created_at__date__gt=day)
        .order_by("created_at", "id")
        .values_list("case_id", "from_court_id", "from_court__region_path")
    ):
        then.setdefault(case_id, there(path, court_id))  # before its first later move
    if not then:
        return Scope((here,))
    was_in = {pk for pk, inside in then.items() if inside}
    moved = set(then) - was_in
    # today's cases there but those that arrived later, plus those that have left since
    # (a case both there now and there then is in the first part only)
    stayed = here & ~Q(pk__in=moved) if moved else here
    return Scope((stayed, ~here & Q(pk__in=was_in)) if was_in else (stayed,))


def _kinds(scope: Scope, r) -> Scope:
    """Only the case kinds that count (no condition at all when every kind does)."""
    if set(r["kinds"]) == set(CaseKind.values):
        return scope
    return scope.narrowed(Q(kind__in=r["kinds"]))


def compute(scope: Scope, start: datetime.date, end: datetime.date) -> Figures:
    if end < start:
        raise ValueError("end before start")
    r = rules()
    scope = _kinds(scope, r)
    f = Figures(start=start, end=end)
    open_at = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    closed_in = Q(closed_on__gte=start, closed_on__lte=end)
    if set(r["closed"]) != set(ClosureType.values):
        closed_in &= Q(closure_type__in=r["closed"])
    long_ago = end - datetime.timedelta(days=r["long_pending_days"])
    for part in scope.parts:
        counts = EnforcementCase.objects.filter(part, filed_on__lte=end).aggregate(
            new=Count("pk", filter=Q(filed_on__gte=start)),
            carried=Count("pk", filter=Q(filed_on__lt=start) & ~Q(closed_on__lt=start)),
            closed=Count("pk", filter=closed_in),
            within=Count("pk", filter=closed_in & Q(closed_within_limit=True)),
            actual=Count("pk", filter=closed_in & Q(closure_type__in=r["actual"])),
            ttt=Count("pk", filter=closed_in & Q(closure_type=ClosureType.TERMINATED_THIS_TIME)),
            applied=Sum("amount_fen", filter=closed_in),
            old=Count("pk", filter=open_at & Q(filed_on__lt=long_ago)),
        )
        f.new += counts["new"]
        f.carried_over += counts["carried"]
        f.closed += counts["closed"]
        f.closed_within_limit += counts["within"]
        f.closed_actual += counts["actual"]
        f.closed_terminated_this_time += counts["ttt"]
        f.pending_over_year += counts["old"]
        f.closed_applied_fen += counts["applied"] or 0
    f.recovered_fen = recovered(scope, start, end)
    f.closed_recovered_fen = recovered(scope.narrowed(closed_in), None, end)
    return f


def recovered(scope: Scope, start: datetime.date | None, end: datetime.date) -> int:
    """执行到位金额: receipts into the case accounts of the scope and recoveries outside
    them, dated in [start, end] (from the beginning when start is None)."""
    total = 0
    for via_case, via_entry in zip(scope.via("case"), scope.via("entry__case"), strict=True):
        outside = Recovery.objects.filter(via_case, on__lte=end)
        money_in = Leg.objects.filter(
            via_entry,
            Q(entry__kind__in=RECEIPT_KINDS)
            | Q(entry__kind="reversal", entry__reverses__kind__in=RECEIPT_KINDS),
            entry__sealed=True,
            entry__created_at__date__lte=end,
            account__case__isnull=False,
        )
        if start is not None:
            outside = outside.filter(on__gte=start)
            money_in = money_in.filter(entry__created_at__date__gte=start)
        total += (outside.aggregate(s=Sum("amount_fen"))["s"] or 0) - (
            money_in.aggregate(s=Sum("amount_fen"))["s"] or 0
        )
    return total


def long_pending(scope: Scope, end: datetime.date, limit: int = 200):
    r = rules()
    long_ago = end - datetime.timedelta(days=r["long_pending_days"])
    return (
        _kinds(scope, r)
        .cases.filter(filed_on__lt=long_ago)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .select_related("court")
        .order_by("filed_on", "id")[:limit]
    )
