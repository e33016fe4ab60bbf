"""Base data (基础数据): units, households, residents, party members, special groups.
Buildings are region nodes of level "building". ID numbers and phones are stored only
encrypted, with a blind index for exact search and a masked copy for display."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import crypto
from gridgov.core.scoping import InRegion, ScopedQuerySet


class BaseData(InRegion):
    scope_kind = "base_data"

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("government agency")
    PUBLIC_INSTITUTION = "institution", _("public institution")
    ENTERPRISE = "enterprise", _("enterprise")
    SHOP = "shop", _("shop")
    SOCIAL_ORG = "social_org", _("social organisation")


class Unit(BaseData):
    """机关企事业单位: agencies, enterprises, shops. Sponsor units and departments are units."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("unit")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HouseholdKind(models.TextChoices):
    REGISTERED = "registered", _("registered (户籍)")
    RESIDENT = "resident", _("resident (常住)")
    FLOATING = "floating", _("floating (流动)")


class Household(BaseData):
    number = models.CharField(_("household number"), max_length=32)
    address = models.CharField(_("address"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=HouseholdKind.choices, default=HouseholdKind.RESIDENT
    )

    class Meta:
        verbose_name = _("household")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="uniq_household_number")
        ]

    def __str__(self):
        return self.address or self.number


class SpecialGroup(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(max_length=64)
    # a household with a member in this group is due a visit this many days after the last
    # one (none: the group is not visited on a schedule)
    visit_every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), null=True, blank=True
    )

    def __str__(self):
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Resident(BaseData):
    audit_exclude = ("id_number_enc", "id_number_index", "phone_enc", "phone_index")

    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("household"),
    )
    name = models.CharField(_("full name"), max_length=64, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=16, blank=True)
    relation = models.CharField(_("relation to head"), max_length=16, blank=True)
    id_number_enc = models.TextField()
    id_number_index = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    phone_enc = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    special_groups = models.ManyToManyField(
        SpecialGroup, blank=True, related_name="residents", verbose_name=_("special groups")
    )

    class Meta:
        verbose_name = _("resident")
        indexes = [models.Index(fields=["region_path", "name"])]

    def __str__(self):
        return self.name

    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @property
    def birth_year(self) -> int:
        """What pages and the API show of the birth date: the masked ID number hides exactly
        the eight digits of the birth date, so the whole date beside it would give the whole
        number back without a reveal."""
        return self.birth_date.year

    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)


class PartyMember(BaseData):
    """A party member living here; `home_unit` is where they work, for dual registration."""

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="party_member")
    party_org = models.ForeignKey(
        "regions.PartyOrg",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
        verbose_name=_("party organisation"),
    )
    home_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
        verbose_name=_("home unit"),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party member")

    def __str__(self):
        return str(self.resident)
