"""JSON API for visits and patrols: the same actions and scoping as the pages."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gridgov.accounts import roles
from gridgov.api.paging import page_of
from gridgov.core.errors import Invalid, NotFound
from gridgov.core.idempotency import run_once
from gridgov.core.parsing import Id, Lat, Lon, text_of
from gridgov.core.scoping import get_visible
from gridgov.matters.models import Category, Matter
from gridgov.people.models import Household
from gridgov.regions.models import Region

from . import actions, queries
from .models import Need, Patrol, Visit

router = Router(tags=["visits and patrols"])


def _reader(request, kind: str):
    if not roles.read_paths(request.user, kind):
        raise PermissionDenied(_("Your role does not see visits or patrols."))
    return request.user


def _category(code: str | None, field: str) -> Category | None:
    if not code:
        return None
    found = Category.objects.filter(code=code, active=True).first()
    if found is None:
        raise Invalid(
            _("Unknown category."), errors=[{"field": field, "message": _("Unknown category.")}]
        )
    return found


# --- visits ---------------------------------------------------------------------------


class NeedIn(Schema):
    description: text_of(500)
    category: text_of(32) | None = None


class VisitIn(Schema):
    household_id: Id
    visited_at: datetime.datetime | None = None
    met: Annotated[list[Id], Field(max_length=50)] = []
    nobody_home: bool = False
    notes: text_of(2000) = ""
    needs: Annotated[list[NeedIn], Field(max_length=actions.NEEDS_MAX)] = []


class NeedOut(Schema):
    id: int
    description: str
    category: str | None
    matter: str | None


class VisitOut(Schema):
    id: int
    household_id: int
    household: str
    place: str
    visited_at: datetime.datetime
    worker: str | None
    nobody_home: bool
    met: list[int]
    notes: str
    needs: list[NeedOut]


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


def visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "household": str(v.household),
        "place": v.region.code,
        "visited_at": v.visited_at,
        "worker": v.worker.get_username() if v.worker else None,
        "nobody_home": v.nobody_home,
        "met": sorted(r.pk for r in v.met.all()),
        "notes": v.notes,
        "needs": [
            {
                "id": n.pk,
                "description": n.description,
                "category": n.category.code if n.category else None,
                "matter": n.matter.code if n.matter else None,
            }
            for n in v.needs.all()
        ],
    }


def _visits(user):
    return (
        Visit.objects.visible_to(user)
        .select_related("household", "region", "worker")
        .prefetch_related("met", "needs__category", "needs__matter")
    )


@router.get("/visits", response=VisitPage)
def list_visits(
    request,
    grid: str = "",
    household_id: Id | None = None,
    mine: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    """Visits in your scope, newest first; `grid` is a grid code."""
    user = _reader(request, "visit")
    qs = _visits(user)
    if grid:
        qs = qs.under_code(grid)
    if household_id:
        qs = qs.filter(household_id=household_id)
    if mine:
        qs = qs.filter(worker=user)
    return page_of(qs, limit, offset, visit_out)


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: Id):
    return visit_out(get_visible(_visits(_reader(request, "visit")), request.user, pk=visit_id))


@router.post("/visits", response={201: VisitOut, 200: VisitOut})
def record_visit(request, payload: VisitIn):
    """Records a household visit: whom you met (residents of the household) or
    `nobody_home`, notes, and the needs found (each may name a matter category). A phone
    syncing visits made offline sends `visited_at` and an `Idempotency-Key` header, so a
    retry records nothing twice."""

    def create():
        household = get_visible(Household.objects, request.user, pk=payload.household_id)
        visit = actions.record_visit(
            household,
            actor=request.user,
            visited_at=payload.visited_at,
            met=payload.met,
            nobody_home=payload.nobody_home,
            notes=payload.notes,
            needs=[
                actions.NeedInput(n.description, _category(n.category, f"needs.{i}.category"))
                for i, n in enumerate(payload.needs)
            ],
        )
        return 201, visit_out(_visits(request.user).get(pk=visit.pk))

    return run_once(
        f"user:{request.user.pk}", request.headers.get("Idempotency-Key"), request.body, create
    )


class NeedReportIn(Schema):
    category: text_of(32) | None = None
    attributes: dict = {}
    priority: Annotated[int, Field(ge=1, le=4)] = 2


class NeedReportOut(Schema):
    visit_id: Id
    need_id: Id
    matter: str
    state: str
    deadline: datetime.datetime | None


@router.post("/visits/{visit_id}/needs/{need_id}/matter", response={201: NeedReportOut})
def report_need(request, visit_id: Id, need_id: Id, payload: NeedReportIn):
    """Reports a need found on a visit as a matter (through the matters' reporting): the
    need's own category unless `category` names another. A need is reported once (409)."""
    visit = get_visible(Visit.objects, request.user, pk=visit_id)
    need = Need.objects.filter(visit=visit, pk=need_id).select_related("matter").first()
    if need is None:
        raise NotFound(_("Not found."))
    matter = actions.report_need(
        need,
        actor=request.user,
        category=_category(payload.category, "category"),
        attributes=payload.attributes,
        priority=payload.priority,
    )
    matter = Matter.objects.get(pk=matter.pk)
    return 201, {
        "visit_id": visit.pk,
        "need_id": need.pk,
        "matter": matter.code,
        "state": matter.state,
        "deadline": matter.deadline,
    }


class DueOut(Schema):
    household_id: int
    household: str
    place: str
    state: str
    every_days: int
    last_visit: datetime.datetime | None
    due_on: datetime.date | None


@router.get("/visits-due", response=list[DueOut])
def visits_due(request, state: str = ""):
    """Households due (`due`) or overdue (`overdue`) a visit in your scope, longest waiting
    first: a member is in a special group visited every N days and N days have passed."""
    user = _reader(request, "visit")
    if state not in ("", queries.OVERDUE, queries.DUE):
        raise Invalid(_("state is due or overdue."))
    today = timezone.localdate()
    return [
        {
            "household_id": d.household.pk,
            "household": str(d.household),
            "place": d.household.region.code,
            "state": d.state(today),
            "every_days": d.every,
            "last_visit": d.last_visit,
            "due_on": d.due_on,
        }
        for d in queries.due_households(user, state=state, today=today)
    ]


# --- patrols --------------------------------------------------------------------------


class PatrolIn(Schema):
    grid: text_of(24)


class PointIn(Schema):
    lat: Lat
    lon: Lon
    at: datetime.datetime | None = None
    accuracy: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] | None = None


class PointsIn(Schema):
    points: Annotated[list[PointIn], Field(min_length=1, max_length=actions.POINTS_MAX)]


class PointsOut(Schema):
    added: int
    points: int
    outside: int


class EndIn(Schema):
    notes: text_of(2000) = ""


class LinkIn(Schema):
    code: text_of(24)


class PatrolOut(Schema):
    id: int
    grid: str
    worker: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    open: bool
    distance_m: int
    points: int
    outside: int
    matters: list[str]


class PatrolPage(Schema):
    count: int
    items: list[PatrolOut]


def patrol_out(p: Patrol, user, *, matters: bool = True) -> dict:
    return {
        "id": p.pk,
        "grid": p.region.code,
        "worker": p.worker.get_username(),
        "started_at": p.started_at,
        "ended_at": p.ended_at,
        "open": p.is_open,
        "distance_m": p.distance_m,
        "points": p.points_count,
        "outside": p.points_outside,
        "matters": [m.code for m in p.matters_on_the_way(user)] if matters else [],
    }


def _patrols(user):
    return Patrol.objects.visible_to(user).select_related("region__grid", "worker")


@router.get("/patrols", response=PatrolPage)
def list_patrols(
    request,
    grid: str = "",
    mine: bool = False,
    open: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    """Patrols in your scope, newest first (`matters` is filled on a single patrol)."""
    user = _reader(request, "patrol")
    qs = _patrols(user)
    if grid:
        qs = qs.under_code(grid)
    if mine:
        qs = qs.filter(worker=user)
    if open:
        qs = qs.open()
    return page_of(qs, limit, offset, lambda p: patrol_out(p, user, matters=False))


@router.get("/patrols/{patrol_id}", response=PatrolOut)
def get_patrol(request, patrol_id: Id):
    user = _reader(request, "patrol")
    return patrol_out(get_visible(_patrols(user), user, pk=patrol_id), user)


@router.post("/patrols", response={201: PatrolOut})
def start_patrol(request, payload: PatrolIn):
    """Starts your patrol of a grid; 409 while another of yours is under way."""
    grid = get_visible(Region.objects, request.user, code=payload.grid)
    patrol = actions.start_patrol(grid, actor=request.user)
    return 201, patrol_out(_patrols(request.user).get(pk=patrol.pk), request.user)


@router.post("/patrols/{patrol_id}/points", response=PointsOut)
def add_points(request, patrol_id: Id, payload: PointsIn):
    """Adds points of your open patrol's track (`at` defaults to now). A point sent again
    (the same `at`) is not added twice, so a phone may resend its backlog."""
    patrol = get_visible(_patrols(request.user), request.user, pk=patrol_id)
    added = actions.add_points(
        patrol,
        [actions.PointInput(p.lat, p.lon, p.at, p.accuracy) for p in payload.points],
        actor=request.user,
    )
    return {"added": added, "points": patrol.points_count, "outside": patrol.points_outside}


@router.post("/patrols/{patrol_id}/end", response=PatrolOut)
def end_patrol(request, patrol_id: Id, payload: EndIn):
    patrol = get_visible(_patrols(request.user), request.user, pk=patrol_id)
    patrol = actions.end_patrol(patrol, actor=request.user, notes=payload.notes)
    return patrol_out(_patrols(request.user).get(pk=patrol.pk), request.user)


@router.post("/patrols/{patrol_id}/matters", response=PatrolOut)
def link_matter(request, patrol_id: Id, payload: LinkIn):
    """Links a matter of the patrol's grid (by code) to your patrol."""
    patrol = get_visible(_patrols(request.user), request.user, pk=patrol_id)
    matter = get_visible(Matter.objects, request.user, code=payload.code)
    actions.link_matter(patrol, matter, actor=request.user)
    return patrol_out(patrol, request.user)
