from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gridgov.core.scoping import InRegion, ScopedQuerySet, ScopedQuerySetMixin


class Level(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    STREET = "street", _("street")
    COMMUNITY = "community", _("community")
    GRID = "grid", _("grid")
    COMPOUND = "compound", _("compound")
    BUILDING = "building", _("building")


LEVEL_ORDER = [lv.value for lv in Level]
# The code of a node is its parent's code followed by this many digits (the 15-digit
# unit-grid code is district 6 + street 3 + community 3 + sequence 3).
CODE_DIGITS = {
    Level.CITY: 6,
    Level.DISTRICT: 6,
    Level.STREET: 3,
    Level.COMMUNITY: 3,
    Level.GRID: 3,
    Level.COMPOUND: 3,
    Level.BUILDING: 3,
}


class RegionQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    pass


class RegionManager(MP_NodeManager):
    def get_queryset(self):
        return RegionQuerySet(self.model).order_by("path")

    def visible_to(self, user):
        return self.get_queryset().visible_to(user)


class Region(MP_Node):
    """A node of the region tree: city → district → street → community → grid → compound →
    building. `path` (treebeard's materialised path) is what everything else scopes by."""

    steplen = 4
    scope_kind = "region"
    scope_field = "path"

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)

    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self):
        return self.name

    @property
    def scope_path(self) -> str:
        return self.path


class Grid(InRegion):
    """The grid-level details of a region node: its polygon and its sponsor unit. The rest
    of 1+1+1+N (grid worker, grid police, household liaisons) are role assignments."""

    scope_kind = "grid"

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="grid"
    )
    polygon = models.JSONField(_("polygon"), help_text="GeoJSON Polygon or MultiPolygon")
    area_m2 = models.FloatField(_("area (m²)"), default=0)
    sponsor_unit = models.ForeignKey(
        "people.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_grids",
        verbose_name=_("sponsor unit"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")

    def __str__(self):
        return str(self.region)


class PartyLevel(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("district party committee")
    STREET_COMMITTEE = "street_committee", _("street working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("community party committee")
    GRID_BRANCH = "grid_branch", _("grid joint branch")
    GROUP = "group", _("compound/building party group")
    HOUSEHOLD = "household", _("party member household")


class PartyOrgQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    pass


class PartyOrgManager(MP_NodeManager):
    def get_queryset(self):
        return PartyOrgQuerySet(self.model).order_by("path")

    def visible_to(self, user):
        return self.get_queryset().visible_to(user)


class PartyOrg(MP_Node, InRegion):
    """The party chain beside the region tree. A grid joint branch may cover several grids;
    it sits at (and is scoped by) the region that holds all of them."""

    steplen = 4
    scope_kind = "party_org"

    level = models.CharField(_("level"), max_length=24, choices=PartyLevel.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="party_orgs")
    grids = models.ManyToManyField(
        Region, blank=True, related_name="party_branches", verbose_name=_("grids covered")
    )
    secretary_name = models.CharField(_("secretary"), max_length=64, blank=True)
    secretary_title = models.CharField(_("secretary's title"), max_length=64, blank=True)

    objects = PartyOrgManager()

    class Meta:
        verbose_name = _("party organisation")

    def __str__(self):
        return self.name


class CommitteeKind(models.TextChoices):
    BIG_WORKING_COMMITTEE = "big_working", _("big working committee member")
    BIG_PARTY_COMMITTEE = "big_party", _("big party committee member")


class CommitteeMember(InRegion):
    """An official of an outside department or unit sitting as a concurrent member
    (大工委/大党委委员) of a street working committee or community party committee."""

    scope_kind = "party_org"

    party_org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("kind"), max_length=16, choices=CommitteeKind.choices)
    name = models.CharField(_("name"), max_length=64)
    home_unit = models.CharField(_("home unit"), max_length=100)
    title = models.CharField(_("title"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.home_unit})"
