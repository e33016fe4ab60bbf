"""Whose money is it: what the finance desk shows a user, and unclaimed money by court.

A court's finance sees its own courts' money, like everything else (`visible_to`): the
payments on its cases and the money that came with an unknown or expired code on its own
payment accounts. Each payment provider is an account money arrives on and may belong to a
court (`PaymentProvider.court`, set with `attribute_provider` or
`gridgov create-payment-provider NAME --court CODE`); money with an unknown code waits in
the suspense account of that court. Money on a provider of no court waits in the city's
suspense account, which only court finance (and leaders) assigned at the top of the region
tree — the city — see and assign."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import audit
from gridgov.core.actions import check_admin, is_user
from gridgov.core.models import AuditAction

from .models import (
    Account,
    AccountKind,
    Court,
    EnforcementCase,
    PaymentApplication,
    PaymentProvider,
)


def sees_city_money(user) -> bool:
    """The city's unclaimed money (and the whole ledger) is for those who read enforcement
    from the top of the tree; the system sees everything."""
    return not is_user(user) or roles.is_top_level(user, "enforcement")


def pools(user):
    """The suspense accounts the user sees: their courts', and the city's for city level."""
    accounts = Account.objects.filter(kind=AccountKind.SUSPENSE).select_related("court")
    if is_user(user):
        mine = Q(court__in=Court.objects.visible_to(user))
        if sees_city_money(user):
            mine |= Q(court__isnull=True)
        accounts = accounts.filter(mine)
    return accounts.order_by("court__region_path", "id")


def may_draw(user, pool: Account) -> bool:
    """Court finance over the pool's court (city level for the city's pool) may assign its
    money; the system may too."""
    if not is_user(user):
        return True
    if pool.court_id is None:
        return roles.holds_at_top(user, Role.COURT_FINANCE)
    return roles.holds(user, Role.COURT_FINANCE, pool.court.region_path)


def _unclaimed_q(user) -> Q:
    """Payments with an unknown or expired code on the user's courts' accounts (on a
    provider of no court: for city level only)."""
    mine = Q(provider__court__in=Court.objects.visible_to(user))
    if sees_city_money(user):
        mine |= Q(provider__court__isnull=True)
    return mine & Q(case__isnull=True)


def unclaimed_payments(user):
    return PaymentApplication.objects.filter(_unclaimed_q(user))


def payments(user):
    """Every payment the user may see: on the user's cases, or unclaimed on their accounts."""
    return PaymentApplication.objects.filter(
        Q(case__in=EnforcementCase.objects.visible_to(user)) | _unclaimed_q(user)
    )


def finance_for(provider) -> list:
    """Court finance to tell about a provider's unclaimed money: over its court, or at the
    city for a provider of no court."""
    from gridgov.accounts.models import RoleAssignment
    from gridgov.notifications.actions import staff_over

    if provider.court_id is not None:
        return staff_over(provider.court.region_path, roles=(Role.COURT_FINANCE,))
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.COURT_FINANCE, region__depth=1
        ).select_related("user")
    ]


def attribute_provider(provider: PaymentProvider, court: Court | None, *, actor) -> None:
    """Says which court's account a provider pays into (None: the city's); system admins
    or the system. Money already waiting in suspense stays where it arrived."""
    check_admin(actor)
    with transaction.atomic():
        before = provider.court.code if provider.court_id else None
        PaymentProvider.objects.filter(pk=provider.pk).update(court=court)
        provider.court = court
        audit.record(
            AuditAction.PAYMENT_PROVIDER_ATTRIBUTED,
            actor=actor,
            obj=provider,
            region_path=court.region_path if court else "",
            before={"court": before},
            after={"court": court.code if court else None},
        )


def court_by_code(code: str) -> Court | None:
    """For the commands: the court of that code (None for an empty code: the city)."""
    from gridgov.core.errors import NotFound

    if not code:
        return None
    court = Court.objects.filter(code=code).first()
    if court is None:
        raise NotFound(_("No court has the code %(code)s.") % {"code": code})
    return court


def describe(pool: Account) -> str:
    return pool.court.name if pool.court_id else _("city (no court's account)")
