"""Writes for base data. Every function checks the actor's write scope, records audit
entries and commits in one transaction; bulk variants serve imports and the demo."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core import actors, audit, crypto, ratelimit, reveal
from gridgov.core.actions import check_write, is_user
from gridgov.core.errors import Conflict, Invalid
from gridgov.core.models import AuditAction
from gridgov.core.validators import birth_date_and_sex, validate_id_number, validate_phone
from gridgov.regions.models import Level, Region
from gridgov.regions.queries import place_labels

from .models import (
    Household,
    HouseholdKind,
    PartyMember,
    Resident,
    SpecialGroup,
    Unit,
    UnitKind,
)

# Base data lives at a grid or below it (compound, building).
PLACE_LEVELS = {Level.GRID, Level.COMPOUND, Level.BUILDING}


def _require_place(region: Region) -> None:
    if region.level not in PLACE_LEVELS:
        raise Invalid(_("Base data belongs to a grid, compound or building."))


# --- units --------------------------------------------------------------------------


def create_unit(
    region: Region,
    name: str,
    kind: str,
    *,
    actor,
    credit_code: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Unit:
    """A unit (agency, enterprise, shop) located in `region` (any level)."""
    check_write(actor, "base_data", region.path)
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    if kind not in UnitKind.values:
        raise Invalid(_("Unknown unit kind."))
    try:
        contact_phone = validate_phone(contact_phone)
    except ValidationError as exc:
        raise Invalid(exc.messages[0]) from None
    with transaction.atomic():
        unit = Unit.objects.create(
            region=region,
            region_path=region.path,
            name=name.strip(),
            kind=kind,
            credit_code=(credit_code or "").strip().upper(),
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit.record(AuditAction.UNIT_CREATED, actor=actor, obj=unit, after=audit.snapshot(unit))
    return unit


# --- households ----------------------------------------------------------------------


@dataclasses.dataclass
class HouseholdInput:
    region: Region
    number: str
    address: str = ""
    kind: str = HouseholdKind.RESIDENT


def create_households(items: list[HouseholdInput], *, actor) -> list[Household]:
    """Creates households all or nothing; Invalid/Conflict name the problem."""
    seen = set()
    for data in items:
        check_write(actor, "base_data", data.region.path)
        _require_place(data.region)
        data.number = (data.number or "").strip()
        if not data.number:
            raise Invalid(_("A household number is required."))
        if data.kind not in HouseholdKind.values:
            raise Invalid(_("Unknown household kind."))
        if (data.region.pk, data.number) in seen:
            raise Conflict(_("This household number already exists here."))
        seen.add((data.region.pk, data.number))
    with transaction.atomic():
        for region_id in {d.region.pk for d in items}:
            numbers = [d.number for d in items if d.region.pk == region_id]
            if Household.objects.filter(region_id=region_id, number__in=numbers).exists():
                raise Conflict(_("This household number already exists here."))
        built = [
            Household(
                region=d.region,
                region_path=d.region.path,
                number=d.number,
                address=d.address,
                kind=d.kind,
            )
            for d in items
        ]
        households = Household.objects.bulk_create(built, 1000)
        audit.record_many(
            [
                audit.Change(AuditAction.HOUSEHOLD_CREATED, obj=h, after=audit.snapshot(h))
                for h in households
            ],
            actor=actor,
        )
    return households


def create_household(
    region: Region, number: str, *, actor, address: str = "", kind: str = HouseholdKind.RESIDENT
) -> Household:
    return create_households([HouseholdInput(region, number, address, kind)], actor=actor)[0]


# --- residents -----------------------------------------------------------------------


@dataclasses.dataclass
class ResidentInput:
    region: Region
    name: str
    id_number: str
    phone: str = ""
    household: Household | None = None
    ethnicity: str = ""
    relation: str = ""
    special_groups: list[str] = dataclasses.field(default_factory=list)  # codes


def clean_resident(data: ResidentInput, known_groups: set[str]) -> dict[str, str]:
    """Field → message for every problem; empty when the input is good. `known_groups`:
    the special groups' codes."""
    errors: dict[str, str] = {}
    if not (data.name or "").strip():
        errors["name"] = _("A name is required.")
    try:
        data.id_number = validate_id_number(data.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
    try:
        data.phone = validate_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if data.region.level not in PLACE_LEVELS:
        errors["region"] = _("Base data belongs to a grid, compound or building.")
    if data.household is not None and data.household.region_path != data.region.path:
        errors["household"] = _("The household is not at this place.")
    unknown = [c for c in data.special_groups if c not in known_groups]
    if unknown:
        errors["special_groups"] = _("Unknown special group: %(g)s.") % {"g": ", ".join(unknown)}
    return errors


def _build_resident(data: ResidentInput) -> Resident:
    birth, sex = birth_date_and_sex(data.id_number)
    return Resident(
        region=data.region,
        region_path=data.region.path,
        household=data.household,
        name=data.name.strip(),
        sex=sex,
        birth_date=birth,
        ethnicity=data.ethnicity or "",
        relation=data.relation or "",
        id_number_enc=crypto.encrypt(data.id_number),
        id_number_index=crypto.blind_index(data.id_number),
        id_number_masked=crypto.mask_id_number(data.id_number),
        phone_enc=crypto.encrypt(data.phone),
        phone_index=crypto.blind_index(data.phone),
        phone_masked=crypto.mask_phone(data.phone),
    )


# One person has one record city-wide (the ID number's blind index is unique). A number
# already recorded where the user can see it is refused with where it is; a number recorded
# outside the user's sight gets one answer whichever place holds it — it says no more than
# that this number cannot be recorded here — and the keepers of the record are told who
# asked and where (refer), so that a person who moved can be transferred.


def _elsewhere() -> str:
    return _(
        "This ID number cannot be recorded here. If the person has moved here, the staff "
        "who keep their record have been asked to follow up."
    )


@dataclasses.dataclass
class Referral:
    resident: Resident  # the record that holds the number
    name: str  # the name the user gave
    place: Region  # where the user tried to record it


class Refused(Invalid):
    """Nothing was saved; `referrals` are the records held out of the user's sight whose
    keepers are (or, for a caller that rolls back, are to be) told — see refer."""

    def __init__(self, message, *, errors, referrals: list[Referral]):
        super().__init__(message, errors=errors)
        self.referrals = referrals


def _already_recorded(indexes: list[str], actor) -> dict[int, tuple[Resident, bool]]:
    """Item position → (the resident already holding that ID number, whether the actor may
    see that resident)."""
    held = {
        r.id_number_index: r
        for r in Resident.objects.filter(id_number_index__in=indexes).select_related("region")
    }
    seen = {r.pk for r in held.values()}
    if is_user(actor):
        seen = set(
            Resident.objects.visible_to(actor).filter(pk__in=seen).values_list("pk", flat=True)
        )
    return {i: (held[idx], held[idx].pk in seen) for i, idx in enumerate(indexes) if idx in held}


def refer(referrals: list[Referral], *, actor) -> None:
    """Tells the keepers of each record (roles.keepers: the community's staff, else the
    street's) that `actor` tried to record its ID number at another place, and audits it
    on the record: who asked, where, the name given and the masked number — never the whole
    number. Once a day per asker and record, each in its own transaction (a caller that
    rolls back the refused write calls it afterwards: create_residents(refer_now=False))."""
    from gridgov.accounts import roles
    from gridgov.notifications.actions import notify
    from gridgov.notifications.models import Kind

    if not is_user(actor) or not referrals:
        return
    labels = place_labels([r.place for r in referrals] + [r.resident.region for r in referrals])
    for ref in referrals:
        with transaction.atomic():
            if not ratelimit.once("referral", f"{actor.pk}:{ref.resident.pk}", ratelimit.KEEP):
                continue
            audit.record(
                AuditAction.RESIDENT_REFERRED,
                actor=actor,
                obj=ref.resident,
                after={
                    "asked_by": actor.get_username(),
                    "place": ref.place.code,
                    "name_given": (ref.name or "")[:64],
                    "id_number": ref.resident.id_number_masked,
                },
            )
            notify(
                roles.keepers(ref.resident.region_path),
                Kind.REFERRAL,
                None,
                _(
                    "%(user)s tried to record %(name)s (ID number %(masked)s) at %(place)s; "
                    "your record of %(resident)s at %(where)s holds this number. Check "
                    "whether the person has moved and get in touch with %(user)s."
                )
                % {
                    "user": actors.display(actor),
                    "name": (ref.name or "").strip()[:32] or "—",
                    "masked": ref.resident.id_number_masked,
                    "place": labels[ref.place.pk],
                    "resident": ref.resident.name,
                    "where": labels[ref.resident.region_id],
                },
                link=reverse("people:resident", args=[ref.resident.pk]),
            )


def create_residents(
    items: list[ResidentInput], *, actor, refer_now: bool = True
) -> list[Resident]:
    """Creates residents all or nothing, for writers of base data at each place. Raises
    Refused (an Invalid) with one message per bad item; an ID number recorded outside the
    actor's sight is referred to its keepers (refer, at once unless `refer_now` is False for
    a caller that will roll back) and answered the same whichever place holds it."""
    groups = dict(SpecialGroup.objects.values_list("code", "pk"))
    problems = []
    for i, data in enumerate(items):
        check_write(actor, "base_data", data.region.path)
        for field, message in clean_resident(data, set(groups)).items():
            problems.append({"item": i, "field": field, "message": message})
    indexes = [crypto.blind_index(d.id_number) for d in items]
    seen: dict[str, int] = {}
    for i, idx in enumerate(indexes):
        if idx in seen:
            problems.append(
                {"item": i, "field": "id_number", "message": _("Duplicate ID number in the input.")}
            )
        seen.setdefault(idx, i)
    referrals = []
    recorded = _already_recorded(indexes, actor)
    labels = place_labels(held.region for held, visible in recorded.values() if visible)
    for i, (held, visible) in recorded.items():
        if visible:
            message = _("This ID number is already recorded, at %(place)s.") % {
                "place": labels[held.region_id]
            }
        else:
            message = _elsewhere()
            referrals.append(Referral(held, items[i].name, items[i].region))
        problems.append({"item": i, "field": "id_number", "message": message})
    if problems:
        if refer_now:
            refer(referrals, actor=actor)
        raise Refused(_("Nothing was saved."), errors=problems, referrals=referrals)
    try:
        with transaction.atomic():
            return _save_residents(items, groups, actor)
    except IntegrityError:  # someone recorded one of these numbers since the check above
        raise Conflict(
            _("One of these ID numbers was recorded by someone else just now; try again."),
            errors=[{"field": "id_number", "message": _("Recorded just now elsewhere.")}],
        ) from None


def _save_residents(items: list[ResidentInput], groups: dict, actor) -> list[Resident]:
    built = [_build_resident(d) for d in items]
    residents = Resident.objects.bulk_create(built, 1000)
    links = [
        Resident.special_groups.through(resident_id=r.pk, specialgroup_id=groups[code])
        for r, d in zip(residents, items, strict=True)
        for code in d.special_groups
    ]
    Resident.special_groups.through.objects.bulk_create(links, 1000)
    audit.record_many(
        [
            audit.Change(
                AuditAction.RESIDENT_CREATED,
                obj=r,
                after={**audit.snapshot(r), "special_groups": d.special_groups},
            )
            for r, d in zip(residents, items, strict=True)
        ],
        actor=actor,
    )
    return residents


def create_resident(data: ResidentInput, *, actor) -> Resident:
    try:
        return create_residents([data], actor=actor)[0]
    except Invalid as exc:
        raise Invalid("; ".join(e["message"] for e in exc.errors), errors=exc.errors) from None


def set_special_groups(resident: Resident, codes: list[str], *, actor) -> Resident:
    check_write(actor, "base_data", resident.region_path)
    groups = list(SpecialGroup.objects.filter(code__in=codes))
    if len(groups) != len(set(codes)):
        raise Invalid(_("Unknown special group."))
    with transaction.atomic():
        before = sorted(resident.special_groups.values_list("code", flat=True))
        resident.special_groups.set(groups)
        audit.record(
            AuditAction.SPECIAL_GROUP_SET,
            actor=actor,
            obj=resident,
            before={"special_groups": before},
            after={"special_groups": sorted(codes)},
        )
    return resident


def reveal_resident(resident: Resident, *, actor, reason) -> dict[str, str]:
    """The whole ID number and phone of one resident, for those who may reveal at its
    place (roles.WRITE["reveal"]), with a reason; counted against the user's hourly limit
    and audited (gridgov.core.reveal)."""
    check_write(actor, "reveal", resident.region_path, read_kind="base_data")
    reveal.record(
        AuditAction.RESIDENT_REVEALED,
        actor=actor,
        obj=resident,
        region_path=resident.region_path,
        reason=reason,
    )
    return {"id_number": resident.id_number(), "phone": resident.phone()}


def create_party_member(
    resident: Resident,
    *,
    actor,
    party_org=None,
    home_unit: Unit | None = None,
    joined_on: datetime.date | None = None,
) -> PartyMember:
    check_write(actor, "base_data", resident.region_path)
    with transaction.atomic():
        if PartyMember.objects.filter(resident=resident).exists():
            raise Conflict(_("This resident is already recorded as a party member."))
        member = PartyMember.objects.create(
            resident=resident,
            region=resident.region,
            region_path=resident.region_path,
            party_org=party_org,
            home_unit=home_unit,
            joined_on=joined_on,
        )
        audit.record(
            AuditAction.PARTY_MEMBER_CREATED,
            actor=actor,
            obj=member,
            after=audit.snapshot(member),
        )
    return member
