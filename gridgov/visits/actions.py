"""Recording household visits and grid patrols. Every change checks permission
(roles.WRITE["visit"] / ["patrol"] in the actor's scope), validates, saves and records its
audit entry in one transaction."""

from __future__ import annotations

import dataclasses
import datetime
import math

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point
from shapely.prepared import prep

from gridgov.accounts import roles
from gridgov.core import audit, parsing
from gridgov.core.actions import check_admin, check_write, is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.core.models import AuditAction
from gridgov.matters.models import Category, Priority
from gridgov.people.models import Household, Resident, SpecialGroup
from gridgov.regions.geo import geometry_from_geojson
from gridgov.regions.models import Level, Region

from .models import Need, Patrol, PatrolPoint, Visit

NEEDS_MAX = 10
POINTS_MAX = 500  # in one post; the page sends every 30 s, an offline phone its backlog
# A visit may be written up later (no network in the stairwell, a paper note), within a
# month; the clock of a phone may run a little ahead of the server's.
RECORD_BACK = datetime.timedelta(days=31)
CLOCK_SKEW = datetime.timedelta(minutes=5)
PATROL_MAX = datetime.timedelta(hours=16)


def _fail(field: str, message: str):
    raise Invalid(message, errors=[{"field": field, "message": message}])


def _moment(value, field: str, *, earliest: datetime.datetime | None = None):
    now = timezone.now()
    if value is None or value == "":
        return now
    at = value if isinstance(value, datetime.datetime) else parsing.moment(value, field)
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        _fail(field, _("This time is in the future."))
    if at < (earliest or now - RECORD_BACK):
        if earliest is None:
            _fail(field, _("A visit can be recorded up to 31 days after it took place."))
        _fail(field, _("This time is before the patrol started."))
    return at


# --- visits ---------------------------------------------------------------------------


@dataclasses.dataclass
class NeedInput:
    description: str
    category: Category | None = None


@dataclasses.dataclass
class VisitInput:
    household: Household
    visited_at: datetime.datetime | str | None = None
    met: list = dataclasses.field(default_factory=list)  # Residents or their ids
    nobody_home: bool = False
    notes: str = ""
    needs: list[NeedInput] = dataclasses.field(default_factory=list)
    worker: object = None  # for the system (the demo): whose visit it was


def _clean_visit(data: VisitInput, actor, members: dict[int, Resident]):
    household = data.household
    check_write(actor, "visit", household.region_path, read_kind="visit")
    if is_user(actor) or not isinstance(data.visited_at, datetime.datetime):
        at = _moment(data.visited_at, "visited_at")
    else:  # the system may load an older history (the demo's month)
        at = data.visited_at
    notes = parsing.text(data.notes, "notes", max_length=2000, multiline=True)
    ids = {m.pk if isinstance(m, Resident) else m for m in data.met}
    people = [members[i] for i in sorted(ids) if i in members]
    if len(people) != len(ids):
        _fail("met", _("Choose people of this household only."))
    if data.nobody_home and people:
        _fail("met", _("Either nobody was home or you met someone, not both."))
    if not data.nobody_home and not people:
        _fail("met", _("Say whom you met, or that nobody was home."))
    needs = [n for n in data.needs if (n.description or "").strip() or n.category]
    if len(needs) > NEEDS_MAX:
        _fail("needs", _("At most %(n)d needs on one visit.") % {"n": NEEDS_MAX})
    clean_needs = []
    for i, n in enumerate(needs):
        text = parsing.text(n.description, f"needs.{i}.description", max_length=500)
        if not text:
            _fail(f"needs.{i}.description", _("Describe the need."))
        if n.category is not None and not n.category.active:
            _fail(f"needs.{i}.category", _("This category is no longer in use."))
        clean_needs.append(Need(description=text, category=n.category))
    worker = actor if is_user(actor) else data.worker
    visit = Visit(
        household=household,
        region_id=household.region_id,
        region_path=household.region_path,
        worker=worker,
        visited_at=at,
        nobody_home=data.nobody_home,
        notes=notes,
    )
    return visit, people, clean_needs


def record_visits(items: list[VisitInput], *, actor) -> list[Visit]:
    """Records calls at households, all or none. Grid workers record in their grid,
    household liaisons in their building; the system (the demo, an import) anywhere and
    for a named `worker`. `met` are residents of the household (or `nobody_home`); each
    need found is kept to be reported as a matter (`report_need`)."""
    ids = {d.household.pk for d in items}
    members: dict[int, dict[int, Resident]] = {h: {} for h in ids}
    for r in Resident.objects.filter(household_id__in=ids):
        members[r.household_id][r.pk] = r
    cleaned = [_clean_visit(d, actor, members[d.household.pk]) for d in items]
    with transaction.atomic():
        visits = Visit.objects.bulk_create([v for v, _p, _n in cleaned], batch_size=500)
        Met = Visit.met.through
        Met.objects.bulk_create(
            [Met(visit_id=v.pk, resident_id=p.pk) for v, people, _n in cleaned for p in people],
            batch_size=1000,
        )
        needs = []
        for v, _p, clean_needs in cleaned:
            for need in clean_needs:
                need.visit = v
                needs.append(need)
        Need.objects.bulk_create(needs, batch_size=1000)
        audit.record_many(
            [
                audit.Change(
                    AuditAction.VISIT_RECORDED,
                    obj=v,
                    after={
                        **audit.snapshot(v),
                        "met": [p.pk for p in people],
                        "needs": [n.description for n in clean_needs],
                    },
                )
                for v, people, clean_needs in cleaned
            ],
            actor=actor,
        )
    return visits


def record_visit(household: Household, *, actor, **fields) -> Visit:
    """One visit (see `record_visits`): visited_at, met, nobody_home, notes, needs."""
    return record_visits([VisitInput(household, **fields)], actor=actor)[0]


def report_need(
    need: Need,
    *,
    actor,
    category: Category | None = None,
    attributes: dict | None = None,
    priority: int = Priority.NORMAL,
) -> object:
    """Reports a need found on a visit as a matter, through the matters' own reporting
    action (so it gets its code, deadline, hand-off and audit like any report), at the
    household's place; the need keeps the matter, which links back to the visit. Whoever
    may record visits there may do this, once per need."""
    from gridgov.matters.actions import MatterInput, report_matter, source_for

    visit = need.visit
    check_write(actor, "visit", visit.region_path, read_kind="visit")
    if need.matter_id:
        raise Conflict(
            _("This need is already reported as matter %(code)s.") % {"code": need.matter.code}
        )
    category = category or need.category
    if category is None:
        _fail("category", _("Choose a category."))
    household = visit.household
    description = _("Found on a household visit (%(household)s, %(day)s): %(need)s") % {
        "household": household,
        "day": timezone.localtime(visit.visited_at).date().isoformat(),
        "need": need.description,
    }
    with transaction.atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if locked.matter_id:
            raise Conflict(_("This need is already reported."))
        matter = report_matter(
            MatterInput(
                category=category,
                description=description,
                source=source_for(actor) if is_user(actor) else "grid_worker",
                region=visit.region,
                address=household.address or household.number,
                attributes=attributes or {},
                priority=priority,
            ),
            actor=actor,
        )
        locked.matter = matter
        locked.category = category
        locked.save(update_fields=["matter", "category"])
        audit.record(
            AuditAction.VISIT_NEED_REPORTED,
            actor=actor,
            obj=visit,
            after={"need": locked.pk, "description": locked.description, "matter": matter.code},
        )
    need.matter, need.category = matter, category
    return matter


def set_visit_frequency(group: SpecialGroup, days, *, actor) -> SpecialGroup:
    """A system administrator sets how often households with a member in `group` are
    visited (days, or None for no schedule)."""
    check_admin(actor)
    if days in (None, ""):
        days = None
    else:
        days = parsing.integer(days, "days", minimum=1, maximum=366)
    with transaction.atomic():
        before = {"visit_every_days": group.visit_every_days}
        group.visit_every_days = days
        group.save(update_fields=["visit_every_days"])
        audit.record(
            AuditAction.VISIT_FREQUENCY_SET,
            actor=actor,
            obj=group,
            before=before,
            after={"code": group.code, "visit_every_days": days},
        )
    return group


# --- patrols --------------------------------------------------------------------------


@dataclasses.dataclass
class PointInput:
    lat: float
    lon: float
    at: datetime.datetime | str | None = None
    accuracy: float | None = None


def _grid_of(region: Region) -> Region:
    if region.level != Level.GRID:
        _fail("grid", _("Choose a grid."))
    return region


def _walker(patrol: Patrol, actor) -> None:
    check_write(actor, "patrol", patrol.region_path, read_kind="patrol")
    if is_user(actor) and patrol.worker_id != actor.pk:
        raise Forbidden(_("Only the person on the patrol may change it."))


def start_patrol(grid: Region, *, actor, at=None) -> Patrol:
    """The actor starts walking `grid` (grid workers and grid police, in their grid). One
    patrol at a time per person: another while one is open is a Conflict (409)."""
    if not is_user(actor):
        raise Invalid(_("A patrol is walked by a person."))
    _grid_of(grid)
    check_write(actor, "patrol", grid.path, read_kind="patrol")
    started = _moment(at, "started_at")
    running = Patrol.objects.open().filter(worker=actor).first()
    if running is not None:
        raise Conflict(_("You already have a patrol under way; end it first."))
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                region=grid, region_path=grid.path, worker=actor, started_at=started
            )
            audit.record(
                AuditAction.PATROL_STARTED, actor=actor, obj=patrol, after=audit.snapshot(patrol)
            )
    except IntegrityError:  # a second tab started one at the same moment
        raise Conflict(_("You already have a patrol under way; end it first.")) from None
    return patrol


def _clean_points(patrol: Patrol, points, earliest, latest) -> list[PatrolPoint]:
    if not points:
        _fail("points", _("Send at least one point."))
    if len(points) > POINTS_MAX:
        _fail("points", _("At most %(n)d points at a time.") % {"n": POINTS_MAX})
    polygon = prep(geometry_from_geojson(patrol.region.grid.polygon))
    out = []
    for i, p in enumerate(points):
        lat = parsing.latitude(p.lat, f"points.{i}.lat")
        lon = parsing.longitude(p.lon, f"points.{i}.lon")
        at = _moment(p.at, f"points.{i}.at", earliest=earliest - CLOCK_SKEW)
        if latest is not None and at > latest + CLOCK_SKEW:
            _fail(f"points.{i}.at", _("This time is after the patrol ended."))
        accuracy = None
        if p.accuracy not in (None, ""):
            accuracy = parsing.decimal(p.accuracy, f"points.{i}.accuracy", minimum=0, maximum=1e6)
        out.append(
            PatrolPoint(
                patrol=patrol,
                at=at,
                lat=float(lat),
                lon=float(lon),
                accuracy_m=float(accuracy) if accuracy is not None else None,
                inside=polygon.contains(Point(float(lon), float(lat))),
            )
        )
    return out


def add_points(patrol: Patrol, points: list[PointInput], *, actor) -> int:
    """Adds where the walker's phone was to their open patrol; returns how many were new.
    A point already sent (the same time) is not added again, so a phone may resend its
    backlog after losing the network. Points outside the grid are kept, marked."""
    _walker(patrol, actor)
    if not patrol.is_open:
        raise Conflict(_("This patrol has ended."))
    clean = _clean_points(patrol, points, patrol.started_at, None)
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if not locked.is_open:
            raise Conflict(_("This patrol has ended."))
        # only the times being sent are looked up: a long walk has thousands of points
        known = set(locked.points.filter(at__in={p.at for p in clean}).values_list("at", flat=True))
        fresh, seen = [], set()
        for p in sorted(clean, key=lambda p: p.at):
            if p.at not in known and p.at not in seen:
                seen.add(p.at)
                fresh.append(p)
        if not fresh:
            return 0
        PatrolPoint.objects.bulk_create(fresh)
        outside = sum(1 for p in fresh if not p.inside)
        locked.points_count += len(fresh)
        locked.points_outside += outside
        locked.save(update_fields=["points_count", "points_outside"])
        audit.record(
            AuditAction.PATROL_POINTS_ADDED,
            actor=actor,
            obj=locked,
            after={
                "added": len(fresh),
                "outside": outside,
                "first": fresh[0].at,
                "last": fresh[-1].at,
            },
        )
    patrol.points_count, patrol.points_outside = locked.points_count, locked.points_outside
    return len(fresh)


def track_length_m(points) -> int:
    """Metres along the points in order (equirectangular: ample within a grid)."""
    total = 0.0
    prev = None
    for p in points:
        if prev is not None:
            kx = math.cos(math.radians((p.lat + prev.lat) / 2))
            dx = (p.lon - prev.lon) * 111_320.0 * kx
            dy = (p.lat - prev.lat) * 110_574.0
            total += math.hypot(dx, dy)
        prev = p
    return round(total)


def end_patrol(patrol: Patrol, *, actor, at=None, notes: str = "") -> Patrol:
    """The walker ends their open patrol; its length is measured from the track."""
    _walker(patrol, actor)
    notes = parsing.text(notes, "notes", max_length=2000, multiline=True)
    ended = _moment(at, "ended_at", earliest=patrol.started_at)
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if not locked.is_open:
            raise Conflict(_("This patrol has already ended."))
        locked.ended_at = ended
        locked.notes = notes or locked.notes
        locked.distance_m = track_length_m(locked.points.all())
        locked.save(update_fields=["ended_at", "notes", "distance_m"])
        audit.record(
            AuditAction.PATROL_ENDED,
            actor=actor,
            obj=locked,
            after={
                "ended_at": ended,
                "distance_m": locked.distance_m,
                "points": locked.points_count,
                "outside": locked.points_outside,
            },
        )
    return locked


def link_matter(patrol: Patrol, matter, *, actor) -> bool:
    """Links a matter of the patrol's grid to the patrol by hand (one reported by someone
    else, or before the walk, that the walker dealt with on the way). The walker only;
    the matter must be one the walker sees. Returns False when it was linked already."""
    _walker(patrol, actor)
    if not matter.region_path.startswith(patrol.region_path):
        _fail("code", _("That matter is not in this patrol's grid."))
    with transaction.atomic():
        if patrol.matters.filter(pk=matter.pk).exists():
            return False
        patrol.matters.add(matter)
        audit.record(
            AuditAction.PATROL_MATTER_LINKED,
            actor=actor,
            obj=patrol,
            after={"matter": matter.code},
        )
    return True


def record_patrol(
    grid: Region, *, worker, started_at, ended_at, points: list[PointInput], actor, notes=""
) -> Patrol:
    """Records a whole finished walk at once: a phone that was offline all along sends it
    when back on the network (the walker themself), or the system loads it (the demo)."""
    _grid_of(grid)
    check_write(actor, "patrol", grid.path, read_kind="patrol")
    if is_user(actor) and actor.pk != worker.pk:
        raise Forbidden(_("Only the person on the patrol may record it."))
    if not roles.can_write(worker, "patrol", grid.path):
        _fail("worker", _("This person does not patrol this grid."))
    notes = parsing.text(notes, "notes", max_length=2000, multiline=True)
    start = started_at if isinstance(started_at, datetime.datetime) else parsing.moment(started_at)
    end = ended_at if isinstance(ended_at, datetime.datetime) else parsing.moment(ended_at)
    if not start < end <= timezone.now() + CLOCK_SKEW or end - start > PATROL_MAX:
        _fail("ended_at", _("A patrol ends after it starts, within 16 hours, not in the future."))
    patrol = Patrol(region=grid, region_path=grid.path, worker=worker, started_at=start)
    clean = sorted(_clean_points(patrol, points, start, end), key=lambda p: p.at)
    with transaction.atomic():
        patrol.ended_at = end
        patrol.notes = notes
        patrol.points_count = len(clean)
        patrol.points_outside = sum(1 for p in clean if not p.inside)
        patrol.distance_m = track_length_m(clean)
        patrol.save()
        PatrolPoint.objects.bulk_create(clean)
        audit.record(
            AuditAction.PATROL_RECORDED, actor=actor, obj=patrol, after=audit.snapshot(patrol)
        )
    return patrol
