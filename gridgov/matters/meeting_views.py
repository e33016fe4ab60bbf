"""Pages for the street's weekly, monthly and joint meetings."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.core import files, parsing
from gridgov.core.errors import ActionError, NotFound
from gridgov.core.scoping import get_visible
from gridgov.core.views import paginate, role_required
from gridgov.people.models import Unit, UnitKind
from gridgov.regions.models import Level, Region

from . import escalation
from .models import MEETING_TIERS, Meeting, Tier


def _meeting(request, pk):
    return get_visible(Meeting.objects.select_related("region"), request.user, pk=pk)


@role_required
def meetings(request):
    if not roles.read_paths(request.user, "matter"):
        raise PermissionDenied(_("Your role does not handle matters."))
    streets = Region.objects.visible_to(request.user).filter(level=Level.STREET)
    can_call = bool(roles.write_paths(request.user, "meeting"))
    error = None
    if request.method == "POST":
        if not can_call:
            raise PermissionDenied(_("Your role may not call meetings."))
        try:
            region = get_visible(Region.objects, request.user, code=request.POST.get("region"))
            tier = parsing.integer(
                request.POST.get("tier", ""),
                _("kind of meeting"),
                minimum=min(Tier.values),
                maximum=max(Tier.values),
            )
            held_on = parsing.day(request.POST.get("held_on", ""), _("date"))
            meeting = escalation.call_meeting(region, tier, held_on, actor=request.user)
        except ActionError as exc:
            error = exc.message
        else:
            return redirect("matters:meeting", pk=meeting.pk)
    qs = Meeting.objects.visible_to(request.user).select_related("region")
    return render(
        request,
        "matters/meetings.html",
        {
            "page": paginate(request, qs),
            "streets": streets,
            "can_call": can_call,
            "tiers": [(t.value, t.label) for t in MEETING_TIERS],
            "error": error,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


def _agenda(meeting):
    return meeting.items.select_related(
        "matter", "matter__category", "matter__region", "matter__handling_unit"
    ).prefetch_related("units")


@role_required
def meeting(request, pk, error=None, status=200):
    m = _meeting(request, pk)
    return render(
        request,
        "matters/meeting.html",
        {
            "meeting": m,
            "items": _agenda(m),
            "can_run": roles.can_write(request.user, "meeting", m.region_path),
            "units": Unit.objects.filter(kind=UnitKind.AGENCY).order_by("name"),
            "error": error,
            "min_date": timezone.localdate() + datetime.timedelta(days=1),
        },
        status=status,
    )


@require_POST
@role_required
def attendance(request, pk):
    m = _meeting(request, pk)
    try:
        escalation.record_attendance(
            m, request.POST.get("attendance", "").splitlines(), actor=request.user
        )
    except ActionError as exc:
        return meeting(request, pk, error=exc.message, status=exc.status)
    return redirect("matters:meeting", pk=pk)


@require_POST
@role_required
def resolve(request, pk, item_id):
    m = _meeting(request, pk)
    item = m.items.filter(pk=item_id).select_related("matter", "meeting").first()
    if item is None:
        raise NotFound(_("Not found."))
    try:
        ids = parsing.pks(request.POST.getlist("units"))
        units = sorted(Unit.objects.filter(pk__in=ids), key=lambda u: ids.index(u.pk))
        new_deadline = parsing.day(request.POST.get("new_deadline", ""), _("new deadline"))
        escalation.resolve_item(
            item,
            units=units,
            new_deadline=new_deadline,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except ActionError as exc:
        return meeting(request, pk, error=exc.message, status=exc.status)
    messages.success(request, _("Resolution recorded for %(code)s.") % {"code": item.matter.code})
    return redirect("matters:meeting", pk=pk)


@role_required
def agenda_xlsx(request, pk):
    m = _meeting(request, pk)
    today = timezone.localdate()

    def rows():
        for item in _agenda(m):
            mt = item.matter
            late = (today - timezone.localdate(mt.deadline)).days if mt.deadline else 0
            yield [
                mt.code,
                mt.category.name,
                mt.region.name,
                timezone.localtime(mt.created_at).strftime("%Y-%m-%d"),
                timezone.localtime(mt.deadline).strftime("%Y-%m-%d") if mt.deadline else "",
                max(late, 0),
                mt.handling_unit.name if mt.handling_unit else "",
                mt.description,
                item.note,
            ]

    sheet = files.Sheet(
        Tier(m.tier).label,
        [
            _("code"),
            _("category"),
            _("place"),
            _("reported at"),
            _("deadline"),
            _("days overdue"),
            _("handling unit"),
            _("description"),
            _("resolution"),
        ],
        rows(),
        caption=f"{m.region.name} {Tier(m.tier).label} {m.held_on:%Y-%m-%d}",
        widths=[20, 14, 16, 12, 12, 10, 22, 40, 30],
    )
    return files.download(sheet, f"agenda-{m.pk}")
