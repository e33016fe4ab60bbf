"""JSON API for matters: the same worklist, actions and scoping as the pages."""

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gridgov.api.paging import page_of
from gridgov.core.errors import Invalid
from gridgov.core.idempotency import run_once
from gridgov.core.parsing import Count, Day, Id, Lat, Lon, text_of
from gridgov.core.scoping import get_visible
from gridgov.core.validators import check_period
from gridgov.people.models import Unit
from gridgov.regions.models import Region

from . import actions, workflow
from .models import Category, Matter
from .views import worklist_queryset

router = Router(tags=["matters"])


class MatterIn(Schema):
    category: text_of(32)
    description: text_of(5000)
    place: text_of(24) | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    address: text_of(200) = ""
    priority: Annotated[int, Field(ge=1, le=4)] = 2
    attributes: dict = {}


class MatterOut(Schema):
    code: str
    category: str
    state: str
    source: str
    place: str
    lat: float | None
    lon: float | None
    description: str
    attributes: dict
    priority: int
    deadline: datetime.datetime | None
    overdue: bool
    handling_unit: str | None
    version: int
    allowed: list[str]
    created_at: datetime.datetime


class MatterPage(Schema):
    count: int
    items: list[MatterOut]


class TransitionIn(Schema):
    version: Count | None = None
    note: text_of(2000) = ""
    reason: text_of(2000) = ""
    # for the reporter, shown publicly (reject, merge, close)
    public_note: text_of(workflow.PUBLIC_NOTE_MAX) = ""
    unit_id: Id | None = None
    until: Day | None = None
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    duplicate_of: text_of(24) | None = None
    priority: Annotated[int, Field(ge=1, le=4)] | None = None


def matter_out(m: Matter, user) -> dict:
    return {
        "code": m.code,
        "category": m.category.code,
        "state": m.state,
        "source": m.source,
        "place": m.region.code,
        "lat": m.lat,
        "lon": m.lon,
        "description": m.description,
        "attributes": m.attributes,
        "priority": m.priority,
        "deadline": m.deadline,
        "overdue": m.is_overdue,
        "handling_unit": m.handling_unit.name if m.handling_unit else None,
        "version": m.version,
        "allowed": [t.name for t in workflow.allowed(user, m)],
        "created_at": m.created_at,
    }


def _fetch(user, code):
    return get_visible(
        Matter.objects.select_related("category", "region", "handling_unit"), user, code=code
    )


@router.get("/matters", response=MatterPage)
def list_matters(
    request,
    mine: bool = False,
    state: str = "",
    category: str = "",
    grid: str = "",
    limit: int = 50,
    offset: int = 0,
):
    qs = worklist_queryset(
        request.user, {"mine": mine, "state": state, "category": category, "grid": grid}
    )
    return page_of(qs, limit, offset, lambda m: matter_out(m, request.user))


@router.get("/matters/{code}", response=MatterOut)
def get_matter(request, code: str):
    return matter_out(_fetch(request.user, code), request.user)


@router.post("/matters", response={201: MatterOut, 200: MatterOut})
def report(request, payload: MatterIn):
    """Reports a matter. Send an `Idempotency-Key` header to make retries safe."""

    def create():
        category = Category.objects.filter(code=payload.category, active=True).first()
        if category is None:
            raise Invalid(
                _("Unknown category."),
                errors=[{"field": "category", "message": _("Unknown category.")}],
            )
        region = (
            get_visible(Region.objects, request.user, code=payload.place) if payload.place else None
        )
        m = actions.report_matter(
            actions.MatterInput(
                category=category,
                description=payload.description,
                source=actions.source_for(request.user),
                region=region,
                lat=payload.lat,
                lon=payload.lon,
                address=payload.address,
                attributes=payload.attributes,
                priority=payload.priority,
            ),
            actor=request.user,
        )
        return 201, matter_out(Matter.objects.get(pk=m.pk), request.user)

    return run_once(
        f"user:{request.user.pk}", request.headers.get("Idempotency-Key"), request.body, create
    )


@router.post("/matters/{code}/transitions/{name}", response=MatterOut)
def act(request, code: str, name: str, payload: TransitionIn):
    """Moves a matter on. `version` is the version you saw; if someone else changed the
    matter since, the answer is 409."""
    m = _fetch(request.user, code)
    fields = {
        k: v
        for k, v in {
            "note": payload.note,
            "reason": payload.reason,
            "public_note": payload.public_note,
            "until": payload.until,
            "rating": payload.rating,
            "priority": payload.priority,
        }.items()
        if v not in (None, "")
    }
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise Invalid(_("No such unit."))
        fields["unit"] = unit
    if payload.duplicate_of:
        fields["duplicate_of"] = _fetch(request.user, payload.duplicate_of)
    m = workflow.transition(m, name, actor=request.user, version=payload.version, **fields)
    return matter_out(_fetch(request.user, code), request.user)


class MatterKpiOut(Schema):
    label: str
    registered: int
    due: int
    handled: int
    on_time: int
    late: int
    overdue_open: int
    closed: int
    closed_on_time: int
    reworked: int
    closure_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    extension_rate: float | None
    average_handling_hours: float | None


@router.get("/matters-kpis", response=list[MatterKpiOut])
def matter_kpis(request, start: datetime.date, end: datetime.date, by: str = "total"):
    """Key figures for matters registered from `start` to `end` (inclusive), as they stood
    at the end; `by` is total, unit or region. Formulas: docs/matters.md."""
    from . import calendar, kpis

    check_period(start, end)
    if by not in ("total", "unit", "region"):
        raise Invalid(_("by is total, unit or region."))
    rows = kpis.compute(
        Matter.objects.visible_to(request.user),
        calendar.end_of_day(start - datetime.timedelta(days=1)),
        calendar.end_of_day(end),
        by=by,
    )
    return [r.as_dict() for r in rows]
