"""The home panel of visits and patrols: the households due or overdue a visit in the
user's scope, one tap each to record the visit, and the patrol under way or to start."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts import roles
from gridgov.core import panels

from . import queries
from .models import Patrol

ITEMS = 6


@panels.register("visits.due", order=30)
def visits_panel(user):
    visits = bool(roles.write_paths(user, "visit"))
    patrols = bool(roles.write_paths(user, "patrol"))
    staff = roles.Role.COMMUNITY_STAFF in roles.roles_of(user)
    if not (visits or patrols or staff):
        return None
    panel = panels.Panel(title=_("Visits and patrols"))
    if visits or staff:
        today = timezone.localdate()
        due = queries.due_households(user, today=today)
        overdue = [d for d in due if d.state(today) == queries.OVERDUE]
        now = [d for d in due if d.state(today) == queries.DUE]
        url = reverse("visits:due")
        panel.figures += [
            panels.Figure(_("overdue a visit"), len(overdue), f"{url}?state=overdue", "danger"),
            panels.Figure(_("due a visit"), len(now), f"{url}?state=due", "warn"),
        ]
        new = reverse("visits:new")
        for d in due[:ITEMS]:
            late = d.days_late(today)
            if late is None:
                note = _("never visited")
            elif late > 0:
                note = ngettext("late by %(n)d day", "late by %(n)d days", late) % {"n": late}
            else:
                note = _("due today")
            panel.items.append(
                panels.Item(
                    text=str(d.household),
                    url=f"{new}?household={d.household.pk}" if visits else url,
                    note=note,
                    tone="danger" if d.state(today) == queries.OVERDUE else "warn",
                )
            )
        if len(due) > ITEMS:
            panel.more = panels.Action(
                _("All %(n)d households due a visit") % {"n": len(due)}, url, primary=False
            )
        panel.empty = _("No household is due a visit.")
    if visits:
        panel.actions.append(panels.Action(_("Record a visit"), reverse("visits:new")))
    if patrols:
        running = Patrol.objects.open().filter(worker=user).first()
        if running is not None:
            panel.actions.append(
                panels.Action(_("Continue the patrol"), reverse("visits:patrol", args=[running.pk]))
            )
        else:
            panel.actions.append(
                panels.Action(_("Start a patrol"), reverse("visits:patrols"), primary=not visits)
            )
    return panel
