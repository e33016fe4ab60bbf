"""Court enforcement: courts, cases, and the case-funds ledger (一案一账户).

Money is integer fen. The ledger is double-entry: every journal entry has at least two legs
that sum to zero. Legs are signed from the custody (bank) account's point of view: money
arriving in custody is +X on custody and −X on the account that now owes it (a case, the
suspense account, payouts in transit, fees). So custody's balance is the sum of its legs,
and every other account's balance is minus the sum of its legs; the books balance when
custody = Σ cases + suspense + in transit + fees.

The database itself refuses an unbalanced entry, any change to a posted entry or leg, and a
second reversal of an entry (see migration 0002). See docs/enforcement.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scoping import InRegion, ScopedQuerySet


class Court(InRegion):
    scope_kind = "enforcement"

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return self.name


class CaseState(models.TextChoices):
    FILED = "filed", _("filed")
    ENFORCING = "enforcing", _("enforcing")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


class CaseKind(models.TextChoices):
    FIRST = "first", _("first enforcement (首执)")
    RESUMED = "resumed", _("resumed (恢复)")
    PRESERVATION = "preservation", _("preservation (保全)")
    PROPERTY_PENALTY = "property_penalty", _("property penalty (财产刑)")


class ClosureType(models.TextChoices):
    COMPLETED = "completed", _("enforcement completed (执行完毕)")
    TERMINATED_THIS_TIME = "terminated_this_time", _("terminated this time (终结本次执行)")
    TERMINATED = "terminated", _("terminated (终结执行)")
    SETTLED = "settled", _("settlement (和解)")
    DISMISSED = "dismissed", _("application dismissed (驳回)")
    NOT_ENFORCED = "not_enforced", _("not enforced (不予执行)")
    WITHDRAWN = "withdrawn", _("case withdrawn (销案)")


class BasisKind(models.TextChoices):
    LITIGATION = "litigation", _("judgment or mediation (litigation)")
    NON_LITIGATION = "non_litigation", _("non-litigation instrument")


class EnforcementCase(InRegion):
    scope_kind = "enforcement"

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    applicant = models.CharField(_("applicant"), max_length=200)
    respondent = models.CharField(_("respondent"), max_length=200)
    amount_fen = models.BigIntegerField(_("amount applied for (fen)"))
    filed_on = models.DateField(_("filed on"))
    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.FILED
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    basis_kind = models.CharField(
        _("kind of basis"),
        max_length=16,
        choices=BasisKind.choices,
        default=BasisKind.LITIGATION,
    )
    has_property = models.BooleanField(_("has property"), default=False)
    closure_type = models.CharField(
        _("closure type"), max_length=24, choices=ClosureType.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_within_limit = models.BooleanField(_("closed within the limit"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            # covers every KPI count: a scope's figures are read from the index alone
            models.Index(
                fields=[
                    "region_path",
                    "filed_on",
                    "closed_on",
                    "kind",
                    "closure_type",
                    "closed_within_limit",
                    "amount_fen",
                ],
                name="enforcement_case_kpi",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="case_amount_not_negative"
            )
        ]

    def __str__(self):
        return self.number

    @property
    def extension_days(self) -> int:
        """Approved extensions, in days (from the extensions themselves: prefetch them)."""
        return sum(e.days for e in self.extensions.all() if e.approved_at)


class AccountKind(models.TextChoices):
    CUSTODY = "custody", _("custody (bank) account")
    CASE = "case", _("case account")
    SUSPENSE = "suspense", _("unclaimed funds (suspense)")
    IN_TRANSIT = "in_transit", _("payouts in transit")
    FEES = "fees", _("fees")


class Account(models.Model):
    """A case's account, or one of the system accounts (custody, in transit, fees). Unclaimed
    money (suspense) is kept per court: the suspense account of the court whose payment
    account it arrived on, or the city's (court empty) for an account of no court."""

    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    case = models.OneToOneField(
        EnforcementCase, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="case", case__isnull=False)
                | (~models.Q(kind="case") & models.Q(case__isnull=True)),
                name="account_case_iff_case_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(court__isnull=True) | models.Q(kind="suspense"),
                name="account_court_only_for_suspense",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=~models.Q(kind="case") & models.Q(court__isnull=True),
                name="one_system_account_per_kind",
            ),
            models.UniqueConstraint(
                fields=["court"],
                condition=models.Q(court__isnull=False),
                name="one_suspense_account_per_court",
            ),
        ]

    def __str__(self):
        whose = self.case or self.court
        return f"{self.get_kind_display()}{f' {whose}' if whose else ''}"


# the kinds of entry ledger.py posts, as people read them on the case page
ENTRY_KINDS = {
    "receive": _("payment received"),
    "assign_suspense": _("unclaimed money assigned"),
    "payout_pending": _("payout sent to the bank"),
    "payout_posted": _("payout paid"),
    "payout_voided": _("payout failed, money back in the account"),
    "reversal": _("reversal"),
}


class JournalEntry(models.Model):
    """Insert-only. On SQLite an entry is written unsealed, its legs added, then sealed;
    the seal checks the balance (see the migration). Balances count sealed entries only."""

    kind = models.CharField(max_length=24)  # one of ENTRY_KINDS (what ledger.py posts)
    memo = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        EnforcementCase, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    sealed = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    actor_label = models.CharField(max_length=150)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(ENTRY_KINDS.get(self.kind, self.kind))


class Leg(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount_fen = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["account", "entry"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_fen=0), name="leg_not_zero")
        ]

    def __str__(self):
        return f"{self.account}: {self.amount_fen}"


class LedgerHead(models.Model):
    """One row: the newest entry's hash; locking it orders concurrent posters."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"ledger head #{self.last_id}"


class PaymentProvider(models.Model):
    """A payment channel (a bank, WeChat Pay …) that sends signed notices, for one court's
    account or the city's. The shared secret is stored encrypted with GRIDGOV_DATA_KEY."""

    name = models.SlugField(max_length=32, unique=True)
    secret_enc = models.TextField()
    active = models.BooleanField(default=True)
    # the court whose account money arrives on through this provider: its finance sees and
    # assigns the money that comes with an unknown code; none: city-level finance does
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="providers"
    )

    def __str__(self):
        return self.name


class PaymentCode(models.Model):
    """一案一码: the code a debtor pays a case with."""

    case = models.ForeignKey(
        EnforcementCase, on_delete=models.PROTECT, related_name="payment_codes"
    )
    code = models.CharField(max_length=16, unique=True)
    amount_due_fen = models.BigIntegerField()
    expires_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.code


class NoticeStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    REJECTED = "rejected", _("rejected")
    APPLIED = "applied", _("applied")
    SUSPENSE = "suspense", _("applied to suspense")
    DUPLICATE = "duplicate", _("duplicate (already applied)")
    CONFLICT = "conflict", _("conflict (same transaction, different amount)")


class PaymentNotice(models.Model):
    """Every notice exactly as it arrived, stored before anything is done with it."""

    provider_name = models.CharField(max_length=32)
    received_at = models.DateTimeField(auto_now_add=True)
    timestamp = models.CharField(max_length=32, blank=True)
    signature = models.CharField(max_length=128, blank=True)
    raw_body = models.TextField()
    status = models.CharField(
        max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.RECEIVED
    )
    reason = models.CharField(max_length=200, blank=True)
    txn_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        indexes = [
            # the sweep and the finance desk look for notices still "received" (cut short)
            models.Index(
                fields=["received_at"],
                condition=models.Q(status="received"),
                name="notice_still_received",
            )
        ]

    def __str__(self):
        return f"{self.provider_name} {self.txn_id or self.pk}"


class PaymentApplication(models.Model):
    """The one time a provider's transaction was posted (unique per provider and id)."""

    provider = models.ForeignKey(PaymentProvider, on_delete=models.PROTECT, related_name="+")
    txn_id = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField()
    code = models.CharField(max_length=16)
    case = models.ForeignKey(
        EnforcementCase, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(PaymentNotice, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "txn_id"], name="one_posting_per_txn")
        ]

    def __str__(self):
        return f"{self.provider} {self.txn_id}"


class Payee(models.Model):
    """An applicant's bank account for payouts; verified by court finance before use."""

    audit_exclude = ("account_no_enc",)

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="payees")
    holder = models.CharField(_("account holder"), max_length=64)
    bank = models.CharField(_("bank"), max_length=64)
    account_no_enc = models.TextField()
    account_masked = models.CharField(_("account number"), max_length=40)
    verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return f"{self.holder} {self.account_masked}"


class PayoutState(models.TextChoices):
    REQUESTED = "requested", _("awaiting approval")
    PENDING = "pending", _("sent to the bank")
    POSTED = "posted", _("paid")
    VOIDED = "voided", _("failed, returned to the case")


class Payout(models.Model):
    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="payouts")
    payee = models.ForeignKey(Payee, on_delete=models.PROTECT, related_name="payouts")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    state = models.CharField(
        _("state"), max_length=16, choices=PayoutState.choices, default=PayoutState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("due by"))
    reason = models.CharField(_("bank's reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="payout_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.case} {self.amount_fen}"


class Suspension(models.Model):
    """A period the case was suspended (中止); it does not count against the time limit."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="suspensions")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200)

    def __str__(self):
        return f"{self.case} {self.start}–{self.end or ''}"


class CaseExtension(models.Model):
    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.case} +{self.days}"


class CrossCourtAssignment(models.Model):
    """异地交叉执行: a hard case assigned from its court to another. The case's scope moves
    with it; its history (ledger, audit, events) stays with the case."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="assignments")
    from_court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="+")
    to_court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.case}: {self.from_court} → {self.to_court}"


class RecoveryMeans(models.TextChoices):
    DIRECT = "direct", _("paid directly to the applicant")
    AUCTION = "auction", _("auction or sale proceeds")
    DEDUCTION = "deduction", _("deducted or transferred by a bank or employer")
    PROPERTY = "property", _("property delivered")


class Recovery(models.Model):
    """Money or property recovered outside the case account (执行到位 that did not pass
    through custody). Money through the case account is counted from the ledger."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="recoveries")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    on = models.DateField(_("date"))
    means = models.CharField(_("means"), max_length=16, choices=RecoveryMeans.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["on", "case"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="recovery_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.case} {self.amount_fen}"


class Campaign(InRegion):
    """A special action (专项行动: 清积案, 雷霆2023 …): a tagged set of cases with its own
    progress."""

    scope_kind = "enforcement"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.CharField(_("description"), max_length=400, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    cases = models.ManyToManyField(EnforcementCase, related_name="campaigns", blank=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return self.name


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    RESPONDENT = "respondent", _("respondent")


class PartyKind(models.TextChoices):
    PERSON = "person", _("natural person")
    ORGANISATION = "organisation", _("organisation")


class CaseParty(models.Model):
    """An applicant or respondent. ID numbers (or credit codes) and phones are stored
    encrypted with a blind index for exact search and a masked copy for display; seeing
    them whole is an audited action with a reason."""

    audit_exclude = ("id_enc", "id_index", "phone_enc")

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_enc = models.TextField(blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True)
    id_masked = models.CharField(_("ID number or credit code"), max_length=18, blank=True)
    phone_enc = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case", "role", "position"]

    def __str__(self):
        return self.name

    @property
    def public_name(self) -> str:
        """As published: a person becomes 王某; an organisation keeps its name."""
        if self.kind == PartyKind.ORGANISATION:
            return self.name
        return self.name[:1] + "某"


class TypicalCase(models.Model):
    """A case published to the public list (典型案例). Title and summary are stored as
    published: natural persons' names shortened to 王某, ID numbers, credit codes and phone
    numbers removed, at the moment of publishing."""

    case = models.OneToOneField(
        EnforcementCase, on_delete=models.PROTECT, related_name="publication"
    )
    title = models.CharField(_("title"), max_length=100)
    summary = models.TextField(_("summary"))
    court_name = models.CharField(_("court"), max_length=64)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class Agency(models.TextChoices):
    SOCIAL_SECURITY = "social_security", _("human resources and social security (人社)")
    HOUSING = "housing", _("housing and provident fund (住建)")
    CENTRAL_BANK = "central_bank", _("central bank branch (人民银行)")
    REAL_ESTATE = "real_estate", _("real estate registry (不动产)")
    VEHICLES = "vehicles", _("vehicle registry (车管所)")


class InquiryState(models.TextChoices):
    SENT = "sent", _("sent, awaiting the answer")
    ANSWERED = "answered", _("answered")


class AssetInquiry(models.Model):
    """An asset inquiry to an agency about one respondent (执行联动), with the request as
    sent (encrypted: it carries the ID number) and the agency's signed answer as received."""

    audit_exclude = ("request_enc",)

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="inquiries")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="inquiries")
    agency = models.CharField(_("agency"), max_length=16, choices=Agency.choices)
    ref = models.CharField(max_length=40, unique=True)
    state = models.CharField(
        _("state"), max_length=12, choices=InquiryState.choices, default=InquiryState.SENT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    request_enc = models.TextField()
    response_raw = models.TextField(blank=True)
    findings = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return self.ref
