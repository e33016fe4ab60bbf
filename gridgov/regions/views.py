import json

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import files
from gridgov.core.scoping import common_path, get_visible, under
from gridgov.core.views import history_context, role_required
from gridgov.people.models import Household, PartyMember, Resident, Unit

from . import geo
from .models import Grid, Level, PartyLevel, PartyOrg, Region
from .queries import staffing_for

TREE_LEVELS = [Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]


def _nest(nodes):
    """Flat nodes in path order → nested [(node, children)] for the template."""
    roots, stack = [], []
    for node in nodes:
        item = (node, [])
        while stack and not node.path.startswith(stack[-1][0].path):
            stack.pop()
        (stack[-1][1] if stack else roots).append(item)
        stack.append(item)
    return roots


@role_required
def tree(request):
    nodes = Region.objects.visible_to(request.user).filter(level__in=TREE_LEVELS)
    return render(request, "regions/tree.html", {"tree": _nest(nodes)})


def _counts(user, path: str) -> dict:
    if not roles.covers(roles.read_paths(user, "base_data"), path):
        return {}
    here = under("region_path", path)
    return {
        _("households"): Household.objects.filter(here).count(),
        _("residents"): Resident.objects.filter(here).count(),
        _("units"): Unit.objects.filter(here).count(),
        _("party members"): PartyMember.objects.filter(here).count(),
    }


@role_required
def region_detail(request, code):
    region = get_visible(Region.objects, request.user, code=code)
    children = (
        Region.objects.visible_to(request.user)
        .under(region.path)
        .filter(depth=region.depth + 1)
        .order_by("code")
    )
    ctx = {
        "region": region,
        "ancestors": Region.objects.get_ancestors(region),
        "children": children,
        "counts": _counts(request.user, region.path),
        "history": history_context(request.user, region),
    }
    shapeless = region.level in (Level.COMPOUND, Level.BUILDING)  # no outline of its own
    layers = [] if shapeless else geo.map_layers(request.user, region)
    ctx["map_layers"] = json.dumps(layers, ensure_ascii=False)
    if region.level == Level.GRID:
        grid = region.grid
        ctx["grid"] = grid
        if roles.covers(roles.read_paths(request.user, "staffing"), grid.region_path):
            ctx["staffing"] = staffing_for(Grid.objects.filter(pk=grid.pk))[0]
        ctx["branches"] = PartyOrg.objects.visible_to(request.user).filter(grids=region)
        ctx["history"] = history_context(request.user, grid) + ctx["history"]
    elif region.level in (Level.STREET, Level.COMMUNITY, Level.DISTRICT, Level.CITY):
        ctx["grid_count"] = (Grid.objects.visible_to(request.user).under(region.path)).count()
    return render(request, "regions/region_detail.html", ctx)


@role_required
def region_map(request):
    """The map of the user's grids (or of `?in=<region>`), each shaded by its open and
    overdue matters, with the grids listed worst first beside it."""
    user = request.user
    region = geo.scope_region(request)
    if region is None:
        top = common_path(roles.read_paths(user, "grid"))
        region = Region.objects.visible_to(user).filter(path=top).first() if top else None
    grids = Grid.objects.visible_to(user).select_related("region")
    if region is not None:
        grids = grids.under(region.path)
        layers = geo.map_layers(user, region)
    else:  # several trees: every grid the user sees, no narrower region
        layers = [{"url": reverse("regions:geo_grids"), "kind": "grids", "name": _("Grids")}]
    grids = list(grids)
    counts = geo.grid_counts(user, [g.region_path for g in grids])
    rows = sorted(
        (
            {
                "grid": g,
                "open": counts.get(g.region_path, (0, 0))[0],
                "overdue": counts.get(g.region_path, (0, 0))[1],
            }
            for g in grids
        ),
        key=lambda r: (-r["overdue"], -r["open"], r["grid"].region.code),
    )
    return render(
        request,
        "regions/map.html",
        {
            "region": region,
            "rows": rows,
            # someone who does not see matters (a volunteer) is not told "0 open"
            "sees_matters": bool(roles.read_paths(user, "matter")),
            "map_layers": json.dumps(layers, ensure_ascii=False),
        },
    )


@role_required
def party(request):
    """The party chain in scope: organisations, secretaries, grids covered, concurrent
    (big-committee) members and party members."""
    if not roles.read_paths(request.user, "party_org"):
        raise PermissionDenied(_("Your role may not read party organisations."))
    orgs = list(
        PartyOrg.objects.visible_to(request.user)
        .exclude(level=PartyLevel.HOUSEHOLD)
        .annotate(n_members=Count("party_members", distinct=True))
        .prefetch_related("grids", "members")
    )
    households = dict(
        PartyOrg.objects.visible_to(request.user)
        .filter(level=PartyLevel.HOUSEHOLD)
        .values_list("path")
        .annotate(n=Count("pk"))
    )
    for org in orgs:
        org.n_households = sum(n for p, n in households.items() if p.startswith(org.path))
    return render(request, "regions/party.html", {"tree": _nest(orgs)})


@role_required
def coverage(request):
    grids = Grid.objects.visible_to(request.user)
    if not roles.read_paths(request.user, "staffing"):
        grids = grids.none()
    place = request.GET.get("region", "")
    if place:  # the grids of one place (the home page's breakdown links here)
        grids = grids.under_code(place)
    rows = staffing_for(grids)
    gaps = [r for r in rows if r.missing]
    rows = gaps + [r for r in rows if not r.missing]  # what needs doing first
    if request.GET.get("format") == "csv":
        listed = gaps if request.GET.get("all") != "1" else rows
        sheet = files.Sheet(
            _("coverage"),
            [
                _("grid code"),
                _("grid"),
                _("community"),
                _("sponsor unit"),
                _("grid worker"),
                _("grid police"),
                _("household liaisons"),
                _("missing"),
            ],
            (
                [
                    r.grid.region.code,
                    r.grid.region.name,
                    r.community.name if r.community else "",
                    r.sponsor_unit.name if r.sponsor_unit else "",
                    " ".join(str(a.user) for a in r.grid_workers),
                    " ".join(str(a.user) for a in r.grid_police),
                    len(r.liaisons),
                    " ".join(r.missing_labels),
                ]
                for r in listed
            ),
            text_columns={0},
        )
        return files.download(sheet, "coverage", "csv")
    return render(
        request,
        "regions/coverage.html",
        {
            "rows": gaps if request.GET.get("missing") == "1" else rows,
            "gaps": gaps,
            "total": len(rows),
        },
    )
