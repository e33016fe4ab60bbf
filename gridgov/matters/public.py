"""Public intake by QR sign: signs, the no-account report page behind each, rate limits,
the receipt a reporter follows progress with, and what public channels (the receipt page,
Open311) show of a matter."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit, parsing, ratelimit
from gridgov.core.actions import check_write
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction
from gridgov.regions.models import Level, Region

from . import actions
from .models import FIXED_NOTES, OPEN_STATES, Category, Matter, MatterEvent, Sign, Source, State


def limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "GRIDGOV_PUBLIC_PER_ADDRESS", 5)),
        int(getattr(settings, "GRIDGOV_PUBLIC_PER_SIGN", 60)),
    )


def create_sign(
    code: str,
    name: str,
    region: Region,
    lat: float,
    lon: float,
    categories,
    receiving_unit,
    *,
    actor,
) -> Sign:
    """Street staff and admins put up signs in their scope."""
    check_write(actor, "sign", region.path, read_kind="matter")
    categories = list(categories)
    if region.level != Level.GRID:
        raise Invalid(_("A sign stands in a grid."))
    chosen = {c.pk for c in categories}
    if not chosen or Category.objects.for_public().filter(pk__in=chosen).count() < len(chosen):
        raise Invalid(_("Choose categories the public may report."))
    if not (code or "").strip() or not (name or "").strip():
        raise Invalid(_("Name and code are required."))
    code = parsing.slug(code, _("code"), max_length=32)
    name = parsing.text(name, _("name"), max_length=100)
    lat, lon = parsing.latitude(lat), parsing.longitude(lon)
    with transaction.atomic():
        if Sign.objects.filter(code=code).exists():
            raise Invalid(_("Code %(code)s is already used.") % {"code": code})
        sign = Sign.objects.create(
            code=code,
            name=name,
            region=region,
            region_path=region.path,
            lat=lat,
            lon=lon,
            receiving_unit=receiving_unit,
        )
        sign.categories.set(categories)
        audit.record(
            AuditAction.SIGN_CREATED,
            actor=actor,
            obj=sign,
            after={**audit.snapshot(sign), "categories": [c.code for c in categories]},
        )
    return sign


def _check_rate(address: str, sign: Sign) -> None:
    """Counts the report against the address's and the sign's hourly limits (rolled back
    with the report if anything fails)."""
    per_address, per_sign = limits()
    ratelimit.hit(
        "public-address",
        ratelimit.address_key(address),
        limit=per_address,
        message=_("Too many reports from your network; please try again later."),
    )
    ratelimit.hit(
        "public-sign",
        sign.code,
        limit=per_sign,
        message=_("This sign has received many reports; please try again later."),
    )


def submit(
    sign: Sign,
    category: Category,
    description: str,
    uploads,
    contact: str,
    address: str,
    attributes: dict | None = None,
) -> Matter:
    """A member of the public reports at a sign. Everything is checked before anything is
    stored; the matter goes to the sign's receiving unit."""
    if not sign.active:
        raise Invalid(_("This sign is no longer in use."))
    if category not in sign.reportable_categories():
        raise Invalid(_("Choose one of the sign's categories."))
    with transaction.atomic():
        _check_rate(address, sign)
        matter = actions.report_matter(
            actions.MatterInput(
                category=category,
                description=description,
                source=Source.PUBLIC_SIGN,
                region=sign.region,
                lat=sign.lat,
                lon=sign.lon,
                address=sign.name,
                contact=contact or "",
                attributes={k: v for k, v in (attributes or {}).items() if v not in ("", [])},
                photos=list(uploads),
                handling_unit=sign.receiving_unit,
            ),
            actor=f"public:sign:{sign.code}",
        )
    return matter


def public_note(matter: Matter, events=None) -> str:
    """The note public channels show for the matter's state: the newest note for the
    reporter that staff wrote (only steps into a final state take one, so it always speaks
    for the current state), or the fixed text of the state. Never an internal note, a
    reason or a mediation agreement. `events`: the matter's events with a public note, if
    fetched already."""
    if events is None:
        events = matter.events.exclude(public_note="")
    notes = [e.public_note for e in events if e.public_note]
    return notes[-1] if notes else str(FIXED_NOTES[State(matter.state)])


def public_events():
    """For prefetching, with `to_attr`, the events public_note() needs."""
    return MatterEvent.objects.exclude(public_note="").order_by("created_at", "id")


@dataclasses.dataclass
class PublicView:
    """What the receipt page shows. For a sensitive category's matter only the receipt,
    the day it came in and whether it is still being handled; no category, no steps."""

    receipt: str
    received: datetime.datetime
    status: str  # the state's name, or for a sensitive matter "being handled" / "ended"
    note: str
    category: str = ""
    steps: list = dataclasses.field(default_factory=list)


def public_view(matter: Matter) -> PublicView:
    if matter.category.sensitive:
        return PublicView(
            receipt=matter.receipt,
            received=matter.created_at,
            status=str(
                _("Received; being handled.")
                if matter.state in OPEN_STATES
                else _("Handling has ended.")
            ),
            note="",
        )
    events = list(matter.events.all())  # one query for the note and the steps
    return PublicView(
        receipt=matter.receipt,
        received=matter.created_at,
        status=matter.get_state_display(),
        note=public_note(matter, events),
        category=matter.category.label,
        steps=public_progress(events),
    )


def public_progress(events) -> list[dict]:
    """The steps a reporter may see among a matter's `events`: the state the matter reached
    and when (the report's from-state is empty, so it counts). Steps that do not change the
    state (extensions, mediation sessions, escalations) are internal."""
    return [
        {"state": e.to_state_label, "at": e.created_at}
        for e in events
        if e.to_state != e.from_state
    ]
