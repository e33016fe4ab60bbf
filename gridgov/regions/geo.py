"""Geometry helpers: GeoJSON in WGS 84 (lon, lat), areas in square metres by a local
equirectangular projection — ample for grids a few kilometres across. Below them, the
regions' GeoJSON endpoints for the map component and the registry of a region page's map
layers (docs/architecture.md, "Maps")."""

import math

from shapely import affinity
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from gridgov.core.registry import Registry

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


def to_metres(geom: BaseGeometry, ref_lat: float) -> BaseGeometry:
    return affinity.scale(
        geom,
        xfact=M_PER_DEG_LON_EQUATOR * math.cos(math.radians(ref_lat)),
        yfact=M_PER_DEG_LAT,
        origin=(0, 0),
    )


def area_m2(geom: BaseGeometry) -> float:
    return to_metres(geom, geom.centroid.y).area


def svg_path(geojson: dict, box: tuple[float, float, float, float], size: float = 100.0) -> str:
    """An SVG path for a polygon, fitted into a size×size viewBox keeping proportions (the
    patrol page draws its grid and track this way, so that it works without the map)."""
    minx, miny, maxx, maxy = box
    lat = (miny + maxy) / 2
    kx = math.cos(math.radians(lat))
    w = max((maxx - minx) * kx, 1e-12)
    h = max(maxy - miny, 1e-12)
    scale = size / max(w, h)
    polygons = [geojson["coordinates"]] if geojson["type"] == "Polygon" else geojson["coordinates"]
    parts = []
    for polygon in polygons:
        for ring in polygon:
            pts = [f"{(x - minx) * kx * scale:.2f},{(maxy - y) * scale:.2f}" for x, y, *_ in ring]
            parts.append("M" + " L".join(pts) + " Z")
    return " ".join(parts)


def geometry_from_geojson(data) -> BaseGeometry:
    return shape(data)


def geometry_to_geojson(geom: BaseGeometry) -> dict:
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value):
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


# ---- GeoJSON for the map component (gridgov/static/gridgov/map.js) ------------------------
# Every endpoint answers a FeatureCollection of what the user may see (`visible_to`), each
# feature's `properties` holding `name`, `code`, `url` (a tap opens it) and `tone` ("",
# "warn", "danger"). `?in=<region code>` narrows to a region the user sees (404 otherwise).

GEOJSON = "application/geo+json"


def feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def collection(features: list[dict], **members):
    """The answer of a map endpoint; `members` are foreign members of the collection (e.g.
    `unplaced`: how many in scope have no location and are not drawn)."""
    from django.http import JsonResponse

    body = {"type": "FeatureCollection", "features": features, **members}
    return JsonResponse(body, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})


def tone(open_: int, overdue: int) -> str:
    """How a place with these open and overdue matters is shaded."""
    return "danger" if overdue else "warn" if open_ else ""


def scope_region(request, param: str = "in"):
    """The visible region named by `?<param>=<code>`, or None when not given."""
    from gridgov.core.scoping import get_visible

    from .models import Region

    code = request.GET.get(param, "").strip()
    return get_visible(Region.objects, request.user, code=code) if code else None


# The layers of a region page's map (a grid among its neighbours, a community's grids …):
# each app registers `fn(user, region) -> {"url", "kind", "name"} | None` with @map_layer
# in its own geo.py (found like panels.py), so that the region page imports no app's
# internals. The layers are drawn in `order`, the first ones underneath.
_layers = Registry("geo", "map layer")
map_layer = _layers.register  # @map_layer(key, order): fn(user, region) -> layer | None


def map_layers(user, region) -> list[dict]:
    layers = []
    for _key, _order, fn in _layers:
        layer = fn(user, region)
        if layer:
            layers.append(layer)
    return layers


def sees_many_grids(user) -> bool:
    """Whether the user's scope holds more than one grid (they get the map page)."""
    from .models import Grid

    return Grid.objects.visible_to(user)[:2].count() > 1


NEIGHBOUR_M = 50.0  # a grid this close to the focus grid is drawn beside it


def neighbour_codes(polygon: dict) -> list[str]:
    """Codes of the grids touching or within NEIGHBOUR_M of `polygon` (itself included),
    from the locator's index — callers still scope them."""
    from .locator import get_locator

    geom = geometry_from_geojson(polygon)
    margin = NEIGHBOUR_M / M_PER_DEG_LAT
    locator = get_locator()
    hits = locator.tree.query(geom.buffer(margin), predicate="intersects")
    return [locator.codes[int(i)] for i in hits]


def grid_counts(user, paths: list[str]) -> dict[str, tuple[int, int]]:
    from gridgov.matters.geo import counts_by_grid  # matters own what is open and overdue

    return counts_by_grid(user, paths)


def grids_view(request):
    """The user's grids with their open and overdue matters: all of them, those under
    `?in=<region>`, or `?near=<grid>`: that grid and its neighbours the user also sees."""
    from django.urls import reverse

    from gridgov.accounts import roles
    from gridgov.core.scoping import get_visible

    from .models import Grid

    user = request.user
    grids = Grid.objects.visible_to(user).select_related("region")
    region = scope_region(request)
    if region is not None:
        grids = grids.under(region.path)
    near = request.GET.get("near", "").strip()
    if near:
        focus = get_visible(Grid.objects, user, region__code=near)
        grids = grids.filter(region__code__in=neighbour_codes(focus.polygon))
    grids = list(grids.order_by("region_path"))
    counts = grid_counts(user, [g.region_path for g in grids])
    # whoever sees no matters (a court officer, a volunteer) is not told "none open"
    counted = bool(roles.read_paths(user, "matter") or roles.assignments_with_units(user))
    features = []
    for g in grids:
        open_, overdue = counts.get(g.region_path, (0, 0))
        figures = {"open": open_, "overdue": overdue} if counted else {}
        features.append(
            feature(
                g.polygon,
                name=g.region.name,
                code=g.region.code,
                url=reverse("regions:detail", args=[g.region.code]),
                tone=tone(open_, overdue),
                **figures,
            )
        )
    return collection(features)


def buildings_view(request):
    """The buildings the user sees (under `?in=<region>`) that have a location; those
    without one are counted in `unplaced`, not drawn anywhere made up."""
    from django.urls import reverse

    from .models import Level, Region

    buildings = Region.objects.visible_to(request.user).filter(level=Level.BUILDING)
    region = scope_region(request)
    if region is not None:
        buildings = buildings.under(region.path)
    placed = buildings.filter(lat__isnull=False, lon__isnull=False)
    features = [
        feature(
            point(b.lon, b.lat),
            name=b.name if not b.address else f"{b.name} · {b.address}",
            code=b.code,
            url=reverse("regions:detail", args=[b.code]),
            tone="",
        )
        for b in placed.only("code", "name", "address", "lat", "lon", "path")
    ]
    return collection(features, unplaced=buildings.count() - len(features))


@map_layer("regions.grids", order=10)
def _grids_layer(user, region):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .models import Level

    if region.level == Level.GRID:
        return {
            "url": reverse("regions:geo_grids") + f"?near={region.code}",
            "kind": "grids",
            "name": _("Grids"),
        }
    if region.level in (Level.COMPOUND, Level.BUILDING):
        return None
    return {
        "url": reverse("regions:geo_grids") + f"?in={region.code}",
        "kind": "grids",
        "name": _("Grids"),
    }


@map_layer("regions.buildings", order=20)
def _buildings_layer(user, region):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .models import Level

    if region.level != Level.GRID:
        return None  # a district's thousands of buildings say nothing at that scale
    return {
        "url": reverse("regions:geo_buildings") + f"?in={region.code}",
        "kind": "buildings",
        "name": _("Buildings"),
    }
