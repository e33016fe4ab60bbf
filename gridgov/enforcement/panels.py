"""What court officers, court finance and leaders find waiting on their home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import panels
from gridgov.core.money import format_money

from . import payouts
from .models import EnforcementCase, Payout, PayoutState
from .pages import DUE_SOON, EXTENSIONS_WAITING, extensions_to_approve, listed_cases


def _days_note(days_left: int) -> tuple[str, str]:
    if days_left < 0:
        n = -days_left
        return ngettext("past its limit by %(n)d day", "past its limit by %(n)d days", n) % {
            "n": n
        }, "danger"
    return ngettext("%(n)d day left", "%(n)d days left", days_left) % {"n": days_left}, "warn"


@panels.register("enforcement.cases", order=20)
def cases_panel(user):
    """Open cases and those at or near their statutory limit (officers and leaders); the
    extensions a colleague asked this officer to approve."""
    held = roles.roles_of(user)
    if not roles.read_paths(user, "enforcement") or not held & {Role.COURT_OFFICER, Role.LEADER}:
        return None
    cases_url = reverse("enforcement:cases")
    due = listed_cases(user, due=DUE_SOON)
    figures = [
        panels.Figure(
            _("open cases"), listed_cases(user, state="open").count(), cases_url + "?state=open"
        ),
        panels.Figure(
            _("at or near their limit"), len(due), f"{cases_url}?due={DUE_SOON}", "danger"
        ),
    ]
    if Role.COURT_OFFICER in held:
        figures.append(
            panels.Figure(
                _("extensions to approve"),
                listed_cases(user, extensions=EXTENSIONS_WAITING).count(),
                f"{cases_url}?extensions={EXTENSIONS_WAITING}",
                "warn",
            )
        )
    items = []
    for case in due[:5]:
        note, tone = _days_note(case.days_left)
        items.append(
            panels.Item(
                f"{case.number} · {case.get_state_display()}",
                reverse("enforcement:case", args=[case.pk]),
                note,
                tone,
            )
        )
    for ext in extensions_to_approve(user).select_related("case", "requested_by")[:5]:
        items.append(
            panels.Item(
                f"{ext.case.number} · +{ext.days} · {ext.reason}",
                reverse("enforcement:case", args=[ext.case.pk]),
                _("extension asked by %(who)s") % {"who": ext.requested_by},
                "warn",
            )
        )
    actions = []
    if due:
        actions.append(
            panels.Action(
                _("Open the case nearest its limit: %(number)s") % {"number": due[0].number},
                reverse("enforcement:case", args=[due[0].pk]),
            )
        )
    if Role.COURT_OFFICER in held:
        actions.append(
            panels.Action(_("File a case"), reverse("enforcement:file"), primary=not actions)
        )
    return panels.Panel(
        title=_("Enforcement cases"),
        figures=figures,
        items=items,
        actions=actions,
        empty=_("No open enforcement case in your courts."),
        more=panels.Action(_("All cases"), cases_url),
    )


@panels.register("enforcement.finance", order=21)
def finance_panel(user):
    """Payouts waiting for court finance's approval and payouts past their due day."""
    if Role.COURT_FINANCE not in roles.roles_of(user):
        return None
    visible = EnforcementCase.objects.visible_to(user)
    desk = reverse("enforcement:finance")
    today = timezone.localdate()
    waiting = (
        Payout.objects.filter(case__in=visible, state=PayoutState.REQUESTED)
        .select_related("case", "payee")
        .order_by("due_on", "id")[:5]
    )
    items = [
        panels.Item(
            _("%(case)s · %(amount)s → %(payee)s")
            % {"case": p.case.number, "amount": format_money(p.amount_fen), "payee": p.payee},
            reverse("enforcement:case", args=[p.case.pk]),
            _("due by %(day)s") % {"day": p.due_on.isoformat()},
            "danger" if p.due_on < today else "warn",
        )
        for p in waiting
    ]
    return panels.Panel(
        title=_("Finance desk"),
        figures=[
            panels.Figure(
                _("payouts to approve"),
                Payout.objects.filter(case__in=visible, state=PayoutState.REQUESTED).count(),
                desk + "#payouts-to-approve",
                "warn",
            ),
            panels.Figure(
                _("overdue payouts"),
                payouts.overdue(today).filter(case__in=visible).count(),
                desk + "#overdue-payouts",
                "danger",
            ),
        ],
        items=items,
        actions=[panels.Action(_("Open the finance desk"), desk)],
        empty=_("No payout waits for you. Payouts asked for by officers appear here."),
    )
