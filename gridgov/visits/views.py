"""Pages for visits and patrols: thin — they read with visible_to and call the actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.core import parsing
from gridgov.core.errors import ActionError, Invalid
from gridgov.core.scoping import get_visible, within
from gridgov.core.views import chosen, paginate, role_required
from gridgov.matters.models import Category, Matter
from gridgov.people.models import Household
from gridgov.regions import geo
from gridgov.regions.geo import geometry_from_geojson, svg_path
from gridgov.regions.models import Level, Region

from . import actions, queries
from .forms import NeedReportForm, VisitForm
from .models import Need, Patrol, PatrolPoint, Visit


def _require_read(user, kind: str) -> None:
    if not roles.read_paths(user, kind):
        raise PermissionDenied(_("Your role does not see visits or patrols."))


def _grids(user, kind: str, *, write: bool = False):
    """The grids the user reads (or writes) `kind` in, for choosing from a list."""
    paths = (roles.write_paths if write else roles.read_paths)(user, kind)
    if not paths:
        return Region.objects.none()
    return Region.objects.filter(level=Level.GRID).filter(within("path", paths)).order_by("code")


def _narrow(request, qs, kind: str):
    """The list filters every visit and patrol list shares: grid (from a list), mine, since."""
    grid = request.GET.get("grid", "")
    if grid:
        path = _grids(request.user, kind).filter(code=grid).values_list("path", flat=True).first()
        qs = qs.under(path) if path else qs.none()
    if request.GET.get("mine"):
        qs = qs.filter(worker=request.user)
    since = request.GET.get("since", "")
    if since:
        try:
            day = parsing.day(since, "since")
        except Invalid:
            day = None
        field = "visited_at" if kind == "visit" else "started_at"
        qs = qs.filter(**{f"{field}__date__gte": day}) if day else qs.none()
    return qs


def _form_errors(form, exc: ActionError, mapping=None) -> None:
    for e in exc.errors or [{"field": None, "message": exc.message}]:
        field = (mapping or {}).get(e.get("field"), e.get("field"))
        form.add_error(field if field in form.fields else None, e["message"])


# --- visits ---------------------------------------------------------------------------


@role_required
def visit_list(request):
    _require_read(request.user, "visit")
    qs = _narrow(
        request,
        Visit.objects.visible_to(request.user).select_related("household", "worker", "region"),
        "visit",
    ).prefetch_related("met", "needs")
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": paginate(request, qs),
            "grids": _grids(request.user, "visit"),
            "can_visit": bool(roles.write_paths(request.user, "visit")),
        },
    )


@role_required
def due_list(request):
    """The households due or overdue a visit: exactly the rows the home panel counts."""
    _require_read(request.user, "visit")
    state = request.GET.get("state", "")
    if state not in ("", queries.OVERDUE, queries.DUE):
        state = ""
    today = timezone.localdate()
    items = queries.due_households(request.user, state=state, today=today)
    for item in items:
        item.tone = item.state(today)
        item.late = item.days_late(today)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/due_list.html",
        {
            "page": page,
            "state": state,
            "can_visit": bool(roles.write_paths(request.user, "visit")),
        },
    )


def _visitable(user):
    paths = roles.write_paths(user, "visit")
    if not paths:
        raise PermissionDenied(_("Your role does not record visits."))
    return Household.objects.visible_to(user).filter(within("region_path", paths))


@role_required
def new_visit(request):
    households = _visitable(request.user)
    raw = request.POST.get("household") or request.GET.get("household")
    if not raw:
        q = request.GET.get("q", "").strip()[:50]
        found = []
        if q:
            found = households.filter(Q(address__icontains=q) | Q(number__icontains=q))
            found = found.select_related("region").order_by("region_path", "number")[:30]
        today = timezone.localdate()
        due = queries.due_households(request.user, today=today)[:20]
        for item in due:
            item.tone = item.state(today)
        return render(request, "visits/pick_household.html", {"q": q, "found": found, "due": due})
    household = chosen(households.select_related("region"), raw, _("No such household here."))
    form = VisitForm(
        request.POST or None,
        household=household,
        initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rows = [(i, desc, cat) for i, (desc, cat) in enumerate(form.needs()) if desc or cat]
        mapping = {f"needs.{k}.description": f"need_{i}" for k, (i, _d, _c) in enumerate(rows)}
        mapping |= {
            f"needs.{k}.category": f"need_{i}_category" for k, (i, _d, _c) in enumerate(rows)
        }
        try:
            visit = actions.record_visit(
                household,
                actor=request.user,
                visited_at=d["visited_at"],
                met=form.met_residents(),
                nobody_home=d["nobody_home"],
                notes=d["notes"],
                needs=[actions.NeedInput(desc, cat) for _i, desc, cat in rows],
            )
        except ActionError as exc:
            _form_errors(form, exc, mapping)
        else:
            messages.success(
                request, _("Visit to %(household)s recorded.") % {"household": household}
            )
            return redirect("visits:detail", pk=visit.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "visits/visit_form.html",
        {
            "form": form,
            "household": household,
            "last_visit": household.visits.order_by("-visited_at").first(),
        },
        status=status,
    )


def _need_forms(user, visit, bound=None):
    """(need, form or None) for the visit's needs; a form where the user may report it."""
    can = roles.can_write(user, "visit", visit.region_path)
    out = []
    for need in visit.needs.select_related("category", "matter"):
        form = None
        if can and not need.matter_id:
            if bound is not None and bound[0] == need.pk:
                form = bound[1]
            else:
                form = NeedReportForm(
                    category=need.category,
                    prefix=f"n{need.pk}",
                    initial={"category": need.category.code if need.category else ""},
                )
        out.append((need, form))
    return out


def _visit_page(request, visit, bound=None, status=200):
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "met": visit.met.order_by("pk"),
            "needs": _need_forms(request.user, visit, bound),
        },
        status=status,
    )


def _get_visit(user, pk):
    return get_visible(Visit.objects.select_related("household", "worker", "region"), user, pk=pk)


@role_required
def visit_detail(request, pk):
    return _visit_page(request, _get_visit(request.user, pk))


@require_POST
@role_required
def report_need(request, pk, need_id):
    visit = _get_visit(request.user, pk)
    need = chosen(Need.objects.filter(visit=visit), need_id)
    prefix = f"n{need.pk}"
    code = request.POST.get(f"{prefix}-category", "")
    category = Category.objects.filter(code=code, active=True).first() or need.category
    form = NeedReportForm(request.POST, category=category, prefix=prefix)
    if form.is_valid():
        try:
            matter = actions.report_need(
                need,
                actor=request.user,
                category=form.cleaned_data["category"],
                attributes=form.attributes(),
                priority=form.cleaned_data["priority"],
            )
        except ActionError as exc:
            if exc.status != 400:
                raise
            fields = {e.get("field") for e in exc.errors}
            _form_errors(form, exc, {f: f"attr_{f}" for f in fields if f"attr_{f}" in form.fields})
        else:
            messages.success(
                request, _("Matter %(code)s reported from this visit.") % {"code": matter.code}
            )
            return redirect("visits:detail", pk=visit.pk)
    return _visit_page(request, visit, bound=(need.pk, form), status=400)


# --- patrols --------------------------------------------------------------------------


def _open_patrol(user):
    return Patrol.objects.open().filter(worker=user).select_related("region").first()


def _patrol_list_page(request, status=200, error=""):
    qs = _narrow(
        request,
        Patrol.objects.visible_to(request.user).select_related("region", "worker"),
        "patrol",
    )
    return render(
        request,
        "visits/patrol_list.html",
        {
            "page": paginate(request, qs),
            "grids": _grids(request.user, "patrol"),
            "my_grids": _grids(request.user, "patrol", write=True),
            "open_patrol": _open_patrol(request.user),
            "error": error,
        },
        status=status,
    )


@role_required
def patrol_list(request):
    _require_read(request.user, "patrol")
    return _patrol_list_page(request)


@require_POST
@role_required
def start_patrol(request):
    code = request.POST.get("grid", "")
    grid = get_visible(_grids(request.user, "patrol"), request.user, code=code)
    try:
        patrol = actions.start_patrol(grid, actor=request.user)
    except ActionError as exc:
        if exc.status == 404:
            raise
        return _patrol_list_page(request, status=exc.status, error=exc.message)
    return redirect("visits:patrol", pk=patrol.pk)


def _get_patrol(user, pk):
    return get_visible(Patrol.objects.select_related("region__grid", "worker"), user, pk=pk)


def track_svg(patrol, points) -> dict:
    """The grid and the track drawn in the same 100×100 box (no map tiles needed)."""
    polygon = patrol.region.grid.polygon
    minx, miny, maxx, maxy = geometry_from_geojson(polygon).bounds
    for p in points:
        minx, maxx = min(minx, p.lon), max(maxx, p.lon)
        miny, maxy = min(miny, p.lat), max(maxy, p.lat)
    box = (minx, miny, maxx, maxy)
    line = {"type": "Polygon", "coordinates": [[(p.lon, p.lat) for p in points]]}
    track = svg_path(line, box)[:-2] if len(points) > 1 else ""  # open: drop the closing Z
    outside = []
    for p in points:
        if not p.inside:
            d = svg_path({"type": "Polygon", "coordinates": [[(p.lon, p.lat)]]}, box)
            x, y = d[1:-2].split(",")
            outside.append((x, y))
    return {"grid": svg_path(polygon, box), "track": track, "outside": outside}


@role_required
def patrol_detail(request, pk, status=200, error=""):
    patrol = _get_patrol(request.user, pk)
    points = list(patrol.points.only("lat", "lon", "inside", "at"))
    mine = patrol.worker_id == request.user.pk
    return render(
        request,
        "visits/patrol_detail.html",
        {
            "patrol": patrol,
            "svg": track_svg(patrol, points),
            "matters": patrol.matters_on_the_way(request.user),
            "tracking": mine and patrol.is_open,
            "mine": mine,
            "points_url": f"/api/patrols/{patrol.pk}/points",
            "csrf": get_token(request),
            "report_url": reverse("matters:report") + f"?place={patrol.region.code}",
            "error": error,
        },
        status=status,
    )


@require_POST
@role_required
def end_patrol(request, pk):
    patrol = _get_patrol(request.user, pk)
    try:
        actions.end_patrol(patrol, actor=request.user, notes=request.POST.get("notes", ""))
    except ActionError as exc:
        if exc.status == 404:
            raise
        return patrol_detail(request, pk, status=exc.status, error=exc.message)
    messages.success(request, _("Patrol ended."))
    return redirect("visits:patrol", pk=patrol.pk)


@require_POST
@role_required
def link_matter(request, pk):
    patrol = _get_patrol(request.user, pk)
    code = request.POST.get("code", "").strip()[:24]
    try:
        matter = get_visible(Matter.objects, request.user, code=code)
        actions.link_matter(patrol, matter, actor=request.user)
    except ActionError as exc:
        message = _("No such matter in your scope.") if exc.status == 404 else exc.message
        return patrol_detail(
            request, pk, status=400 if exc.status == 404 else exc.status, error=message
        )
    messages.success(request, _("Matter %(code)s linked to this patrol.") % {"code": matter.code})
    return redirect("visits:patrol", pk=patrol.pk)


GEOJSON_MAX_PATROLS = 50
GEOJSON_MAX_POINTS = 300  # per track: enough to draw, small enough for a weak network


def patrol_tracks(user, region: Region, n: int) -> list[dict]:
    """The last `n` patrols under `region` the user may see, as GeoJSON LineString features
    (the map component's `patrols` layer)."""
    patrols = list(
        Patrol.objects.visible_to(user).under(region.path).select_related("worker", "region")[:n]
    )
    coords: dict[int, list] = {p.pk: [] for p in patrols}
    for pid, lon, lat in (
        PatrolPoint.objects.filter(patrol__in=patrols)
        .order_by("patrol", "at", "id")
        .values_list("patrol_id", "lon", "lat")
    ):
        coords[pid].append([round(lon, 6), round(lat, 6)])
    features = []
    for p in patrols:
        line = coords[p.pk]
        if len(line) < 2:
            continue
        step = -(-len(line) // GEOJSON_MAX_POINTS)
        line = line[::step] + ([line[-1]] if (len(line) - 1) % step else [])
        start = timezone.localtime(p.started_at)
        features.append(
            geo.feature(
                {"type": "LineString", "coordinates": line},
                name=f"{p.worker} · {start:%m-%d %H:%M}",
                url=reverse("visits:patrol", args=[p.pk]),
                tone="warn" if p.is_open or p.points_outside else "",
                code=p.region.code,
            )
        )
    return features


@role_required
def patrols_geojson(request):
    """`?in=<code>` (or `?grid=`: any place the user sees) `&n=` (1–50, default 10)."""
    _require_read(request.user, "patrol")
    code = request.GET.get("in") or request.GET.get("grid", "")
    try:
        region = get_visible(Region.objects, request.user, code=code.strip())
        n = parsing.integer(request.GET.get("n") or 10, "n", minimum=1, maximum=GEOJSON_MAX_PATROLS)
    except ActionError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=exc.status)
    return geo.collection(patrol_tracks(request.user, region, n))
