import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import parsing
from gridgov.core.errors import Invalid
from gridgov.core.validators import check_period
from gridgov.core.views import role_required

from . import calendar, kpis
from .models import Matter


def _row_name(label: str) -> str:
    """kpis.compute marks two rows rather than naming them."""
    if label == "total":
        return str(_("total"))
    if label == "—":
        return str(_("no handling unit yet"))
    return label


@role_required
def kpi_page(request):
    if not roles.read_paths(request.user, "matter"):
        raise PermissionDenied(_("Your role does not handle matters."))
    today = timezone.localdate()
    error = None
    try:
        start = parsing.day(request.GET.get("start") or f"{today:%Y-%m}-01")
        end = parsing.day(request.GET.get("end") or today.isoformat())
        check_period(start, end)
    except Invalid as exc:
        error = exc.message
        start, end = today.replace(day=1), today
    by = request.GET.get("by", "region")
    by = by if by in ("total", "unit", "region") else "region"
    rows = kpis.compute(
        Matter.objects.visible_to(request.user),
        calendar.end_of_day(start - datetime.timedelta(days=1)),
        calendar.end_of_day(end),
        by=by,
    )
    groups = [r for r in rows if r.label != "total"] or rows
    chart = {
        "labels": [_row_name(r.label) for r in groups],
        "on_time": [r.on_time for r in groups],
        "late": [r.late - r.overdue_open for r in groups],
        "overdue": [r.overdue_open for r in groups],
    }
    if not any(r.registered for r in rows):
        chart["labels"] = []
    return render(
        request,
        "matters/kpis.html",
        {"rows": rows, "chart": chart, "start": start, "end": end, "by": by, "error": error},
        status=400 if error else 200,
    )
