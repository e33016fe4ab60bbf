from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.IntegerChoices):
    """Every kind of change gridgov records. Numbers are grouped by area, never reused."""

    # 100–199 accounts and roles
    USER_CREATED = 100, _("user created")
    ROLE_ASSIGNED = 110, _("role assigned")
    ROLE_REVOKED = 111, _("role revoked")
    TOKEN_CREATED = 120, _("API token created")
    ADMIN_SITE_GRANTED = 130, _("admin site granted")
    API_CLIENT_CREATED = 140, _("API client registered")
    LOCKED_OUT = 150, _("locked out after repeated failed sign-ins or keys")
    # 200–299 regions, grids, party organisations
    REGION_CREATED = 200, _("region created")
    REGION_UPDATED = 201, _("region updated")
    GRID_CREATED = 210, _("grid created")
    GRID_UPDATED = 211, _("grid updated")
    SPONSOR_UNIT_SET = 212, _("sponsor unit set")
    PARTY_ORG_CREATED = 220, _("party organisation created")
    PARTY_ORG_UPDATED = 221, _("party organisation updated")
    COMMITTEE_MEMBER_ADDED = 225, _("committee member added")
    # 300–399 base data
    RESIDENT_CREATED = 300, _("resident created")
    RESIDENT_UPDATED = 301, _("resident updated")
    RESIDENT_REVEALED = 302, _("personal data revealed")
    REVEAL_REFUSED = 303, _("reveal refused: hourly limit reached")
    RESIDENT_REFERRED = 304, _("ID number recorded elsewhere referred to its keepers")
    HOUSEHOLD_CREATED = 310, _("household created")
    HOUSEHOLD_UPDATED = 311, _("household updated")
    UNIT_CREATED = 320, _("unit created")
    UNIT_UPDATED = 321, _("unit updated")
    PARTY_MEMBER_CREATED = 330, _("party member created")
    SPECIAL_GROUP_SET = 340, _("special groups set")
    BASE_DATA_IMPORTED = 350, _("base data imported")
    # 400–499 matters
    MATTER_REPORTED = 400, _("matter reported")
    MATTER_TRANSITION = 401, _("matter moved on")
    CATEGORY_SAVED = 410, _("category saved")
    CALENDAR_DAY_SAVED = 411, _("calendar day saved")
    MATTER_ESCALATED = 420, _("matter escalated")
    MEETING_CALLED = 430, _("meeting called")
    MEETING_HELD = 431, _("meeting attendance recorded")
    MEETING_RESOLVED = 432, _("meeting resolution recorded")
    SIGN_CREATED = 440, _("sign put up")
    DISPUTE_PARTY_ADDED = 450, _("dispute party added")
    MEDIATION_RECORDED = 451, _("mediation session recorded")
    # 500–599 court enforcement
    CASE_FILED = 520, _("enforcement case filed")
    CASE_MOVED = 521, _("enforcement case moved on")
    CASE_EXTENSION_REQUESTED = 522, _("time-limit extension requested")
    CASE_EXTENSION_APPROVED = 523, _("time-limit extension approved")
    CASE_ASSIGNED = 524, _("case assigned to another court")
    CASE_RECOVERY_RECORDED = 525, _("recovery outside the case account recorded")
    CASE_TAGGED = 526, _("case added to a campaign")
    CAMPAIGN_CREATED = 527, _("campaign created")
    COURT_CREATED = 528, _("court registered")
    CASE_PARTY_REVEALED = 529, _("case party's personal data seen whole")
    INQUIRY_SENT = 540, _("asset inquiry sent to an agency")
    INQUIRY_ANSWERED = 541, _("agency's answer to an asset inquiry received")
    TYPICAL_CASE_PUBLISHED = 545, _("typical case published")
    TYPICAL_CASE_WITHDRAWN = 546, _("typical case withdrawn")
    PAYMENT_CODE_CREATED = 530, _("payment code created")
    PAYMENT_PROVIDER_CREATED = 531, _("payment provider registered")
    UNCLAIMED_ASSIGNED = 532, _("unclaimed money assigned to a case")
    PAYMENT_NOTICE_SETTLED = 533, _("interrupted payment notice settled by the sweep")
    PAYMENT_PROVIDER_ATTRIBUTED = 550, _("payment provider's account attributed to a court")
    PAYEE_ADDED = 500, _("payee account added")
    PAYEE_VERIFIED = 501, _("payee account verified")
    PAYOUT_REQUESTED = 510, _("payout requested")
    PAYOUT_APPROVED = 511, _("payout approved and sent")
    PAYOUT_RESULT = 512, _("bank's answer on a payout recorded")
    # 600–619 household visits and patrols
    VISIT_RECORDED = 600, _("household visit recorded")
    VISIT_NEED_REPORTED = 601, _("need found on a visit reported as a matter")
    VISIT_FREQUENCY_SET = 605, _("visit frequency of a special group set")
    PATROL_STARTED = 610, _("patrol started")
    PATROL_POINTS_ADDED = 611, _("patrol track points added")
    PATROL_ENDED = 612, _("patrol ended")
    PATROL_MATTER_LINKED = 613, _("matter linked to a patrol")
    PATROL_RECORDED = 614, _("finished patrol recorded")


class AuditHead(models.Model):
    """One row: the newest entry of the chain. Locking it orders concurrent writers."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"audit head #{self.last_id}"


class AuditEntry(models.Model):
    """Append-only and hash-chained: see gridgov.core.audit."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    action = models.PositiveSmallIntegerField(choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    region_path = models.CharField(max_length=64, db_index=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}"


class Counter(models.Model):
    """Named change counters; e.g. "grids" moves whenever a grid polygon changes, so every
    process knows to rebuild its in-memory locator."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


def bump_counter(name: str) -> int:
    """Adds one and returns the new value. Inside a transaction the row stays locked until
    commit, so concurrent callers get consecutive numbers (sequences use this)."""
    from django.db import IntegrityError, transaction

    if not Counter.objects.filter(name=name).update(value=models.F("value") + 1):
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, value=1)
            return 1
        except IntegrityError:  # another transaction created it first
            Counter.objects.filter(name=name).update(value=models.F("value") + 1)
    return Counter.objects.get(name=name).value


def counter_value(name: str) -> int:
    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an Idempotency-Key, per client, so that a
    retry gets the same answer and creates nothing twice."""

    client = models.CharField(max_length=64)
    key = models.CharField(max_length=128)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self):
        return f"{self.client} {self.key}"


class ApiClient(models.Model):
    """An outside application (an Open311 client) allowed to submit public reports; only
    the SHA-256 of its key is stored."""

    name = models.CharField(max_length=64, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class RateEvent(models.Model):
    """One counted event of a rate limit (gridgov.core.ratelimit)."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.scope} {self.key} {self.at:%Y-%m-%d %H:%M:%S}"
