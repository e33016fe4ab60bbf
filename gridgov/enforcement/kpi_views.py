"""The enforcement KPI dashboard: figures for a period and court set, the same period a
year before, month by month, by court, campaigns, and the long-pending list."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import parsing
from gridgov.core.errors import Invalid, NotFound
from gridgov.core.money import format_money
from gridgov.core.validators import FIRST_YEAR, LAST_YEAR, check_period
from gridgov.core.views import role_required

from . import kpis
from .cases import add_months
from .models import Campaign, ClosureType, Court, EnforcementCase


def kpi_scope(user, end: datetime.date, court: str = ""):
    """The cases the user may count, held on `end` (by one court of theirs, if named)."""
    paths = roles.read_paths(user, "enforcement")
    if not paths:
        raise PermissionDenied(_("Your role does not work on enforcement cases."))
    chosen = None
    if court:
        chosen = Court.objects.visible_to(user).filter(code=court).first()
        if chosen is None:
            raise NotFound(_("No such court."))
    return kpis.in_scope(end, paths, court=chosen)


def money(fen: int, *, signed: bool = False) -> str:
    """A key figure's amount: 35.06亿元 in Chinese, ¥3.51 bn in English (core.money)."""
    return format_money(fen, large=True, signed=signed)


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _change(now: int, then: int) -> dict:
    return {
        "diff": now - then,
        "percent": None if not then else f"{(now - then) / then * 100:+.2f}%",
    }


def _months(scope, start, end) -> dict:
    """New and closed cases per month of the period (at most 36 months shown)."""
    new = dict(
        scope.cases.filter(filed_on__gte=start, filed_on__lte=end)
        .annotate(m=TruncMonth("filed_on"))
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    closed = dict(
        scope.cases.filter(closed_on__gte=start, closed_on__lte=end)
        .annotate(m=TruncMonth("closed_on"))
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    labels, month = [], start.replace(day=1)
    while month <= end and len(labels) < 36:
        labels.append(month)
        month = add_months(month, 1)
    key = lambda d: d.date() if isinstance(d, datetime.datetime) else d  # noqa: E731
    new = {key(k): v for k, v in new.items()}
    closed = {key(k): v for k, v in closed.items()}
    return {
        "labels": [f"{m:%Y-%m}" for m in labels],
        "new": [new.get(m, 0) for m in labels],
        "closed": [closed.get(m, 0) for m in labels],
    }


def _closures(scope, start, end) -> list[dict]:
    rows = (
        scope.cases.filter(closed_on__gte=start, closed_on__lte=end)
        .values_list("closure_type")
        .annotate(n=Count("pk"))
    )
    labels = dict(ClosureType.choices)
    return [{"name": str(labels.get(t, t)), "value": n} for t, n in rows if n]


def last_complete_year(user, today: datetime.date) -> int:
    """The year the page opens on unless asked otherwise: the last complete year in which
    the user's courts received cases (the current year is near empty for months and its
    rates read as failures; a year with no cases says nothing either)."""
    latest = (
        EnforcementCase.objects.visible_to(user)
        .filter(filed_on__lt=datetime.date(today.year, 1, 1))
        .aggregate(latest=Max("filed_on"))["latest"]
    )
    return latest.year if latest else today.year - 1


@role_required
def dashboard(request):
    today = timezone.localdate()
    g = request.GET
    error = None
    last_year = last_complete_year(request.user, today)
    try:
        if g.get("year", "").strip():
            year = parsing.integer(g["year"], minimum=FIRST_YEAR, maximum=LAST_YEAR)
            start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
        elif g.get("start", "").strip() or g.get("end", "").strip():
            start = parsing.day(g.get("start") or f"{today.year}-01-01")
            end = parsing.day(g.get("end") or today.isoformat())
        else:
            start, end = datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)
        check_period(start, end, ten_years_at_most=True)
    except Invalid:
        error = _("Give a start date and an end date after it (at most ten years).")
        start, end = datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)
    court = g.get("court", "")
    scope = kpi_scope(request.user, end, court)
    figures = kpis.compute(scope, start, end)
    before_start, before_end = add_months(start, -12), add_months(end, -12)
    before = kpis.compute(kpi_scope(request.user, before_end, court), before_start, before_end)
    courts = list(Court.objects.visible_to(request.user).order_by("region_path", "code"))
    paths = roles.read_paths(request.user, "enforcement")
    by_court = [(c, kpis.compute(kpis.in_scope(end, paths, court=c), start, end)) for c in courts]
    campaigns = [
        (c, kpis.compute(kpis.campaign_scope(c), c.starts_on, c.ends_on))
        for c in Campaign.objects.visible_to(request.user).order_by("-starts_on", "code")
    ]
    return render(
        request,
        "enforcement/kpis.html",
        {
            "f": figures,
            "before": before,
            "received_change": _change(figures.received, before.received),
            "recovered_change": money(figures.recovered_fen - before.recovered_fen, signed=True),
            "recovered": money(figures.recovered_fen),
            "rates": {
                "closure": percent(figures.closure_rate),
                "within": percent(figures.within_limit_rate),
                "actual": percent(figures.actual_rate),
                "ttt": percent(figures.terminated_this_time_rate),
                "recovery": percent(figures.recovery_rate),
            },
            "by_court": [
                (
                    c,
                    f,
                    percent(f.closure_rate),
                    percent(f.within_limit_rate),
                    money(f.recovered_fen),
                )
                for c, f in by_court
            ],
            "campaigns": [
                (c, f, percent(f.closure_rate), money(f.recovered_fen)) for c, f in campaigns
            ],
            "long_pending": kpis.long_pending(scope, end, limit=50),
            "chart": {
                "months": _months(scope, start, end),
                "closures": _closures(scope, start, end),
            },
            "courts": courts,
            "court": court,
            "start": start,
            "end": end,
            "years": range(today.year, today.year - 5, -1),
            "error": error,
        },
        status=400 if error else 200,
    )
