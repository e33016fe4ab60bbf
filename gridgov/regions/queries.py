"""Read helpers over the region tree: staffing (1+1+1+N) and coverage."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.core.scoping import common_path, under

from .models import LEVEL_ORDER, Grid, Level, Region

STAFF_ROLES = (Role.GRID_WORKER, Role.GRID_POLICE, Role.HOUSEHOLD_LIAISON)
MISSING_LABELS = {
    "sponsor_unit": _("sponsor unit"),
    Role.GRID_WORKER: _("grid worker"),
    Role.GRID_POLICE: _("grid police"),
    Role.HOUSEHOLD_LIAISON: _("household liaison"),
}


@dataclasses.dataclass
class Staffing:
    grid: Grid
    community: Region | None
    sponsor_unit: object
    grid_workers: list
    grid_police: list
    liaisons: list

    @property
    def missing(self) -> list[str]:
        out = []
        if self.sponsor_unit is None:
            out.append("sponsor_unit")
        if not self.grid_workers:
            out.append(Role.GRID_WORKER)
        if not self.grid_police:
            out.append(Role.GRID_POLICE)
        if not self.liaisons:
            out.append(Role.HOUSEHOLD_LIAISON)
        return out

    @property
    def missing_labels(self) -> list[str]:
        return [str(MISSING_LABELS[m]) for m in self.missing]


def staffing_for(grids) -> list[Staffing]:
    """1+1+1+N for each grid, in two queries whatever the number of grids."""
    grids = list(grids.select_related("region", "sponsor_unit").order_by("region__code"))
    if not grids:
        return []
    by_path = {g.region_path: g for g in grids}
    lengths = sorted({len(p) for p in by_path})
    staff: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    assignments = RoleAssignment.objects.filter(role__in=STAFF_ROLES).select_related(
        "user", "region"
    )
    common = common_path(by_path)
    if common:
        assignments = assignments.filter(under("region__path", common))
    for a in assignments:
        for n in lengths:
            if a.region.path[:n] in by_path:
                staff[a.region.path[:n]][a.role].append(a)
                break
    communities = {
        r.path: r
        for r in Region.objects.filter(
            level=Level.COMMUNITY, path__in={p[: -Region.steplen] for p in by_path}
        )
    }
    return [
        Staffing(
            grid=g,
            community=communities.get(g.region_path[: -Region.steplen]),
            sponsor_unit=g.sponsor_unit,
            grid_workers=staff[g.region_path][Role.GRID_WORKER],
            grid_police=staff[g.region_path][Role.GRID_POLICE],
            liaisons=staff[g.region_path][Role.HOUSEHOLD_LIAISON],
        )
        for g in grids
    ]


def place_labels(regions) -> dict[int, str]:
    """Region pk → the place named so that a reader elsewhere in the district knows it: its
    community and what lies below, e.g. "珠曲登社区 · 珠曲登第1网格 · 1号楼". One query for
    all of them."""
    regions = list(regions)
    step = Region.steplen
    paths = {r.path[:n] for r in regions for n in range(step, len(r.path) + 1, step)}
    names = {
        path: name
        for path, name, level in Region.objects.filter(path__in=paths).values_list(
            "path", "name", "level"
        )
        if LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(Level.COMMUNITY)
    }
    return {
        r.pk: " · ".join(
            names[r.path[:n]] for n in range(step, len(r.path) + 1, step) if r.path[:n] in names
        )
        for r in regions
    }
