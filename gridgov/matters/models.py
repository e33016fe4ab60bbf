"""Matters (事项) and their process after GB/T 30428: reported → registered → dispatched →
in hand → handled → verified → closed → evaluated, with rejection, rework, extension and
merging. The transitions themselves are declared in gridgov.matters.workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core.scoping import InRegion, ScopedQuerySet, under


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday (no work on a weekday)")
    WORKDAY = "workday", _("make-up working day (work on a weekend)")


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=32)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("not yet confirmed by the State Council")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")

    def __str__(self):
        return f"{self.date} {self.name} ({self.get_kind_display()})"


class CategoryGroup(models.TextChoices):
    DISPUTE = "dispute", _("dispute")
    HAZARD = "hazard", _("safety hazard")
    PUBLIC_ORDER = "public_order", _("public order")
    CITY = "city", _("city management")
    PUBLIC_INTEREST = "public_interest", _("public-interest clue")
    REQUEST = "request", _("resident's request")


class FieldType(models.TextChoices):
    TEXT = "text", _("text")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    CHOICE = "choice", _("single choice")
    MULTI = "multi", _("multiple choice")


class CategoryQuerySet(models.QuerySet):
    def for_public(self):
        """The categories public channels (Open311 services, QR signs) list and take
        reports in: public, not sensitive, in use."""
        return self.filter(public=True, sensitive=False, active=True)


class Category(models.Model):
    """A kind of matter. `fields` lists the extra fields the category asks for:
    [{"code", "label", "label_en", "type", "required", "choices": [...]}].

    A sensitive category (disputes, vulnerable households, anything about named people) is
    never public: its matters appear on no public channel, and its reporter's receipt says
    only that the report was received and is being handled."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    group = models.CharField(_("group"), max_length=16, choices=CategoryGroup.choices)
    default_unit = models.ForeignKey(
        "people.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default responsible unit"),
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    fields = models.JSONField(_("extra fields"), default=list, blank=True)
    public = models.BooleanField(_("the public may report it"), default=False)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("about named people or vulnerable households: never shown publicly"),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(public=True, sensitive=True),
                name="sensitive_category_not_public",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name people read: the English name on an English page (the Chinese name is
        the category's own, kept in audit entries and exports)."""
        return self.name_en if self.name_en and _english() else self.name

    def field_label(self, spec: dict) -> str:
        """An extra field's label in the page's language."""
        english = spec.get("label_en") if _english() else ""
        return english or spec.get("label") or spec["code"]


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


class State(models.TextChoices):
    REPORTED = "reported", _("reported")
    REGISTERED = "registered", _("registered")
    DISPATCHED = "dispatched", _("dispatched")
    IN_HAND = "in_hand", _("in hand")
    HANDLED = "handled", _("handled")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    EVALUATED = "evaluated", _("evaluated")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged as duplicate")


OPEN_STATES = (
    State.REPORTED,
    State.REGISTERED,
    State.DISPATCHED,
    State.IN_HAND,
    State.HANDLED,
    State.VERIFIED,
)
# the clock runs from registration until the matter is handled
RUNNING_STATES = (State.REGISTERED, State.DISPATCHED, State.IN_HAND)

# What the public reads of a matter's state when staff wrote no note for the reporter.
FIXED_NOTES = {
    State.REPORTED: _("Received; waiting to be registered."),
    State.REGISTERED: _("Registered; to be passed to the responsible unit."),
    State.DISPATCHED: _("Passed to the responsible unit."),
    State.IN_HAND: _("Being handled by the responsible unit."),
    State.HANDLED: _("Handled; the result is being checked."),
    State.VERIFIED: _("The result has been checked; the matter is to be closed."),
    State.CLOSED: _("Closed: handled by the responsible unit."),
    State.EVALUATED: _("Closed: handled by the responsible unit."),
    State.REJECTED: _("Not taken up as a matter to handle."),
    State.MERGED: _("Merged with another report of the same problem."),
}


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    GRID_POLICE = "grid_police", _("grid police")
    LIAISON = "liaison", _("household liaison")
    PUBLIC_SIGN = "public_sign", _("public sign")
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("hotline")
    INSPECTION = "inspection", _("inspection")
    MEETING = "meeting", _("meeting")


# What the public itself reported: the only matters public channels list. A report by staff
# (a grid worker's patrol, a hotline call typed in) may name the household it is about.
PUBLIC_SOURCES = (Source.PUBLIC_SIGN, Source.OPEN311)


class Priority(models.IntegerChoices):
    LOW = 1, _("low")
    NORMAL = 2, _("normal")
    HIGH = 3, _("high")
    URGENT = 4, _("urgent")


class Tier(models.IntegerChoices):
    """The escalation ladder (grid → community → street weekly meeting, assigned → monthly
    meeting, consulted → joint meeting)."""

    GRID = 0, _("grid")
    COMMUNITY = 1, _("community")
    WEEKLY = 2, _("weekly meeting (assigned)")
    MONTHLY = 3, _("monthly meeting (consulted)")
    JOINT = 4, _("joint meeting (handled jointly)")


MEETING_TIERS = (Tier.WEEKLY, Tier.MONTHLY, Tier.JOINT)


class MatterQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Region scope for governance roles; a department handler sees the matters
        dispatched to their unit within their region."""
        q = Q(pk__in=[])
        for p in roles.read_paths(user, "matter"):
            q |= under("region_path", p)
        for role, path, unit_id in roles.assignments_with_units(user):
            if role == Role.DEPARTMENT_HANDLER and unit_id:
                # The unit is the selective part (a handler's region is usually the whole
                # district): a LIKE prefix keeps the planners on the unit's index instead
                # of a range over every matter of the district (540 ms → 60 ms at 1M).
                q |= Q(handling_unit_id=unit_id, region_path__startswith=path)
        return self.filter(q)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def for_public(self):
        """The matters public channels (Open311 GET) may show: reported by the public, in
        a category the public may report that is not sensitive."""
        return self.filter(
            source__in=PUBLIC_SOURCES, category__public=True, category__sensitive=False
        )

    def awaiting(self, user):
        """Matters in a state where one of the user's roles has a step to take, derived
        from the transition table (a unit-bound step only for the user's unit)."""
        from .workflow import TRANSITIONS

        q = Q(pk__in=[])
        units = {(r, p): u for r, p, u in roles.assignments_with_units(user)}
        for role, path in roles._assignments(user):
            states = set()
            unit_states = set()
            for t in TRANSITIONS.values():
                if role in t.roles and t.name not in ("evaluate", "approve_extension"):
                    (unit_states if t.unit_bound else states).update(t.sources)
            if states:
                q |= under("region_path", path) & Q(state__in=states)
            if unit_states and units.get((role, path)):
                q |= Q(
                    handling_unit_id=units[(role, path)],
                    state__in=unit_states,
                    region_path__startswith=path,  # see visible_to: the unit's index leads
                )
            if role in (Role.SYSTEM_ADMIN, Role.OPERATOR, Role.STREET_STAFF, Role.COMMUNITY_STAFF):
                q |= under("region_path", path) & Q(extension_until__isnull=False)
        return self.filter(q)

    def worklist_order(self):
        """Overdue first, then by deadline, then newest reports."""
        now = timezone.now()
        return self.annotate(
            overdue_rank=Case(
                When(state__in=RUNNING_STATES, deadline__lt=now, then=Value(0)),
                default=Value(1),
            )
        ).order_by("overdue_rank", F("deadline").asc(nulls_last=True), "-created_at")

    def overdue(self, now=None):
        return self.filter(state__in=RUNNING_STATES, deadline__lt=now or timezone.now())


class Matter(InRegion):
    scope_kind = "matter"
    audit_exclude = ("contact_enc",)

    code = models.CharField(_("code"), max_length=24, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("category"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("extra fields"), default=dict, blank=True)
    media_url = models.URLField(_("photo link"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_matters",
        verbose_name=_("reporter"),
    )
    contact_enc = models.TextField(blank=True)  # an anonymous reporter's contact, encrypted
    contact_masked = models.CharField(_("contact"), max_length=32, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REPORTED, db_index=True
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    handling_unit = models.ForeignKey(
        "people.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
        verbose_name=_("handling unit"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_matters",
        verbose_name=_("handler"),
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_matters",
        verbose_name=_("verifier"),
    )
    extension_until = models.DateField(_("extension requested until"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("times returned for rework"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(
        _("escalation tier"), choices=Tier.choices, default=Tier.GRID, db_index=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    receipt = models.CharField(_("receipt code"), max_length=16, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter")
        indexes = [
            models.Index(fields=["region_path", "state"]),
            models.Index(fields=["handling_unit", "state"]),
        ]

    def __str__(self):
        return f"{self.code} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in RUNNING_STATES
            and self.deadline is not None
            and self.deadline < timezone.now()
        )


class MatterEvent(models.Model):
    """One step of a matter's life, for its timeline (the audit trail has the same facts,
    chained; this table is what the matter page reads)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=24)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)  # internal: staff only
    # written on purpose for the reporter, shown on the receipt page and in Open311
    public_note = models.TextField(_("note for the reporter (shown publicly)"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.matter.code} {self.transition}"

    @property
    def transition_label(self):
        from .workflow import TRANSITIONS

        t = TRANSITIONS.get(self.transition)
        if t:
            return t.label
        return {
            "escalate": _("escalated"),
            "meeting": _("meeting resolution"),
            "mediation": _("mediation"),
        }.get(self.transition, _("report"))

    @property
    def to_state_label(self):
        return State(self.to_state).label


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")


class Meeting(InRegion):
    """A street's weekly, monthly or joint meeting. Its agenda is the matters escalated to
    its tier in its region when it was called; each gets a resolution."""

    scope_kind = "matter"

    tier = models.PositiveSmallIntegerField(
        _("tier"), choices=[(t.value, t.label) for t in MEETING_TIERS]
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    held_on = models.DateField(_("date"))
    state = models.CharField(
        _("state"), max_length=8, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    attendance = models.JSONField(_("attendance"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")

    def __str__(self):
        return f"{self.region} {self.get_tier_display()} {self.held_on}"


class MeetingItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="meeting_items")
    units = models.ManyToManyField(
        "people.Unit", blank=True, related_name="+", verbose_name=_("units assigned")
    )
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    note = models.TextField(_("resolution"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "matter"], name="uniq_meeting_matter")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.matter.code}"


class MatterPhoto(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        MatterEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.path


class Sign(InRegion):
    """A QR-code sign (e.g. a procuratorate's protection sign on a greening project): a
    place, the categories the public may report there, and the unit that receives them."""

    scope_kind = "matter"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid")
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    categories = models.ManyToManyField(
        Category, related_name="signs", verbose_name=_("categories")
    )
    receiving_unit = models.ForeignKey(
        "people.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving unit"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("sign")

    def __str__(self):
        return self.name

    def reportable_categories(self):
        """The categories the public may report here: the sign's, less any that is no
        longer public, active or that became sensitive. Every public page goes by this."""
        return self.categories.for_public()


class Side(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    RESPONDENT = "respondent", _("respondent")
    OTHER = "other", _("other party")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("agreement reached")
    PARTIAL = "partial", _("partial agreement")
    FAILED = "failed", _("failed")


class NextStep(models.TextChoices):
    NONE = "none", _("none")
    ESCALATE = "escalate", _("escalate")
    COURT = "court", _("refer to court")


class Dispute(models.Model):
    """The dispute side of a matter of the dispute group (矛盾纠纷)."""

    matter = models.OneToOneField(
        Matter, primary_key=True, on_delete=models.CASCADE, related_name="dispute"
    )
    referred_to_court = models.BooleanField(_("referred to court"), default=False)
    follow_up_on = models.DateField(_("follow-up visit"), null=True, blank=True)

    def __str__(self):
        return str(self.matter)


class DisputeParty(models.Model):
    audit_exclude = ("contact_enc",)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=64)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_enc = models.TextField(blank=True)
    contact_masked = models.CharField(_("contact"), max_length=32, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class MediationSession(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("mediators")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    agreement = models.TextField(_("agreement"), blank=True)
    next_step = models.CharField(
        _("next step"), max_length=16, choices=NextStep.choices, default=NextStep.NONE
    )
    follow_up_on = models.DateField(_("follow-up visit"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.dispute} {self.held_on}"
