"""Public intake by QR sign: signs, the no-account report page behind each, rate limits,
and the receipt a reporter follows progress with."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit, ratelimit
from gridgov.core.actions import check_write
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction
from gridgov.regions.models import Level, Region

from . import actions
from .models import Category, Matter, Sign, Source


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
    if not categories or any(not c.public for c in categories):
        raise Invalid(_("Choose categories the public may report."))
    if not (code or "").strip() or not (name or "").strip():
        raise Invalid(_("Name and code are required."))
    with transaction.atomic():
        if Sign.objects.filter(code=code).exists():
            raise Invalid(_("Code %(code)s is already used.") % {"code": code})
        sign = Sign.objects.create(
            code=code.strip(),
            name=name.strip(),
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
    if category not in sign.categories.all():
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
            ),
            actor=f"public:sign:{sign.code}",
        )
        Matter.objects.filter(pk=matter.pk).update(handling_unit=sign.receiving_unit)
    return Matter.objects.get(pk=matter.pk)


def public_progress(matter: Matter) -> list[dict]:
    """The steps a reporter may see: what happened and when, nothing personal."""
    return [
        {"label": e.transition_label, "state": e.to_state_label, "at": e.created_at}
        for e in matter.events.all()
    ]
