"""Geometry helpers: GeoJSON in WGS 84 (lon, lat), areas in square metres by a local
equirectangular projection — ample for grids a few kilometres across."""

import math

from shapely import affinity
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

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


def geometry_from_geojson(data) -> BaseGeometry:
    return shape(data)


def geometry_to_geojson(geom: BaseGeometry) -> dict:
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value):
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def svg_path(geojson: dict, box: tuple[float, float, float, float], size: float = 100.0) -> str:
    """An SVG path for a polygon, fitted into a size×size viewBox keeping proportions."""
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
