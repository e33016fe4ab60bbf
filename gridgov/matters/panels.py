"""What each role finds waiting among the matters on their home page.

Every figure is counted by the worklist's own queryset (`worklist_queryset`) with exactly
the filters of the link it carries, so the list it opens shows that many rows."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import panels

from .models import RUNNING_STATES, State
from .views import _can_read, worklist_queryset

R = Role
STAFF = {R.SYSTEM_ADMIN, R.OPERATOR, R.STREET_STAFF, R.COMMUNITY_STAFF}
GRID_FORCES = {R.GRID_WORKER, R.GRID_POLICE, R.HOUSEHOLD_LIAISON}


def _figure(user, label: str, params: dict, tone: str = "") -> panels.Figure:
    # the params are the panel's own (a checkbox "on", choice values), read as the list's
    # filter form reads them, and counted by the list's own queryset function
    data = {k: True if v == "on" else v for k, v in params.items()}
    url = reverse("matters:worklist") + "?" + urlencode(params)
    return panels.Figure(label, worklist_queryset(user, data).count(), url, tone)


def _note(matter, now) -> tuple[str, str]:
    """How urgent a waiting matter is, in words and tone."""
    if matter.state in RUNNING_STATES and matter.deadline:
        days = (timezone.localdate(matter.deadline) - timezone.localdate(now)).days
        if matter.deadline < now:
            n = max(1, -days)
            return ngettext("overdue by %(n)d day", "overdue by %(n)d days", n) % {"n": n}, "danger"
        if days <= 0:
            return _("due today"), "warn"
        if days == 1:
            return _("due tomorrow"), "warn"
        return _("due %(date)s") % {
            "date": timezone.localtime(matter.deadline).strftime("%m-%d")
        }, ""
    return str(State(matter.state).label), ""


def _item(matter, now) -> panels.Item:
    note, tone = _note(matter, now)
    return panels.Item(
        f"{matter.code} · {matter.category.label} · {matter.region.name}",
        reverse("matters:detail", args=[matter.code]),
        note,
        tone,
    )


@panels.register("matters.work", order=10)
def work(user):
    """Staff: what waits for them, new reports, verifications, overdue and due soon; a
    handler: the unit's matters waiting and the next one to open; grid workers, police and
    liaisons: reporting first, then what is open where they work; leaders: the figures."""
    if not _can_read(user):
        return None
    held = roles.roles_of(user)
    can_report = bool(roles.write_paths(user, "matter"))
    now = timezone.now()
    mine = {"mine": "on"}
    waiting = worklist_queryset(user, {"mine": True})
    first = list(waiting.select_related("category", "region")[:5])
    # which figures each role reads first (a user with several roles gets the union)
    keys = set()
    if held & STAFF:
        keys |= {"mine", "reported", "handled", "overdue", "week"}
    if R.DEPARTMENT_HANDLER in held:
        keys |= {"mine", "overdue", "week"}
    if held & {R.GRID_WORKER, R.GRID_POLICE}:
        keys |= {"handled", "open", "overdue", "today"}
    if R.HOUSEHOLD_LIAISON in held:
        keys |= {"open", "today"}
    if R.LEADER in held:
        keys |= {"open", "overdue", "week", "today"}
    every = [
        ("mine", _("waiting for me"), mine, ""),
        ("reported", _("new reports to register"), {"state": State.REPORTED}, ""),
        ("handled", _("handled, to verify"), {"state": State.HANDLED}, ""),
        ("open", _("open"), {"state": ""}, ""),
        ("overdue", _("overdue"), {"state": "overdue"}, "danger"),
        ("week", _("due within a week"), {"state": "", "due": "week"}, "warn"),
        ("today", _("reported today"), {"state": "", "new": "today"}, ""),
    ]
    figures = [
        _figure(user, label, params, tone) for key, label, params, tone in every if key in keys
    ]

    actions = []
    if can_report and not held & STAFF:  # the grid's own eyes: reporting is the day's work
        actions.append(panels.Action(_("Report a matter"), reverse("matters:report")))
    if first:
        actions.append(
            panels.Action(
                _("Next: %(code)s · %(category)s")
                % {"code": first[0].code, "category": first[0].category.label},
                reverse("matters:detail", args=[first[0].code]),
                primary=not actions,
            )
        )
    if can_report and held & STAFF:
        actions.append(
            panels.Action(_("Report a matter"), reverse("matters:report"), primary=False)
        )
    if R.LEADER in held:
        actions.append(
            panels.Action(_("Key figures"), reverse("matters:kpis"), primary=not actions)
        )
    if R.HOUSEHOLD_LIAISON in held and not held - {R.HOUSEHOLD_LIAISON}:
        empty = _(
            "Nothing reported in your building is open. What you report appears here, "
            "with how far it has got."
        )
    elif R.LEADER in held and not held - {R.LEADER}:
        empty = _("No matter is open in your area.")
    else:
        empty = _("Nothing is waiting for you. New reports and matters passed to you appear here.")
    return panels.Panel(
        title=_("Matters waiting for me") if keys & {"mine", "handled"} else _("Matters"),
        figures=figures,
        items=[_item(m, now) for m in first],
        actions=actions,
        empty=empty,
        more=panels.Action(_("All that waits for me"), reverse("matters:worklist") + "?mine=on")
        if first
        else None,
    )
