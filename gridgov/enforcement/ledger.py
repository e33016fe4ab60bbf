"""The case-funds ledger: every yuan from payment notice to payout, in integer fen.

All posting goes through `post`, which checks that the legs balance, locks the accounts it
touches (in a fixed order) and refuses anything that would take a case, suspense or
in-transit account below zero, then writes the entry unsealed, its legs, and seals it — the
database re-checks the balance (see migration 0002). Entries are hash-chained like the audit
trail; a correction is a reversing entry, and an entry is reversed at most once (a unique
key on `reverses`).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Invalid

from .models import (
    Account,
    AccountKind,
    Court,
    EnforcementCase,
    JournalEntry,
    LedgerHead,
    Leg,
)
from .money import fen

GENESIS = "0" * 64
K = AccountKind


def system_account(kind: str, court: Court | None = None, *, create: bool = True) -> Account:
    """The system account of `kind`; for suspense, the one of `court` (None: the city's).
    Made on first use, unless `create` is False (then None when there is none yet)."""
    if court is not None and kind != K.SUSPENSE:
        raise ValueError("only unclaimed money (suspense) is kept per court")
    account = Account.objects.filter(kind=kind, case__isnull=True, court=court).first()
    if account is None and create:
        try:
            with transaction.atomic():
                account = Account.objects.create(kind=kind, court=court)
        except IntegrityError:
            account = Account.objects.get(kind=kind, case__isnull=True, court=court)
    return account


def suspense_account(court: Court | None = None, *, create: bool = True) -> Account:
    return system_account(K.SUSPENSE, court, create=create)


def case_account(case: EnforcementCase) -> Account:
    account = Account.objects.filter(case=case).first()
    if account is None:
        try:
            with transaction.atomic():
                account = Account.objects.create(kind=K.CASE, case=case)
        except IntegrityError:
            account = Account.objects.get(case=case)
    return account


def balance(account: Account) -> int:
    return balances([account])[account.pk]


def balances(accounts) -> dict[int, int]:
    """Account pk → balance in fen, for any number of accounts in one query (custody counts
    up with its legs, every other account down)."""
    accounts = list(accounts)
    sums = dict(
        Leg.objects.filter(account__in=accounts, entry__sealed=True)
        .values("account")
        .annotate(s=Sum("amount_fen"))
        .values_list("account", "s")
    )
    return {a.pk: sums.get(a.pk, 0) * (1 if a.kind == K.CUSTODY else -1) for a in accounts}


def case_balances(case_ids) -> dict[int, int]:
    """Case pk → the balance of its account (cases without one are left out); one query."""
    rows = (
        Leg.objects.filter(account__case_id__in=case_ids, entry__sealed=True)
        .values("account__case_id")
        .annotate(s=Sum("amount_fen"))
    )
    return {r["account__case_id"]: -r["s"] for r in rows}


def _below_zero(legs):
    """The accounts among `legs`' that are below zero (a balance is minus the sum of the legs;
    custody is never among them), in one query."""
    ids = (
        legs.filter(entry__sealed=True)
        .exclude(account__kind=K.CUSTODY)
        .values("account")
        .annotate(s=Sum("amount_fen"))
        .filter(s__gt=0)
        .values_list("account", flat=True)
    )
    return list(Account.objects.filter(pk__in=list(ids)).select_related("case", "court"))


def _canonical(entry: JournalEntry, legs: list[tuple[int, int]]) -> bytes:
    payload = [
        entry.prev_hash,
        entry.kind,
        entry.memo,
        entry.case_id,
        entry.reverses_id,
        entry.created_at.astimezone(datetime.UTC).isoformat(),
        entry.actor_label,
        sorted(legs),
    ]
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _hash(entry: JournalEntry, legs: list[tuple[int, int]]) -> str:
    return hashlib.sha256(_canonical(entry, legs)).hexdigest()


def _label(actor) -> str:
    return actor.get_username() if is_user(actor) else str(actor or "system")


def post(
    kind: str,
    legs: list[tuple[Account, int]],
    *,
    actor,
    case=None,
    memo: str = "",
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Posts one balanced entry, or raises Invalid and posts nothing."""
    if len(legs) < 2:
        raise Invalid(_("An entry has at least two legs."))
    for _account, amount in legs:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise Invalid(_("Amounts are whole, non-zero numbers of fen."))
    if sum(a for _acc, a in legs) != 0:
        raise Invalid(_("The legs of an entry must sum to zero."))
    with transaction.atomic():
        head = LedgerHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            LedgerHead.objects.get_or_create(pk=1)
            head = LedgerHead.objects.select_for_update().get(pk=1)
        ids = sorted({a.pk for a, _amt in legs})
        locked = {
            a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        for pk in ids:
            account = locked[pk]
            if account.kind == K.CUSTODY:
                continue
            change = -sum(amt for a, amt in legs if a.pk == pk)
            if balance(account) + change < 0:
                raise Invalid(_("Not enough money in %(account)s.") % {"account": account})
        entry = JournalEntry(
            kind=kind,
            memo=memo[:200],
            case=case,
            reverses=reverses,
            created_at=timezone.now(),
            actor_label=_label(actor)[:150],
            prev_hash=head.last_hash or GENESIS,
        )
        entry.hash = _hash(entry, [(a.pk, amt) for a, amt in legs])
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise Conflict(_("This entry has already been reversed.")) from None
        Leg.objects.bulk_create([Leg(entry=entry, account=a, amount_fen=amt) for a, amt in legs])
        JournalEntry.objects.filter(pk=entry.pk).update(sealed=True)
        entry.sealed = True
        LedgerHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=entry.hash)
    return entry


# --- the operations ---------------------------------------------------------------------------


def _positive(amount) -> int:
    return fen(amount)


def receive(
    amount: int, *, case: EnforcementCase | None, actor, memo: str = "", court: Court | None = None
):
    """Money arrived in custody: for a case, or (unknown or expired code) into the suspense
    account of `court`, the court whose account it arrived on (None: the city's)."""
    _positive(amount)
    target = case_account(case) if case else suspense_account(court)
    return post(
        "receive",
        [(system_account(K.CUSTODY), amount), (target, -amount)],
        actor=actor,
        case=case,
        memo=memo,
    )


def assign_suspense(amount: int, case: EnforcementCase, *, actor, pool: Account, memo: str = ""):
    """Unclaimed money to a case, from the suspense account `pool`."""
    _positive(amount)
    if pool.kind != K.SUSPENSE:
        raise Invalid(_("Unclaimed money is assigned from a suspense account."))
    return post(
        "assign_suspense",
        [(pool, amount), (case_account(case), -amount)],
        actor=actor,
        case=case,
        memo=memo,
    )


def start_payout(amount: int, case: EnforcementCase, *, actor, memo: str = ""):
    """Phase one of a payout: the money leaves the case for 'in transit'."""
    _positive(amount)
    return post(
        "payout_pending",
        [(case_account(case), amount), (system_account(K.IN_TRANSIT), -amount)],
        actor=actor,
        case=case,
        memo=memo,
    )


def settle_payout(amount: int, case: EnforcementCase, *, actor, memo: str = ""):
    """The bank paid it: in transit and custody both go down."""
    _positive(amount)
    return post(
        "payout_posted",
        [(system_account(K.IN_TRANSIT), amount), (system_account(K.CUSTODY), -amount)],
        actor=actor,
        case=case,
        memo=memo,
    )


def void_payout(amount: int, case: EnforcementCase, *, actor, memo: str = ""):
    """The bank failed it: the money goes back to the case."""
    _positive(amount)
    return post(
        "payout_voided",
        [(system_account(K.IN_TRANSIT), amount), (case_account(case), -amount)],
        actor=actor,
        case=case,
        memo=memo,
    )


def reverse(entry: JournalEntry, *, actor, memo: str = "") -> JournalEntry:
    """The correction of an entry: the same legs with opposite signs, once."""
    if entry.reverses_id is not None:
        raise Invalid(_("A reversal is not reversed; post a new entry instead."))
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("This entry has already been reversed."))
    legs = [(leg.account, -leg.amount_fen) for leg in entry.legs.select_related("account")]
    return post(
        "reversal",
        legs,
        actor=actor,
        case=entry.case,
        reverses=entry,
        memo=memo or f"reverses #{entry.pk}",
    )


# --- reconciliation ----------------------------------------------------------------------------


@dataclasses.dataclass
class CheckResult:
    ok: bool
    problems: list[str]
    custody: int | None  # None for a court's share: custody is one account for every court
    cases: int
    suspense: int
    in_transit: int
    fees: int
    entries: int

    @property
    def scoped(self) -> bool:
        """A court's share of the check (whose figures leave custody out)."""
        return self.custody is None


def check(*, cases=None, pools=None) -> CheckResult:
    """The whole ledger (`gridgov ledger check`): proves Σ cases + suspense + in transit +
    fees = custody, every entry balanced, and the chain intact; lists every problem found.

    With `cases` (a queryset) and `pools` (suspense accounts), a court's share of it: the
    figures of those accounts only, the problems that concern them (an account below zero,
    an entry touching them unbalanced or unsealed), and whether the whole ledger checks out —
    without its figures or the entries of other courts."""
    whole = _check_whole()
    if cases is None:
        return whole
    return _check_share(cases, list(pools or []), whole.ok)


def _sum(legs) -> int:
    return legs.filter(entry__sealed=True).aggregate(s=Sum("amount_fen"))["s"] or 0


def _check_share(cases, pools: list[Account], whole_ok: bool) -> CheckResult:
    problems = []
    case_legs = Leg.objects.filter(account__case__in=cases)
    pool_legs = Leg.objects.filter(account__in=pools)
    entries = JournalEntry.objects.filter(Q(case__in=cases) | Q(legs__account__in=pools))
    unbalanced = (
        Leg.objects.filter(entry__in=entries)
        .values("entry_id")
        .annotate(s=Sum("amount_fen"), n=Count("id"))
        .exclude(s=0, n__gte=2)
    )
    for row in unbalanced:
        problems.append(_("entry #%(id)d is unbalanced") % {"id": row["entry_id"]})
    for entry_id in entries.filter(sealed=False).values_list("id", flat=True).distinct():
        problems.append(_("entry #%(id)d was never sealed (not counted)") % {"id": entry_id})
    for a in _below_zero(Leg.objects.filter(Q(account__case__in=cases) | Q(account__in=pools))):
        problems.append(_("%(account)s is below zero") % {"account": a})
    if not whole_ok:
        problems.append(_("the whole ledger does not check out; city-level finance sees where"))
    return CheckResult(
        not problems,
        problems,
        None,
        -_sum(case_legs),
        -_sum(pool_legs),
        -_sum(Leg.objects.filter(account__kind=K.IN_TRANSIT, entry__case__in=cases)),
        0,
        entries.filter(sealed=True).distinct().count(),
    )


def _check_whole() -> CheckResult:
    problems = []
    sums = dict(
        Leg.objects.filter(entry__sealed=True)
        .values("account__kind")
        .annotate(s=Sum("amount_fen"))
        .values_list("account__kind", "s")
    )
    custody = sums.get(K.CUSTODY, 0)
    parts = {k: -(sums.get(k, 0)) for k in (K.CASE, K.SUSPENSE, K.IN_TRANSIT, K.FEES)}
    if custody != sum(parts.values()):
        problems.append(
            _("custody %(c)d ≠ cases + suspense + in transit + fees %(s)d")
            % {"c": custody, "s": sum(parts.values())}
        )
    unbalanced = (
        Leg.objects.values("entry_id")
        .annotate(s=Sum("amount_fen"), n=Count("id"))
        .exclude(s=0, n__gte=2)
    )
    for row in unbalanced:
        problems.append(_("entry #%(id)d is unbalanced") % {"id": row["entry_id"]})
    for entry_id in JournalEntry.objects.filter(sealed=False).values_list("id", flat=True):
        problems.append(_("entry #%(id)d was never sealed (not counted)") % {"id": entry_id})
    for a in _below_zero(Leg.objects.all()):
        problems.append(_("%(account)s is below zero") % {"account": a})
    prev, count = GENESIS, 0
    legs_by_entry: dict[int, list] = {}
    for entry_id, account_id, amount in Leg.objects.values_list(
        "entry_id", "account_id", "amount_fen"
    ):
        legs_by_entry.setdefault(entry_id, []).append((account_id, amount))
    for entry in JournalEntry.objects.filter(sealed=True).order_by("id").iterator():
        count += 1
        if entry.prev_hash != prev or _hash(entry, legs_by_entry.get(entry.pk, [])) != entry.hash:
            problems.append(_("the chain breaks at entry #%(id)d") % {"id": entry.pk})
            break
        prev = entry.hash
    head = LedgerHead.objects.filter(pk=1).first()
    if (
        head
        and head.last_hash
        and head.last_hash != prev
        and not any("chain" in p for p in problems)
    ):
        problems.append(_("the newest entries are missing"))
    return CheckResult(
        not problems,
        problems,
        custody,
        parts[K.CASE],
        parts[K.SUSPENSE],
        parts[K.IN_TRANSIT],
        parts[K.FEES],
        count,
    )


@dataclasses.dataclass
class SuspenseMonth:
    month: datetime.date
    arrived: int = 0
    assigned: int = 0
    unclaimed: int = 0


def suspense_months(pools: list[Account]) -> list[SuspenseMonth]:
    """The monthly "clear to zero" list of the suspense accounts `pools`: unclaimed money by
    the month it arrived, and how much of each month is still waiting for a case
    (assignments clear an account's oldest month first). Months already cleared to zero stay
    listed for the last year. One query for all the accounts."""
    legs: dict[int, list] = {p.pk: [] for p in pools}
    for account_id, amount, at in (
        Leg.objects.filter(account__in=list(pools), entry__sealed=True)
        .order_by("account_id", "entry_id")
        .values_list("account_id", "amount_fen", "entry__created_at")
    ):
        legs[account_id].append((amount, at))
    months: dict[datetime.date, SuspenseMonth] = {}
    for rows in legs.values():
        for m in _months_of(rows):
            total = months.setdefault(m.month, SuspenseMonth(m.month))
            total.arrived += m.arrived
            total.assigned += m.assigned
            total.unclaimed += m.unclaimed
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).replace(day=1)
    return sorted(
        (m for m in months.values() if m.unclaimed or m.month >= year_ago),
        key=lambda m: m.month,
    )


def _months_of(rows) -> list[SuspenseMonth]:
    """One suspense account's months, from its sealed legs (amount, time) in entry order."""
    months: dict[datetime.date, SuspenseMonth] = {}
    queue: list[SuspenseMonth] = []
    for amount, at in rows:
        month = timezone.localtime(at).date().replace(day=1)
        if amount < 0:  # money arrived in suspense
            m = months.setdefault(month, SuspenseMonth(month))
            m.arrived -= amount
            m.unclaimed -= amount
            if not queue or queue[-1] is not m:
                queue.append(m)
        else:  # assigned to a case (or reversed): clears the oldest month first
            months.setdefault(month, SuspenseMonth(month)).assigned += amount
            while amount and queue:
                take = min(amount, queue[0].unclaimed)
                queue[0].unclaimed -= take
                amount -= take
                if not queue[0].unclaimed:
                    queue.pop(0)
    return list(months.values())
