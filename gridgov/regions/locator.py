"""Point → grid. An STRtree over every grid polygon, held in memory per process and rebuilt
when the "grids" counter moves (any process that changes a grid bumps it in the same
transaction, so every other process notices on its next lookup)."""

from __future__ import annotations

import threading

import shapely
from shapely.geometry import Point
from shapely.strtree import STRtree

from gridgov.core.models import counter_value

from .geo import geometry_from_geojson


class Locator:
    """An immutable index of (code, geometry); `locate` answers the grid code or None."""

    def __init__(self, items: list[tuple[str, object]]):
        # sorted so that a point on a shared edge always goes to the same (lowest) code
        items = sorted(items, key=lambda it: it[0])
        self.codes = [code for code, _ in items]
        self.geoms = [geom for _, geom in items]
        for geom in self.geoms:
            shapely.prepare(geom)
        self.tree = STRtree(self.geoms)

    def locate(self, lon: float, lat: float) -> str | None:
        hits = self.tree.query(Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.codes[int(min(hits))]

    def locate_naive(self, lon: float, lat: float) -> str | None:
        """The same answer by trying every polygon: the baseline for the benchmark."""
        point = Point(lon, lat)
        for code, geom in zip(self.codes, self.geoms, strict=True):
            if geom.intersects(point):
                return code
        return None

    def __len__(self):
        return len(self.codes)


_lock = threading.Lock()
_cached: tuple[int, Locator] | None = None


def build_locator() -> Locator:
    from .models import Grid

    rows = Grid.objects.values_list("region__code", "polygon")
    return Locator([(code, geometry_from_geojson(poly)) for code, poly in rows])


def get_locator() -> Locator:
    global _cached
    version = counter_value("grids")
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, build_locator())
        return _cached[1]


def locate(lat: float, lon: float):
    """The grid Region containing (lat, lon), or None outside every grid."""
    from .models import Region

    code = get_locator().locate(lon, lat)
    return Region.objects.get(code=code) if code else None
