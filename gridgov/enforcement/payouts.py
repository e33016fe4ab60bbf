"""Payouts to applicants: to a verified account, two-phase (sent → paid or failed), with a
second person's approval above a threshold, due within 30 days of the funds arriving.

Money leaves the case account when the payout is sent (ledger.start_payout), under the
ledger's row lock, so two payouts racing on one case never overdraw it; a bank failure
voids the payout and the money returns to the case."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role, holds
from gridgov.core import audit, crypto
from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction

from . import ledger, unclaimed
from .models import Account, EnforcementCase, JournalEntry, Payee, Payout, PayoutState
from .money import fen

DUE_DAYS = 30


def threshold_fen() -> int:
    """Payouts above this need a second person's approval (GRIDGOV_PAYOUT_APPROVAL_FEN)."""
    return int(getattr(settings, "GRIDGOV_PAYOUT_APPROVAL_FEN", 5_000_000))  # 50,000 yuan


def add_payee(case: EnforcementCase, holder: str, bank: str, account_no: str, *, actor):
    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers add payees."))
    account_no = "".join(account_no.split())
    if (
        not (holder.strip() and bank.strip())
        or not (account_no.isascii() and account_no.isdigit())
        or not (8 <= len(account_no) <= 30)
    ):
        raise Invalid(_("Give the holder, the bank and an account number of 8 to 30 digits."))
    with transaction.atomic():
        payee = Payee.objects.create(
            case=case,
            holder=holder.strip()[:64],
            bank=bank.strip()[:64],
            account_no_enc=crypto.encrypt(account_no),
            account_masked=account_no[:4] + "****" + account_no[-4:],
        )
        _audit(AuditAction.PAYEE_ADDED, actor, payee, case, audit.snapshot(payee))
    return payee


def _audit(action, actor, obj, case, after) -> None:
    audit.record(action, actor=actor, obj=obj, region_path=case.region_path, after=after)


def verify_payee(payee: Payee, *, actor) -> Payee:
    if not holds(actor, Role.COURT_FINANCE, payee.case.region_path):
        raise Forbidden(_("Only court finance verifies payee accounts."))
    with transaction.atomic():
        Payee.objects.filter(pk=payee.pk).update(
            verified=True, verified_by=actor if is_user(actor) else None
        )
        _audit(AuditAction.PAYEE_VERIFIED, actor, payee, payee.case, {"verified": True})
    payee.refresh_from_db()
    return payee


def _funds_arrived_on(case) -> datetime.date:
    last = (
        JournalEntry.objects.filter(case=case, kind__in=["receive", "assign_suspense"], sealed=True)
        .order_by("-id")
        .first()
    )
    return timezone.localdate(last.created_at) if last else timezone.localdate()


def request_payout(case: EnforcementCase, payee: Payee, amount_fen: int, *, actor) -> Payout:
    """The officer asks for a payout; at or below the threshold it is sent at once."""
    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers request payouts."))
    if payee.case_id != case.pk or not payee.verified:
        raise Invalid(_("Pay only to a verified account of this case."))
    fen(amount_fen)
    if amount_fen > ledger.balance(ledger.case_account(case)):
        raise Invalid(_("Not enough money in %(account)s.") % {"account": case})
    with transaction.atomic():
        payout = Payout.objects.create(
            case=case,
            payee=payee,
            amount_fen=amount_fen,
            requested_by=actor if is_user(actor) else None,
            due_on=_funds_arrived_on(case) + datetime.timedelta(days=DUE_DAYS),
        )
        _audit(
            AuditAction.PAYOUT_REQUESTED,
            actor,
            payout,
            case,
            {"amount_fen": amount_fen, "payee": payee.pk},
        )
        if amount_fen <= threshold_fen():
            _send(payout, actor)
    payout.refresh_from_db()
    return payout


def approve_payout(payout: Payout, *, actor) -> Payout:
    """Court finance approves; never the person who asked, nor the case's officer."""
    if not holds(actor, Role.COURT_FINANCE, payout.case.region_path):
        raise Forbidden(_("Only court finance approves payouts."))
    if is_user(actor) and actor.pk in (payout.requested_by_id, payout.case.officer_id):
        raise Forbidden(_("A payout is approved by someone other than who asked for it."))
    with transaction.atomic():
        if payout.state != PayoutState.REQUESTED:
            raise Conflict(_("This payout is not awaiting approval."))
        _send(payout, actor, approved_by=actor)
        _audit(
            AuditAction.PAYOUT_APPROVED,
            actor,
            payout,
            payout.case,
            {"amount_fen": payout.amount_fen},
        )
    payout.refresh_from_db()
    return payout


def _send(payout: Payout, actor, approved_by=None) -> None:
    ledger.start_payout(
        payout.amount_fen, payout.case, actor=actor, memo=f"payout #{payout.pk} to {payout.payee}"
    )
    moved = Payout.objects.filter(
        pk=payout.pk, version=payout.version, state=PayoutState.REQUESTED
    ).update(
        state=PayoutState.PENDING,
        version=F("version") + 1,
        approved_by=approved_by if is_user(approved_by) else None,
    )
    if not moved:
        raise Conflict(_("This payout changed meanwhile; reload and try again."))


def bank_result(payout: Payout, *, ok: bool, actor, reason: str = "") -> Payout:
    """The bank's answer: paid (in transit leaves custody) or failed (back to the case),
    recorded by court finance (or the bank's integration)."""
    if not holds(actor, Role.COURT_FINANCE, payout.case.region_path):
        raise Forbidden(_("Only court finance records the bank's answer."))
    with transaction.atomic():
        moved = Payout.objects.filter(pk=payout.pk, state=PayoutState.PENDING).update(
            state=PayoutState.POSTED if ok else PayoutState.VOIDED,
            reason=reason[:200],
            version=F("version") + 1,
        )
        if not moved:
            raise Conflict(_("This payout is not waiting for the bank."))
        _audit(
            AuditAction.PAYOUT_RESULT,
            actor,
            payout,
            payout.case,
            {"ok": ok, "reason": reason[:200]},
        )
        if ok:
            ledger.settle_payout(
                payout.amount_fen, payout.case, actor=actor, memo=f"payout #{payout.pk} paid"
            )
        else:
            ledger.void_payout(
                payout.amount_fen,
                payout.case,
                actor=actor,
                memo=f"payout #{payout.pk} failed: {reason}"[:200],
            )
    payout.refresh_from_db()
    return payout


def overdue(today: datetime.date | None = None):
    """Payouts not yet paid past their due date."""
    today = today or timezone.localdate()
    return Payout.objects.filter(
        state__in=[PayoutState.REQUESTED, PayoutState.PENDING], due_on__lt=today
    )


def assign_unclaimed(
    amount_fen: int, case: EnforcementCase, *, actor, note: str = "", pool: Account | None = None
):
    """Court finance assigns money waiting in suspense (an unknown or expired code) to the
    case it belongs to, from `pool`: by default the suspense account of the case's court.
    The actor must be court finance over the case and over the pool's court (city level for
    the city's pool), so a court's finance moves only its own court's unclaimed money."""
    if not holds(actor, Role.COURT_FINANCE, case.region_path):
        raise Forbidden(_("Only court finance assigns unclaimed money."))
    pool = pool or ledger.suspense_account(case.court, create=False)
    if pool is None:  # nothing ever arrived on the court's account: nothing to assign
        raise Invalid(_("No unclaimed money has arrived for this court."))
    if not unclaimed.may_draw(actor, pool):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        entry = ledger.assign_suspense(amount_fen, case, actor=actor, memo=note[:200], pool=pool)
        audit.record(
            AuditAction.UNCLAIMED_ASSIGNED,
            actor=actor,
            obj=case,
            after={
                "amount_fen": amount_fen,
                "entry": entry.pk,
                "note": note[:200],
                "from": pool.court.code if pool.court_id else "city",
            },
        )
    return entry
