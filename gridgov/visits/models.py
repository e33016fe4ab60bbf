"""Visits (入户走访) and patrols (巡查): the grid worker's walking work.

A visit is one call at a household: when, whom the worker met (or nobody home), notes, and
the needs found there, each of which is followed up as a matter (and, once the services
module exists, as a micro-wish). A patrol is a walk of a grid from start to end with the
points the phone reported on the way. Both are scoped to their place like every record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.scoping import InRegion, ScopedQuerySet, under


class Visit(InRegion):
    scope_kind = "visit"

    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("household"),
    )
    # the household's place (a building, or a grid): scoping is one range on this table
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("visited by"),
    )
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    nobody_home = models.BooleanField(_("nobody home"), default=False)
    met = models.ManyToManyField(
        "people.Resident", blank=True, related_name="visits", verbose_name=_("met")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["household", "visited_at"])]

    def __str__(self):
        return f"{self.household} {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class Need(models.Model):
    """A need found on a visit. It is followed up as a matter (`matter`, through the
    matters' own reporting action, `visits.actions.report_need`); the services module will
    add its micro-wish beside it the same way (see docs/visits.md)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    description = models.CharField(_("need"), max_length=500)
    category = models.ForeignKey(
        "matters.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    matter = models.OneToOneField(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_need",
        verbose_name=_("matter"),
    )

    class Meta:
        verbose_name = _("need")
        ordering = ["id"]

    def __str__(self):
        return self.description

    @property
    def followed_up(self) -> bool:
        return self.matter_id is not None


class PatrolQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class Patrol(InRegion):
    scope_kind = "patrol"

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("patrolled by"),
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    points_count = models.PositiveIntegerField(_("points"), default=0)
    points_outside = models.PositiveIntegerField(_("points outside the grid"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    matters = models.ManyToManyField(
        "matters.Matter", blank=True, related_name="patrols", verbose_name=_("linked matters")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        ordering = ["-started_at", "-id"]
        constraints = [
            # one open patrol per worker: the database says so, whichever server asks
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_at__isnull=True), name="one_open_patrol"
            )
        ]

    def __str__(self):
        start = timezone.localtime(self.started_at)
        return f"{self.region.name if self.region_id else ''} {start:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def matters_on_the_way(self, user):
        """The matters the viewer may see that the walker reported in this grid between
        start and end (or now), and those linked to the patrol by hand."""
        from gridgov.matters.models import Matter

        end = self.ended_at or timezone.now()
        reported = Q(
            reporter_id=self.worker_id, created_at__gte=self.started_at, created_at__lte=end
        ) & under("region_path", self.region_path)
        linked = Q(pk__in=self.matters.values("pk"))
        return (
            Matter.objects.visible_to(user)
            .filter(reported | linked)
            .select_related("category", "region")
            .order_by("created_at")
        )


class PatrolPoint(models.Model):
    """Where the phone was. Points outside the grid are kept (a street along the edge, a
    poor fix) but marked, so that a track is never silently cut."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="points")
    at = models.DateTimeField()
    lat = models.FloatField()
    lon = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)
    inside = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["patrol", "at"])]

    def __str__(self):
        return f"{self.lat:.5f},{self.lon:.5f}"
