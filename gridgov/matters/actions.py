"""Reporting matters. Moving them on is gridgov.matters.workflow.transition."""

from __future__ import annotations

import dataclasses
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import audit, crypto, parsing
from gridgov.core.actions import check_write, is_user
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction, bump_counter
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Level, Region

from . import photos, workflow
from .models import Category, FieldType, Matter, MatterEvent, Priority, Source, State

PLACE_LEVELS = {Level.GRID, Level.COMPOUND, Level.BUILDING}
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def clean_attributes(category: Category, values: dict) -> tuple[dict, list[dict]]:
    """Checks the category's extra fields; returns (clean values, errors)."""
    values = values or {}
    clean, errors = {}, []
    known = {f["code"]: f for f in category.fields}
    for code in values:
        if code not in known:
            errors.append({"field": code, "message": _("Unknown field.")})
    for code, spec in known.items():
        raw = values.get(code)
        if raw in (None, "", []):
            if spec.get("required"):
                errors.append({"field": code, "message": _("Required.")})
            continue
        kind = spec.get("type", FieldType.TEXT)
        try:
            if kind == FieldType.NUMBER:
                clean[code] = parsing.decimal(raw, code)
            elif kind == FieldType.DATE:
                clean[code] = parsing.day(raw, code).isoformat()
            elif kind == FieldType.CHOICE:
                if str(raw) not in spec.get("choices", []):
                    raise ValueError
                clean[code] = str(raw)
            elif kind == FieldType.MULTI:
                items = raw if isinstance(raw, list) else str(raw).split(",")
                items = [str(i).strip() for i in items if str(i).strip()]
                if not items or any(i not in spec.get("choices", []) for i in items):
                    raise ValueError
                clean[code] = items
            else:
                clean[code] = parsing.text(raw, code, max_length=500, multiline=True)
        except Invalid as exc:
            errors.extend(exc.errors)
        except (TypeError, ValueError):
            errors.append({"field": code, "message": _("Not a valid value for this field.")})
    return clean, errors


def _new_code(region: Region) -> str:
    district = Region.objects.filter(path=region.path[: 2 * Region.steplen]).first()
    prefix = district.code if district else region.code[:6]
    year = timezone.localdate().year
    seq = bump_counter(f"matter:{prefix}:{year}")
    return f"{prefix}-{year}-{seq:06d}"


def _new_receipt() -> str:
    while True:
        receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
        if not Matter.objects.filter(receipt=receipt).exists():
            return receipt


@dataclasses.dataclass
class MatterInput:
    category: Category
    description: str
    source: str = Source.GRID_WORKER
    region: Region | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    attributes: dict = dataclasses.field(default_factory=dict)
    priority: int = Priority.NORMAL
    contact: str = ""  # an anonymous reporter's phone or e-mail, kept private
    media_url: str = ""
    photos: list = dataclasses.field(default_factory=list)  # uploaded files
    handling_unit: object = None  # a Unit, when the way in already names who handles it


def locate_place(data: MatterInput) -> Region:
    """The matter's place: the chosen grid/building, or the grid around lat/lon."""
    if data.region is not None:
        if data.region.level not in PLACE_LEVELS:
            raise Invalid(_("Choose a grid, compound or building."))
        return data.region
    if data.lat is None or data.lon is None:
        raise Invalid(_("Give a location or choose a grid."))
    if not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):
        raise Invalid(_("Latitude or longitude out of range."))
    code = get_locator().locate(data.lon, data.lat)
    if code is None:
        raise Invalid(
            _("The location is not in any grid."),
            errors=[{"field": "location", "message": _("not in any grid")}],
        )
    return Region.objects.get(code=code)


def _clean_input(data: MatterInput) -> None:
    """The shared checks of every way in (page, API, Open311, public sign): text within its
    column, coordinates finite and on the globe even beside a chosen place."""
    if not (data.description or "").strip():
        raise Invalid(
            _("Describe the matter."), errors=[{"field": "description", "message": _("Required.")}]
        )
    data.description = parsing.text(
        data.description, "description", max_length=5000, multiline=True
    )
    data.address = parsing.text(data.address, "address", max_length=200)
    data.contact = parsing.text(data.contact, "contact", max_length=64)
    data.media_url = parsing.text(data.media_url, "media_url", max_length=500)
    data.lat = parsing.latitude(data.lat, "lat", required=False)
    data.lon = parsing.longitude(data.lon, "lon", required=False)


def report_matter(data: MatterInput, *, actor) -> Matter:
    """Records a reported matter. Staff and grid forces report in their own scope; the
    system (public intake) reports anywhere. The reporter is the actor."""
    _clean_input(data)
    if not data.category.active:
        raise Invalid(_("This category is no longer in use."))
    if data.priority not in Priority.values:
        raise Invalid(_("Unknown priority."))
    if data.source not in Source.values:
        raise Invalid(_("Unknown source."))
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
        except ValidationError:
            raise Invalid(
                _("media_url is not a web address."),
                errors=[{"field": "media_url", "message": _("not a web address")}],
            ) from None
    attributes, errors = clean_attributes(data.category, data.attributes)
    if errors:
        raise Invalid(_("Some fields are not right."), errors=errors)
    cleaned_photos = photos.clean_all(data.photos)
    region = locate_place(data)
    check_write(actor, "matter", region.path, read_kind="matter")
    if is_user(actor) and not roles.can_write(actor, "matter", region.path):
        raise Invalid(_("This place is outside your scope."))
    with transaction.atomic():
        matter = Matter.objects.create(
            code=_new_code(region),
            category=data.category,
            source=data.source,
            region=region,
            region_path=region.path,
            lat=data.lat,
            lon=data.lon,
            address=data.address,
            description=data.description,
            attributes=attributes,
            media_url=data.media_url,
            reporter=actor if is_user(actor) else None,
            contact_enc=crypto.encrypt(data.contact),
            contact_masked=crypto.mask_phone(data.contact) if data.contact else "",
            priority=data.priority,
            handling_unit=data.handling_unit,
            receipt=_new_receipt(),
        )
        event = MatterEvent.objects.create(
            matter=matter,
            transition="report",
            to_state=State.REPORTED,
            actor=actor if is_user(actor) else None,
            actor_label=actor.get_username() if is_user(actor) else str(actor or "system"),
            note=matter.description[:2000],
        )
        photos.attach(matter, cleaned_photos, event)
        workflow.handoff(matter, "report", actor=actor, note=matter.description)
        audit.record(
            AuditAction.MATTER_REPORTED,
            actor=actor,
            obj=matter,
            after={**audit.snapshot(matter), "photos": len(cleaned_photos)},
        )
    return matter


def source_for(user) -> str:
    """The source a staff member's report is recorded under: their channel (grid police,
    household liaison), a grid worker's by default."""
    held = roles.roles_of(user)
    if roles.Role.GRID_POLICE in held and roles.Role.GRID_WORKER not in held:
        return Source.GRID_POLICE
    if roles.Role.HOUSEHOLD_LIAISON in held and roles.Role.GRID_WORKER not in held:
        return Source.LIAISON
    return Source.GRID_WORKER
